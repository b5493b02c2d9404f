/* CloudFormation templates (JSON or YAML; `cdk synth` writes them): NACLs. */
/* AWS::EC2::NetworkAcl, NetworkAclEntry, SubnetNetworkAclAssociation and
 * Subnet, Ref resolved by logical ID: the state after the stack deploys. */
#ifndef NACL_CFN_H
#define NACL_CFN_H

#include <cjson/cJSON.h>
#include <stddef.h>

#include "reports/nacl_change.h"

/*
 * Reads a template's JSON root into c (path names it). Returns 0, or -1
 * with *cause naming the JSON path, e.g. "Resources.AppIn.Properties.
 * Protocol: ...". nacl_change_free c either way.
 */
int cfn_from_json(const cJSON *root, const char *path, struct nacl_change *c,
		  char **cause);
/*
 * The same from len bytes of text (a NUL at text[len]): JSON when it
 * starts with '{', else YAML with the short forms (!Ref, !GetAtt, !Sub...)
 * read as their long forms. Errors name path and the line and column.
 */
int cfn_from_text(const char *text, size_t len, const char *path,
		  struct nacl_change *c, char **cause);
/* The same from a file ("-" for standard input). */
int cfn_read_file(const char *path, struct nacl_change *c, char **cause);

/*
 * YAML text (a NUL at text[len]) as the JSON tree CloudFormation reads:
 * "!Ref X" becomes {"Ref": "X"}, "!GetAtt A.B" {"Fn::GetAtt": ["A", "B"]},
 * "!Name V" {"Fn::Name": V}; plain true, false, null and numbers are typed.
 * Returns the tree (cJSON_Delete it) or NULL with *cause "NAME: not valid
 * YAML at line L, column C: PROBLEM".
 */
cJSON *cfn_yaml_parse(const char *text, size_t len, const char *name,
		      char **cause);

#endif
