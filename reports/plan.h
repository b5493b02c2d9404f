/* Judging a NACL change before apply: what it breaks, fixes, and risks. */
/* A scenario predicted before and after the change (predict.c), compared
 * range by range; the entry that would fix each breakage; the checks a
 * change deserves beyond the scenario. */
#ifndef NACL_PLAN_H
#define NACL_PLAN_H

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stdio.h>

#include "reports/nacl_change.h"
#include "reports/predict.h"

/* AWS's default quota of rules per NACL and direction. */
#define PLAN_DEFAULT_RULE_QUOTA 20

enum plan_kind {
	PLAN_BROKEN, /* met its expectation before, not after */
	PLAN_FIXED, /* did not, now does */
	PLAN_CHANGED, /* another status, as (un)met as before */
	PLAN_STILL_BROKEN, /* unchanged and not met (shown without before) */
};

/* An entry that would repair a broken range, in the hop that drops it. */
struct plan_fix {
	const struct nacl *acl; /* the NACL after the change */
	struct nacl_entry entry; /* rule_number 0: no free number below */
	/* What decides these packets now, numbered above the fix. */
	const struct nacl_entry *dropping; /* NULL: the final deny */
};

/* Source ports of one check that change, with one deciding entry. */
struct plan_range {
	enum plan_kind kind;
	uint16_t from;
	uint16_t to; /* inclusive */
	enum probe_status before; /* STATUS_COUNT when there is no before */
	enum probe_status after;
	enum expectation expect; /* after the change */
	struct nacl_path_result result; /* after the change */
	bool has_fix;
	struct plan_fix fix;
};

struct plan_check {
	size_t check; /* index into after.report's checks */
	struct plan_range *ranges;
	size_t nranges;
};

enum plan_finding_kind {
	PLAN_QUOTA, /* more rules in a direction than the quota */
	PLAN_DUPLICATE, /* two entries, one number, one direction */
	PLAN_NO_IPV6_TWIN, /* an IPv4 rule for 0.0.0.0/0 without ::/0 */
	PLAN_SHADOWED_DENY, /* a deny an earlier allow covers: never matches */
};

struct plan_finding {
	enum plan_finding_kind kind;
	char *text; /* for a person */
	const struct nacl *acl;
	const struct nacl_entry *entry; /* the rule concerned, or NULL */
};

struct plan {
	const struct nacl_change *change;
	struct nacl_set before_set, after_set;
	bool has_before; /* the scenario could be predicted before */
	char *before_note; /* why not, when it could not */
	struct predict before, after;
	struct plan_check *checks; /* per after check that changes */
	size_t nchecks;
	size_t broken, fixed, changed; /* ports */
	struct plan_finding *findings;
	size_t nfindings;
	unsigned rule_quota;
	/* Rule numbers the fixes take, so that no two fixes share one. */
	struct plan_fix **fixes;
	size_t nfixes;
};

/*
 * Judges change (over current, the deployed NACLs, may be NULL) for
 * scenario s: predicts before and after, compares, finds fixes and checks
 * the NACLs the change touches against rule_quota. Returns 0, or -1 with
 * *cause (the scenario cannot be predicted after the change). plan_free it.
 */
int plan_build(struct plan *p, const struct nacl_change *change,
	       const struct nacl_set *current, const char *current_name,
	       const struct scenario *s, unsigned rule_quota, char **cause);
void plan_free(struct plan *p);
/* Adds p's findings on the NACLs the change touches (plan_checks.c). */
void plan_check_nacls(struct plan *p);
/* 1 when a port misses its expectation after the change, else 0. */
int plan_exit_code(const struct plan *p);

/* The text for a person: newly broken ranges first, with the clients they
 * hit, the rule and hop responsible and the fix; then the findings. */
void plan_write_text(const struct plan *p, FILE *out);
/*
 * The scenario a sweep after apply runs: s's targets and checks expecting
 * what the NACLs after the change predict (open where ok, dropped where a
 * NACL drops). Returns it (cJSON_Delete), or NULL with *cause when two
 * targets share a check but not its prediction.
 */
cJSON *plan_emit_scenario(const struct plan *p, const struct scenario *s,
			  const char *plan_name, char **cause);

/* The fix's Terraform, CloudFormation or aws ec2 text; free() it. */
char *plan_fix_text(const struct plan *p, const struct plan_fix *fix);

#endif
