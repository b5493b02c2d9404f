/* Terraform plans: the NACL changes of `terraform show -json PLAN`. */
/* aws_network_acl (inline ingress/egress), aws_default_network_acl,
 * aws_network_acl_rule, aws_network_acl_association and aws_subnet, before
 * and after, with unknown IDs named by their resource address. */
#ifndef NACL_TFPLAN_H
#define NACL_TFPLAN_H

#include <cjson/cJSON.h>

#include "reports/nacl_change.h"

/*
 * Reads the plan's JSON root into c (path names it in c->path). Returns 0,
 * or -1 with *cause (malloc'd) naming the JSON path and the bad value, e.g.
 * "resource_changes[2].change.after.ingress[0].protocol: unknown protocol
 * 'tcpp' (...)". nacl_change_free c.
 */
int tfplan_from_json(const cJSON *root, const char *path, struct nacl_change *c,
		     char **cause);
/* The same from a file ("-" for standard input); *cause starts with it. */
int tfplan_read_file(const char *path, struct nacl_change *c, char **cause);

#endif
