/* A change to NACLs, as a Terraform plan or a CloudFormation template says. */
/* Readers (tfplan.c, cfn.c) fill it; nacl_change_state lays it over the
 * NACLs deployed now to give the set before or after the change. */
#ifndef NACL_NACL_CHANGE_H
#define NACL_NACL_CHANGE_H

#include <stdbool.h>
#include <stddef.h>

#include "reports/nacl.h"

/* A NACL the change declares: aws_network_acl, aws_default_network_acl,
 * AWS::EC2::NetworkAcl, with its rules and subnets in either state. */
struct nacl_change_acl {
	char *address; /* resource address or logical ID */
	char *actions; /* "create", "update", "delete", "replace", "no-op" */
	bool has_before, has_after; /* exists before / after the change */
	/* A standalone rule or association of it changes, if not itself. */
	bool parts_change;
	struct nacl before, after;
};

/* A rule the change makes on a NACL it does not declare, named by ID. */
struct nacl_change_rule {
	char *address;
	char *actions;
	char *acl_id; /* the NACL, acl-... */
	bool has_before, has_after;
	struct nacl_entry before, after;
};

/* A subnet association: aws_network_acl_association,
 * AWS::EC2::SubnetNetworkAclAssociation. NULL members: none in that state. */
struct nacl_change_association {
	char *address;
	char *actions;
	char *subnet_before, *acl_before;
	char *subnet_after, *acl_after;
};

struct nacl_change {
	char *path; /* the file, for messages */
	const char *kind; /* "Terraform plan" or "CloudFormation template" */
	bool has_before; /* a plan knows the state before; a template not */
	struct nacl_change_acl *acls;
	size_t nacls;
	struct nacl_change_rule *rules;
	size_t nrules;
	struct nacl_change_association *associations;
	size_t nassociations;
	/* Subnets the change declares (aws_subnet, AWS::EC2::Subnet). */
	struct nacl_set subnets;
};

/* c empty, from the file path (copied) of kind, which knows the state
 * before the change or not (has_before). */
void nacl_change_init(struct nacl_change *c, const char *path, const char *kind,
		      bool has_before);
/* Frees what c holds (not c); a zeroed change is a no-op. */
void nacl_change_free(struct nacl_change *c);
/* Appends a zeroed declared NACL (address and actions copied). */
struct nacl_change_acl *nacl_change_add_acl(struct nacl_change *c,
					    const char *address,
					    const char *actions);
struct nacl_change_rule *nacl_change_add_rule(struct nacl_change *c,
					      const char *address,
					      const char *actions,
					      const char *acl_id);
struct nacl_change_association *
nacl_change_add_association(struct nacl_change *c, const char *address,
			    const char *actions);
/* The declared NACL whose address, or id in the state after says, is name;
 * NULL when none. */
struct nacl_change_acl *nacl_change_find(struct nacl_change *c,
					 const char *name, bool after);

/*
 * The NACLs before (after false) or after the change: current (the
 * deployed NACLs, may be NULL) with the declared NACLs in that state
 * replacing theirs, the rules and associations applied. Returns 0, or -1
 * with *cause naming the resource whose NACL neither holds. nacl_set_free
 * out.
 */
int nacl_change_state(const struct nacl_change *c, bool after,
		      const struct nacl_set *current, struct nacl_set *out,
		      char **cause);
/* Does the change touch acl (of either state): create, update or delete
 * it, a rule of it or an association with it? */
bool nacl_change_touches(const struct nacl_change *c, const struct nacl *acl);

#endif
