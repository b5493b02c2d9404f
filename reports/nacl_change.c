/* A change to NACLs, as a Terraform plan or a CloudFormation template says. */
/* The state after a change is the deployed NACLs with the declared ones put
 * in place, their rules and associations applied: what AWS will hold. */
#include "reports/nacl_change.h"

#include <stdlib.h>
#include <string.h>

#include "common/jsonread.h"
#include "common/xmalloc.h"

void
nacl_change_init(struct nacl_change *c, const char *path, const char *kind,
		 bool has_before)
{
	memset(c, 0, sizeof *c);
	c->path = xstrdup(path);
	c->kind = kind;
	c->has_before = has_before;
}

void
nacl_change_free(struct nacl_change *c)
{
	size_t i;

	if (c == NULL)
		return;
	for (i = 0; i < c->nacls; i++) {
		free(c->acls[i].address);
		free(c->acls[i].actions);
		nacl_free(&c->acls[i].before);
		nacl_free(&c->acls[i].after);
	}
	free(c->acls);
	for (i = 0; i < c->nrules; i++) {
		free(c->rules[i].address);
		free(c->rules[i].actions);
		free(c->rules[i].acl_id);
	}
	free(c->rules);
	for (i = 0; i < c->nassociations; i++) {
		struct nacl_change_association *a = &c->associations[i];

		free(a->address);
		free(a->actions);
		free(a->subnet_before);
		free(a->acl_before);
		free(a->subnet_after);
		free(a->acl_after);
	}
	free(c->associations);
	nacl_set_free(&c->subnets);
	free(c->path);
	memset(c, 0, sizeof *c);
}

struct nacl_change_acl *
nacl_change_add_acl(struct nacl_change *c, const char *address,
		    const char *actions)
{
	struct nacl_change_acl *a;

	c->acls = xreallocarray(c->acls, c->nacls + 1, sizeof *c->acls);
	a = &c->acls[c->nacls++];
	memset(a, 0, sizeof *a);
	a->address = xstrdup(address);
	a->actions = xstrdup(actions);
	return a;
}

struct nacl_change_rule *
nacl_change_add_rule(struct nacl_change *c, const char *address,
		     const char *actions, const char *acl_id)
{
	struct nacl_change_rule *r;

	c->rules = xreallocarray(c->rules, c->nrules + 1, sizeof *c->rules);
	r = &c->rules[c->nrules++];
	memset(r, 0, sizeof *r);
	r->address = xstrdup(address);
	r->actions = xstrdup(actions);
	r->acl_id = xstrdup(acl_id);
	return r;
}

struct nacl_change_association *
nacl_change_add_association(struct nacl_change *c, const char *address,
			    const char *actions)
{
	struct nacl_change_association *a;

	c->associations = xreallocarray(c->associations, c->nassociations + 1,
					sizeof *c->associations);
	a = &c->associations[c->nassociations++];
	memset(a, 0, sizeof *a);
	a->address = xstrdup(address);
	a->actions = xstrdup(actions);
	return a;
}

static bool
nacl_change_names(const struct nacl_change_acl *a, const char *name, bool after)
{
	const struct nacl *acl = after ? &a->after : &a->before;
	bool has = after ? a->has_after : a->has_before;

	return strcmp(a->address, name) == 0 ||
	       (has && acl->id != NULL && strcmp(acl->id, name) == 0);
}

struct nacl_change_acl *
nacl_change_find(struct nacl_change *c, const char *name, bool after)
{
	size_t i;

	for (i = 0; i < c->nacls; i++)
		if (nacl_change_names(&c->acls[i], name, after))
			return &c->acls[i];
	return NULL;
}

/* Removes the NACLs of set named name (id or address). */
static void
nacl_change_remove_acl(struct nacl_set *set, const char *name)
{
	size_t i = 0;

	while (i < set->count) {
		struct nacl *acl = &set->acls[i];

		if (strcmp(acl->id, name) != 0 &&
		    (acl->address == NULL || strcmp(acl->address, name) != 0)) {
			i++;
			continue;
		}
		nacl_free(acl);
		memmove(acl, acl + 1, (set->count - i - 1) * sizeof *acl);
		set->count--;
	}
}

/* Takes subnet out of every NACL's associations: a subnet has one NACL. */
static void
nacl_change_unassociate(struct nacl_set *set, const char *subnet)
{
	size_t i, j;

	for (i = 0; i < set->count; i++) {
		struct nacl *acl = &set->acls[i];

		for (j = 0; j < acl->nsubnets; j++) {
			if (strcmp(acl->subnets[j], subnet) != 0)
				continue;
			free(acl->subnets[j]);
			memmove(&acl->subnets[j], &acl->subnets[j + 1],
				(acl->nsubnets - j - 1) * sizeof *acl->subnets);
			acl->nsubnets--;
			j--;
		}
	}
}

static struct nacl *
nacl_change_lookup(struct nacl_set *set, const char *name)
{
	return (struct nacl *)nacl_set_find(set, name);
}

/* Entries of acl in egress with rule number n go. */
static void
nacl_change_remove_entry(struct nacl *acl, bool egress, uint16_t n)
{
	size_t i = 0;

	while (i < acl->nentries) {
		struct nacl_entry *e = &acl->entries[i];

		if (e->egress != egress || e->rule_number != n) {
			i++;
			continue;
		}
		memmove(e, e + 1, (acl->nentries - i - 1) * sizeof *e);
		acl->nentries--;
	}
}

