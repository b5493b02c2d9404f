/* Where nacl-report's NACLs come from: an export, a plan or a template. */
/* nft, predict and plan read them the same way. */
#include "reports/nacl_source.h"

#include <stdlib.h>
#include <string.h>

#include "common/xmalloc.h"
#include "reports/cfn.h"
#include "reports/tfplan.h"

const char *
nacl_source_check(const struct nacl_source *src)
{
	if (src->terraform_plan != NULL && src->cloudformation != NULL)
		return "give --terraform-plan or --cloudformation, not both";
	if (src->before && src->terraform_plan == NULL)
		return "--before goes with --terraform-plan: a template or an "
		       "export has one state";
	if (src->nacl == NULL && src->terraform_plan == NULL &&
	    src->cloudformation == NULL)
		return "missing the NACLs: give --nacl ACLS.json (aws ec2 "
		       "describe-network-acls), --terraform-plan PLAN.json "
		       "(terraform show -json) or --cloudformation TEMPLATE";
	return NULL;
}

char *
nacl_source_describe(const struct nacl_source *src)
{
	const char *change =
		src->terraform_plan ? src->terraform_plan : src->cloudformation;

	if (change == NULL)
		return xstrdup(src->nacl);
	if (src->nacl == NULL)
		return xasprintf("%s%s", change,
				 src->before ? " (before)" : "");
	return xasprintf("%s%s over %s", change, src->before ? " (before)" : "",
			 src->nacl);
}

int
nacl_source_read(const struct nacl_source *src, struct nacl_set *current,
		 struct nacl_change *change, char **cause)
{
	memset(current, 0, sizeof *current);
	memset(change, 0, sizeof *change);
	if (src->nacl != NULL &&
	    nacl_set_read_file(src->nacl, current, cause) != 0)
		return -1;
	if ((src->terraform_plan != NULL &&
	     tfplan_read_file(src->terraform_plan, change, cause) != 0) ||
	    (src->cloudformation != NULL &&
	     cfn_read_file(src->cloudformation, change, cause) != 0)) {
		nacl_set_free(current);
		return -1;
	}
	return 0;
}

int
nacl_source_load(const struct nacl_source *src, struct nacl_set *set,
		 char **cause)
{
	struct nacl_set current;
	struct nacl_change change;
	int rc;

	if (nacl_source_read(src, &current, &change, cause) != 0)
		return -1;
	if (src->terraform_plan == NULL && src->cloudformation == NULL) {
		*set = current;
		return 0;
	}
	rc = nacl_change_state(&change, !src->before,
			       src->nacl ? &current : NULL, set, cause);
	nacl_set_free(&current);
	nacl_change_free(&change);
	return rc;
}
