/* Where nacl-report's NACLs come from: an export, a plan or a template. */
/* --nacl ACLS.json, --terraform-plan PLAN.json [--before],
 * --cloudformation TEMPLATE; a plan or template over the export. */
#ifndef NACL_NACL_SOURCE_H
#define NACL_NACL_SOURCE_H

#include <stdbool.h>

#include "common/cmdline.h"

#include "reports/nacl.h"
#include "reports/nacl_change.h"

struct nacl_source {
	const char *nacl; /* --nacl: what is deployed (describe-network-acls) */
	const char *terraform_plan; /* --terraform-plan */
	const char *cloudformation; /* --cloudformation */
	bool before; /* --before: the plan's state before, not after */
};

/* The cmdline rows of --nacl, --terraform-plan, --before and
 * --cloudformation into the struct nacl_source member of type. */
#define NACL_SOURCE_OPTIONS(type, member)                                      \
	CMDLINE_TEXT("nacl", type, member.nacl),                               \
		CMDLINE_TEXT("terraform-plan", type, member.terraform_plan),   \
		CMDLINE_FLAG("before", type, member.before),                   \
		CMDLINE_TEXT("cloudformation", type, member.cloudformation)
/* "--nacl, --terraform-plan or --cloudformation" unless one is given, two
 * change files at once, --before without a plan: the message, else NULL. */
const char *nacl_source_check(const struct nacl_source *src);
/* The file names in messages: "plan.json over acls.json". free() it. */
char *nacl_source_describe(const struct nacl_source *src);
/*
 * The deployed NACLs (*current, from --nacl; empty without) and the change
 * (*change, zeroed without a plan or template). Returns 0, or -1 with
 * *cause naming the file. nacl_set_free and nacl_change_free them.
 */
int nacl_source_read(const struct nacl_source *src, struct nacl_set *current,
		     struct nacl_change *change, char **cause);
/* The NACLs the source stands for: the change's state (after unless
 * --before) over the deployed ones, or the export alone. */
int nacl_source_load(const struct nacl_source *src, struct nacl_set *set,
		     char **cause);

#endif