static int
nacl_change_missing(const struct nacl_change *c, const char *address,
		    const char *what, const char *name, bool current,
		    char **cause)
{
	return jsonread_fail(cause, "",
			     "%s: %s %s NACL %s, which the %s does not "
			     "declare%s: give the deployed NACLs with --nacl "
			     "CURRENT.json (aws ec2 describe-network-acls)",
			     c->path, address, what, name, c->kind,
			     current ? " and the --nacl export does not hold"
				     : "");
}

static int
nacl_change_apply_rules(const struct nacl_change *c, bool after,
			const struct nacl_set *current, struct nacl_set *out,
			char **cause)
{
	size_t i;

	for (i = 0; i < c->nrules; i++) {
		const struct nacl_change_rule *r = &c->rules[i];
		bool has = after ? r->has_after : r->has_before;
		struct nacl *acl = nacl_change_lookup(out, r->acl_id);

		if (acl == NULL) {
			if (!has)
				continue;
			return nacl_change_missing(c, r->address,
						   "adds a rule to", r->acl_id,
						   current != NULL, cause);
		}
		/* What the rule was goes; another entry under its new number
		 * stays, a duplicate AWS will refuse (plan names it). */
		if (r->has_before)
			nacl_change_remove_entry(acl, r->before.egress,
						 r->before.rule_number);
		if (has)
			nacl_add_entry(acl, after ? &r->after : &r->before);
		nacl_sort(acl);
	}
	return 0;
}

static int
nacl_change_apply_associations(const struct nacl_change *c, bool after,
			       const struct nacl_set *current,
			       struct nacl_set *out, char **cause)
{
	size_t i;

	for (i = 0; i < c->nassociations; i++) {
		const struct nacl_change_association *a = &c->associations[i];
		const char *subnet = after ? a->subnet_after : a->subnet_before;
		const char *name = after ? a->acl_after : a->acl_before;
		struct nacl *acl;

		/* Gone after the change: AWS gives the subnet its VPC's default
		 * NACL, which nothing here names; the subnet is then unknown.
		 */
		if (subnet == NULL || name == NULL) {
			if (a->subnet_before != NULL && after)
				nacl_change_unassociate(out, a->subnet_before);
			continue;
		}
		acl = nacl_change_lookup(out, name);
		if (acl == NULL)
			return nacl_change_missing(
				c, a->address, "associates a subnet with", name,
				current != NULL, cause);
		nacl_change_unassociate(out, subnet);
		nacl_add_subnet(acl, subnet);
	}
	return 0;
}

int
nacl_change_state(const struct nacl_change *c, bool after,
		  const struct nacl_set *current, struct nacl_set *out,
		  char **cause)
{
	struct nacl_set set;
	size_t i, j;

	memset(&set, 0, sizeof set);
	for (i = 0; current != NULL && i < current->count; i++)
		nacl_set_add_copy(&set, &current->acls[i]);
	for (i = 0; i < c->subnets.nsubnets; i++)
		nacl_set_add_subnet(&set, c->subnets.subnets[i].id,
				    c->subnets.subnets[i].address,
				    c->subnets.subnets[i].ipv6);
	/* A template says nothing of before: what is deployed. */
	if (!after && !c->has_before) {
		*out = set;
		return 0;
	}
	for (i = 0; i < c->nacls; i++) {
		const struct nacl_change_acl *a = &c->acls[i];
		const struct nacl *state = after ? &a->after : &a->before;

		const struct nacl *deployed = nacl_set_find(&set, a->address);
		char *deployed_id = NULL;
		struct nacl *added;

		/* A stack's NACL in the export, by its logical-id tag: the
		 * template changes it, and it keeps its ID. */
		if (!c->has_before && deployed != NULL)
			deployed_id = xstrdup(deployed->id);
		if (a->has_before)
			nacl_change_remove_acl(&set, a->before.id);
		if (a->has_after)
			nacl_change_remove_acl(&set, a->after.id);
		nacl_change_remove_acl(&set, a->address);
		if (!(after ? a->has_after : a->has_before)) {
			free(deployed_id);
			continue;
		}
		for (j = 0; j < state->nsubnets; j++)
			nacl_change_unassociate(&set, state->subnets[j]);
		added = nacl_set_add_copy(&set, state);
		if (deployed_id != NULL) {
			free(added->id);
			added->id = deployed_id;
		}
	}
	if (nacl_change_apply_rules(c, after, current, &set, cause) != 0 ||
	    nacl_change_apply_associations(c, after, current, &set, cause) !=
		    0) {
		nacl_set_free(&set);
		return -1;
	}
	*out = set;
	return 0;
}

static bool
nacl_change_is(const char *name, const struct nacl *acl)
{
	return name != NULL &&
	       (strcmp(name, acl->id) == 0 ||
		(acl->address != NULL && strcmp(name, acl->address) == 0));
}

bool
nacl_change_touches(const struct nacl_change *c, const struct nacl *acl)
{
	size_t i;

	for (i = 0; i < c->nacls; i++) {
		const struct nacl_change_acl *a = &c->acls[i];

		if ((strcmp(a->actions, "no-op") != 0 || a->parts_change) &&
		    (nacl_change_is(a->address, acl) ||
		     (a->has_before && nacl_change_is(a->before.id, acl)) ||
		     (a->has_after && nacl_change_is(a->after.id, acl))))
			return true;
	}
	for (i = 0; i < c->nrules; i++)
		if (strcmp(c->rules[i].actions, "no-op") != 0 &&
		    nacl_change_is(c->rules[i].acl_id, acl))
			return true;
	for (i = 0; i < c->nassociations; i++) {
		const struct nacl_change_association *a = &c->associations[i];

		if (strcmp(a->actions, "no-op") != 0 &&
		    (nacl_change_is(a->acl_before, acl) ||
		     nacl_change_is(a->acl_after, acl)))
			return true;
	}
	return false;
}
