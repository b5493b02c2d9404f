/* The explain model: each measured port set against the NACLs' verdict. */
/* Used by nacl-report explain (cmd_explain.c) and nft (cmd_nft.c). */
#ifndef NACL_EXPLAIN_H
#define NACL_EXPLAIN_H

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "reports/nacl.h"
#include "reports/report.h"
#include "reports/secgroup.h"

#define EXPLAIN_SCHEMA "nacl-probe/explain/v1"

/* How one port's measurement compares with the NACLs' prediction. */
enum explain_outcome {
	EXPLAIN_AGREE, /* ok, and the NACLs allow it */
	EXPLAIN_EXPLAINED, /* dropped, and a NACL drops it that way */
	EXPLAIN_UNEXPLAINED, /* not ok, yet the NACLs allow it, or rejected */
	EXPLAIN_CONTRADICTED, /* ok, yet a NACL should drop it */
	EXPLAIN_WRONG_DIRECTION, /* dropped one way, the NACLs drop the other */
	EXPLAIN_NOT_PROBED, /* local_error: nothing was measured */
	EXPLAIN_NOT_NACL, /* host_dropped: the NACLs allow it, the host not */
	EXPLAIN_OUTCOME_COUNT,
};

/* "agree", "explained", "unexplained", "contradicted", "wrong_direction",
 * "not_probed". */
const char *explain_outcome_name(enum explain_outcome outcome);
/* The outcome of one port measured as measured, predicted as predicted
 * (STATUS_OK, STATUS_REQUEST_DROPPED or STATUS_REPLY_DROPPED). */
enum explain_outcome explain_outcome_of(enum probe_status measured,
					enum probe_status predicted);

/* One end of the path, as --probe-subnet or --agent-subnet named it. */
struct explain_side {
	const struct nacl *acl;
	char *subnet_id; /* NULL when named by NACL ID or by CIDR alone */
	struct netaddr_cidr *nets; /* the CIDR part, possibly none */
	size_t nnets;
};

/*
 * Parses S of --probe-subnet / --agent-subnet (option names it in errors):
 * subnet-ID, acl-ID, ID=CIDR[,CIDR...], or CIDR[,CIDR...] alone, which
 * only names a NACL when file holds exactly one. Returns 0, or -1 with
 * *cause (malloc'd) naming what was given and what the file knows.
 */
int explain_side_parse(const struct nacl_set *set, const char *file,
		       const char *option, const char *text,
		       struct explain_side *side, char **cause);
void explain_side_free(struct explain_side *side);

/*
 * Sets up the path from the two sides and the two addresses (where names
 * their origin in errors, e.g. "r.json: probe.bind"). The addresses must
 * be IP addresses of one family, each inside one of its side's CIDRs when
 * the side has some. Returns 0, or -1 with *cause (malloc'd).
 */
int explain_path_init(struct nacl_path *path, const struct explain_side *probe,
		      const char *probe_option, const char *probe_addr,
		      const char *probe_where, const struct explain_side *agent,
		      const char *agent_option, const char *agent_addr,
		      const char *agent_where, char **cause);

/* Consecutive swept ports with the same measurement and attribution. */
struct explain_range {
	uint16_t from;
	uint16_t to; /* inclusive */
	enum probe_status measured;
	enum probe_status predicted; /* ok, request_ or reply_dropped */
	enum explain_outcome outcome;
	/* The prediction of the range's first port; the group shares its
	 * dropping rule, or, when nothing drops, all four allowing rules. */
	struct nacl_path_result prediction;
};

struct explain_check {
	const struct report_check *check;
	struct explain_range *ranges;
	size_t nranges;
	size_t ports[EXPLAIN_OUTCOME_COUNT];
	/* With security groups: do they let the check's requests in? */
	enum sg_verdict sg;
	const struct sg *sg_group; /* the allowing or referring group */
	const struct sg_rule *sg_rule;
};

struct explain {
	const struct report *report;
	struct nacl_path path;
	const char *probe_subnet; /* subnet IDs as given, or NULL */
	const char *agent_subnet;
	struct explain_check *checks;
	size_t nchecks;
	size_t ranges[EXPLAIN_OUTCOME_COUNT]; /* over all checks */
	size_t ports[EXPLAIN_OUTCOME_COUNT];
	const struct sg_set *sgs; /* the agent side's groups, or NULL */
};

/* Predicts every swept port of every check of r and groups the results.
 * x keeps pointers into r and path's NACLs; explain_free(x) when done. */
void explain_build(struct explain *x, const struct report *r,
		   const struct nacl_path *path);
void explain_free(struct explain *x);
/*
 * Judges each check's requests against the agent side's security groups
 * (stateful: their replies always pass), so that a request drop the NACLs
 * do not explain can be pinned on a group. x keeps sgs.
 */
void explain_judge_security_groups(struct explain *x, const struct sg_set *sgs);
/* Unexplained, contradicted or in the wrong direction? */
bool explain_outcome_disagrees(enum explain_outcome outcome);
/* The text for a person: the ranges that are not plainly ok. */
void explain_write_text(const struct explain *x, FILE *out);
/* The EXPLAIN_SCHEMA document, every range included; cJSON_Delete it. */
cJSON *explain_to_json(const struct explain *x);
/* 0 when every measured range agrees with the NACLs, else 1. */
int explain_exit_code(const struct explain *x);

#endif
