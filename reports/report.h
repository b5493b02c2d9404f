/* The in-memory report every renderer reads: checks, per-range statuses,
 * verdicts. */
/* It knows nothing of sockets: the probe fills it through the aggregator,
 * nacl-report from JSON. */
#ifndef NACL_REPORT_H
#define NACL_REPORT_H

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "common/checkspec.h"
#include "common/portrange.h"
#include "common/status.h"

#define REPORT_SCHEMA "nacl-probe/report/v1"

struct status_range {
	uint16_t from;
	uint16_t to; /* inclusive */
	enum probe_status status;
};

struct report_check {
	enum proto proto;
	uint16_t port;
	enum service service;
	struct range_list sports; /* what was swept */
	size_t counts[STATUS_COUNT];
	/* Every port of sports exactly once, in order, equal neighbours merged.
	 */
	struct status_range *ranges;
	size_t nranges;
	size_t nat_translated; /* ports the agent saw under another source port
				*/
	bool pass;
};

struct report_settings {
	unsigned rate; /* probes per second, 0 = unlimited */
	unsigned window;
	unsigned attempts;
	unsigned timeout_ms;
};

struct report {
	char *started_at; /* RFC 3339, UTC */
	char *finished_at;
	char *probe_bind; /* address the probe bound, "" when any */
	char *target_address; /* agent or target address, without port */
	bool target_agent; /* false for agentless targets */
	struct report_settings settings;
	struct report_check *checks;
	size_t nchecks;
	size_t probes; /* source ports swept, summed over checks */
	bool pass;
};

/* Frees everything r owns (not r itself); report_free(NULL) is a no-op. */
void report_free(struct report *r);
/* Appends a check sweeping sports (copied); returns it, ranges still empty. */
struct report_check *report_add_check(struct report *r, enum proto proto,
				      uint16_t port, enum service service,
				      const struct range_list *sports);
/*
 * Builds c->ranges, c->counts and c->pass from one status per port, indexed
 * like range_list_port_at(&c->sports, i). Replaces earlier ranges.
 */
void report_check_set_statuses(struct report_check *c, const uint8_t *statuses);
/* The check's verdict: every port ok (expectations will extend this). */
bool report_check_passes(const struct report_check *c);
/* Recomputes probes and the run's verdict from the checks. */
void report_finish(struct report *r);
/* 0 when every expectation holds, 1 otherwise (DESIGN.md exit codes). */
int report_exit_code(const struct report *r);

/* The v1 JSON document; cJSON_Delete the result. */
cJSON *report_to_json(const struct report *r);
/*
 * Writes the v1 JSON to path atomically (temporary file, fsync, rename), or
 * to stdout for "-". Returns 0, or -1 with *cause (malloc'd).
 */
int report_write_json(const struct report *r, const char *path, char **cause);
/* Reads a v1 report; -1 with *cause naming the file and the bad field. */
int report_from_json(const cJSON *root, struct report *r, char **cause);
int report_read_json(const char *path, struct report *r, char **cause);

/*
 * The readable summary: one block per check with the ranges that are not
 * ok and the client families each hits, NAT warnings, the verdict.
 */
void report_write_text(const struct report *r, FILE *out);

/*
 * Which client families of DESIGN.md's ephemeral table the ports from-to
 * hit and how much of each family's range, e.g. "hits Windows Vista+
 * clients (100% of their range), Linux 42.0%"; "hits no common client
 * range" when none. free() the result.
 */
char *report_impact_describe(uint16_t from, uint16_t to);

/* A client family of DESIGN.md's ephemeral port table. */
struct impact_family {
	const char *name;
	uint16_t from;
	uint16_t to; /* inclusive */
};

/* The table, in DESIGN.md's order; *count gets its length. */
const struct impact_family *report_impact_families(size_t *count);

/* What a status means, for a person: "requests arrive, replies are ...". */
const char *report_status_phrase(enum probe_status status);

/*
 * JUnit XML: one testsuite per target, one testcase per check, a failure
 * listing the ranges that are not ok. Every string is XML-escaped.
 */
void report_write_junit(const struct report *r, FILE *out);

/*
 * Prometheus text exposition for node_exporter's textfile collector: ports
 * per target, check and status, a pass gauge per check, the run's start time
 * and duration. No sample timestamps (the collector refuses them).
 */
void report_write_prom(const struct report *r, FILE *out);

/*
 * One self-contained HTML page: per check a colour strip over the swept
 * source ports with the client families' ranges marked, the ranges that are
 * not ok with their impact, the run's settings and times.
 */
void report_write_html(const struct report *r, FILE *out);

#endif
