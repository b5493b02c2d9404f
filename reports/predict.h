/* What NACLs do to a scenario's sweep, port by port, before any probe runs. */
/* A predicted report is a v1 report ("predicted": true): the renderers and
 * diff take it as they take a measured one. */
#ifndef NACL_PREDICT_H
#define NACL_PREDICT_H

#include <cjson/cJSON.h>
#include <stdio.h>

#include "common/scenario.h"
#include "reports/nacl.h"
#include "reports/report.h"

/* Consecutive source ports whose fate rests on the same NACL entries. */
struct predict_range {
	uint16_t from;
	uint16_t to; /* inclusive */
	struct nacl_path_result result;
};

/* One check of the report: its ranges with their deciding entries. */
struct predict_check {
	size_t target; /* index into the scenario's and the report's targets */
	struct predict_range *ranges;
	size_t nranges;
};

/* One target's path and how its two sides were named. */
struct predict_path {
	struct nacl_path path;
	char *probe_name; /* probe_nacl as the scenario gives it */
	char *agent_name;
};

struct predict {
	struct report report; /* the predicted v1 report */
	struct predict_path *paths; /* per target */
	size_t npaths;
	struct predict_check *checks; /* per report check */
	size_t nchecks;
};

/*
 * Predicts every (target, check, source port) of scenario s through the
 * NACLs of set (from names set in messages): each target's probe_nacl and
 * agent_nacl name its sides, its bind (or probe_cidr) and address (or
 * agent_cidr) the addresses. Returns 0, or -1 with *cause naming the
 * scenario's target and what is missing or unknown (with the names set
 * knows). p keeps pointers into set: predict_free(p) before freeing it.
 */
int predict_build(struct predict *p, const struct scenario *s,
		  const struct nacl_set *set, const char *from, char **cause);
void predict_free(struct predict *p);
/* The report's v1 JSON with, per check, "predicted_by": the ranges and the
 * entries that decide them. cJSON_Delete it. */
cJSON *predict_to_json(const struct predict *p);
/* Per check the ranges and what decides them, for a person. */
void predict_write_text(const struct predict *p, FILE *out);

/* A predicted range as JSON: from, to, status, drop (the deciding entry)
 * or allowed_by (the four allowing ones). */
cJSON *predict_range_to_json(const struct nacl_path *path,
			     const struct predict_range *pr);

#endif
