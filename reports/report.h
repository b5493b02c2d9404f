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

/* Ports from-to showed status where expected says otherwise. */
struct mismatch_range {
	uint16_t from;
	uint16_t to; /* inclusive */
	enum probe_status status;
	enum expectation expected;
};

/* A time the target stopped answering, from the run's start (seconds). */
struct report_outage {
	double start_s;
	double seconds;
};

/* One host swept: an agent or an agentless server. */
struct report_target {
	char *name; /* the scenario's name for it; "" from the command line */
	char *address; /* without port */
	bool agent;
	char *bind; /* address the probe sent from, "" when any */
	/* From the scenario, for the fixes; NULL when not given. */
	char *probe_cidr;
	char *agent_cidr;
	char *probe_nacl;
	char *agent_nacl;
	char *error; /* why it could not be swept (whole or in part); NULL */
	/* For people: warnings, e.g. "NACLs never filter traffic to
	 * 169.254.169.123 (Amazon Time Sync): this result says nothing about
	 * NACLs". */
	char **notes;
	size_t nnotes;
	uint16_t control_sport; /* the control connection's source port, 0 */
	uint16_t *control_failed; /* source ports whose control connection
				     failed */
	size_t ncontrol_failed;
	struct report_outage *outages; /* in time order */
	size_t noutages;
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
	size_t target; /* index into the report's targets */
	enum expectation expect; /* for ports no expectation range names */
	/* Overrides of expect: sorted, disjoint, inside sports. */
	struct expect_range *expectations;
	size_t nexpectations;
	/* Ports whose status does not meet their expectation, merged. */
	struct mismatch_range *mismatches;
	size_t nmismatches;
	bool pass;
	size_t no_answer; /* TCP handshakes completed, service silent */
	size_t rejected_inferred; /* counted rejected without an ICMP each */
	bool has_loss;
	double loss; /* 0..1: attempts lost to ports that answered */
	bool has_rtt;
	double rtt_p50_ms, rtt_p99_ms;
	char *evidence; /* "capture", "socket", "none" (agentless); NULL */
	/* For people: why ports are dropped (evidence lost: the agent's UDP
	 * queue overflowed), the rejecting device rate-limits ICMP... */
	char **notes;
	size_t nnotes;
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
	char *scenario_name; /* NULL without --scenario */
	char *scenario_description; /* NULL when none */
	/* The first target, for readers of a single target. */
	char *probe_bind; /* address the probe bound, "" when any */
	char *target_address; /* agent or target address, without port */
	bool target_agent; /* false for agentless targets */
	/* Every target, in the order swept; may be empty in a report built
	 * by hand, which then has one target: the fields above. */
	struct report_target *targets;
	size_t ntargets;
	struct report_settings settings;
	struct report_check *checks;
	size_t nchecks;
	size_t probes; /* source ports swept, summed over checks */
	bool pass;
	/* Computed from NACLs by nacl-report predict, not measured. */
	bool predicted;
	char *tool_name; /* "nacl-probe"; NULL in reports from before 0.2 */
	char *tool_version; /* nacl_version() of the tool that ran */
	char *error; /* why the run failed or stopped; NULL when it did not */
	bool partial; /* some port is unfinished */
};

/* Frees everything r owns (not r itself); report_free(NULL) is a no-op. */
void report_free(struct report *r);
/* Appends a check sweeping sports (copied); returns it, ranges still empty. */
struct report_check *report_add_check(struct report *r, enum proto proto,
				      uint16_t port, enum service service,
				      const struct range_list *sports);
/*
 * Appends a target (strings copied; NULL cidr and nacl fields stay NULL) and
 * returns its index; the first one also fills the report's top-level probe
 * and target fields.
 */
size_t report_add_target(struct report *r, const char *name,
			 const char *address, bool agent, const char *bind);
/* Sets the address target index sent from (the top-level bind too for the
 * first). */
void report_set_target_bind(struct report *r, size_t index, const char *bind);
/*
 * The target c ran against. A report without targets has one made of its
 * top-level fields: it is filled into *scratch, which must outlive the
 * result.
 */
const struct report_target *report_check_target(const struct report *r,
						const struct report_check *c,
						struct report_target *scratch);
/*
 * Builds c->ranges, c->counts, c->mismatches and c->pass from one status per
 * port, indexed like range_list_port_at(&c->sports, i). Replaces earlier
 * ranges.
 */
void report_check_set_statuses(struct report_check *c, const uint8_t *statuses);
/*
 * Sets what c's ports must show: expect, overridden for the ports of ranges
 * (copied; sorted, disjoint, inside c->sports). Recomputes the mismatches
 * and the verdict.
 */
void report_check_set_expectations(struct report_check *c,
				   enum expectation expect,
				   const struct expect_range *ranges,
				   size_t nranges);
/*
 * The expectation of port in c; *last (when not NULL) gets the last port of
 * the run of ports from port on that share it.
 */
enum expectation report_check_expect_at(const struct report_check *c,
					uint16_t port, uint16_t *last);
/*
 * Every port of c once, as runs of one status under one expectation, in
 * port order, equal neighbours merged: the mismatches are those that do not
 * meet theirs. *segments gets a malloc'd array (free() it); returns its
 * length.
 */
size_t report_check_segments(const struct report_check *c,
			     struct mismatch_range **segments);
/* True when some port of c expects more than open. */
bool report_check_has_expectations(const struct report_check *c);
/*
 * The one place verdicts are decided: does status meet expected? open wants
 * ok; blocked any status but ok and local_error; dropped a silent drop;
 * rejected a rejection. local_error (not probed) never meets one.
 */
bool report_status_meets(enum probe_status status, enum expectation expected);
/* The check's verdict: no port misses its expectation. */
bool report_check_passes(const struct report_check *c);
/* Appends a note (copied) to a check's or a target's notes. */
void report_check_add_note(struct report_check *c, const char *note);
void report_target_add_note(struct report_target *t, const char *note);
/* Appends an outage to t, which keeps them in time order as given. */
/*
 * Measures are held at the precision the JSON report writes them (loss to
 * REPORT_LOSS_DECIMALS, times to REPORT_TIME_DECIMALS), so that an output
 * written by the probe and the same output rendered from its JSON show the
 * same figures: v rounded to that many decimals.
 */
#define REPORT_LOSS_DECIMALS 4
#define REPORT_TIME_DECIMALS 3
double report_round(double v, int decimals);
/* Sets c's loss (0..1) and round-trip quantiles, rounded as above. */
void report_check_set_measures(struct report_check *c, bool has_loss,
			       double loss, bool has_rtt, double p50_ms,
			       double p99_ms);
void report_target_add_outage(struct report_target *t, double start_s,
			      double seconds);
/* Sets target index's error (copied; replaces an earlier one). */
void report_set_target_error(struct report *r, size_t index, const char *error);
/* Sets the run's error (copied; replaces an earlier one). */
void report_set_error(struct report *r, const char *error);
/* Sets the tool that made the report: name and version, copied. */
void report_set_tool(struct report *r, const char *name, const char *version);
/*
 * For a run that stopped early: every check not yet measured (no ranges)
 * gets every port unfinished, what was measured keeps its statuses. Marks
 * report_finish (call it after) marks r partial when a port is unfinished.
 */
void report_mark_unfinished(struct report *r);
/* Recomputes probes and the run's verdict from the checks. */
void report_finish(struct report *r);
/* 0 when every expectation holds, 1 otherwise (docs/design.md exit codes). */
int report_exit_code(const struct report *r);

/*
 * The v1 JSON document as a cJSON tree, parsed back from the written text:
 * for small reports only (a fragmented sweep's tree takes hundreds of MiB);
 * cJSON_Delete the result.
 */
cJSON *report_to_json(const struct report *r);
/*
 * Writes the v1 JSON to path atomically (temporary file, fsync, rename), or
 * to stdout for "-". Returns 0, or -1 with *cause (malloc'd).
 */
int report_write_json(const struct report *r, const char *path, char **cause);
/* The v1 JSON and a newline, to out, written as it is made (no tree). */
void report_write_json_stream(const struct report *r, FILE *out);
/* The same as an atomic_file_writer: r is the struct report. */
void report_json_writer(FILE *out, const void *r);
/* Reads a v1 report; -1 with *cause naming the file and the bad field. */
int report_from_json(const cJSON *root, struct report *r, char **cause);
int report_read_json(const char *path, struct report *r, char **cause);

/*
 * The readable summary: one block per check with the ranges that are not
 * ok and the client families each hits, NAT warnings, the verdict.
 */
void report_write_text(const struct report *r, FILE *out);

/*
 * Which client families of docs/design.md's ephemeral table the ports from-to
 * hit and how much of each family's range, e.g. "hits Windows Vista+
 * clients (100% of their range), Linux 42.0%"; "hits no common client
 * range" when none. free() the result.
 */
char *report_impact_describe(uint16_t from, uint16_t to);

/* A client family of docs/design.md's ephemeral port table. */
struct impact_family {
	const char *name;
	uint16_t from;
	uint16_t to; /* inclusive */
};

/* The table, in docs/design.md's order; *count gets its length. */
const struct impact_family *report_impact_families(size_t *count);

/* Room for a CIDR block or a NACL id, or their placeholders. */
#define FIX_TEXT_MAX 64
/* Stands for the rule number the user must choose. */
#define FIX_RULE_NUMBER "<rule-number>"

/* One NACL entry that would repair a mismatch, in AWS terms. */
struct fix_rule {
	bool probe_side; /* the probe subnet's NACL; else the far side's */
	bool egress; /* outbound entry; else inbound */
	bool allow; /* allow; else deny */
	enum proto proto;
	uint16_t port_from; /* destination ports, inclusive */
	uint16_t port_to;
	char cidr[FIX_TEXT_MAX]; /* the peer, or a placeholder */
	char nacl[FIX_TEXT_MAX]; /* the NACL id, or a placeholder */
};

/* What would repair one mismatch range; nrules 0 with a note when no NACL
 * entry can. */
struct report_fix {
	uint16_t from;
	uint16_t to; /* inclusive */
	enum probe_status status;
	enum expectation expected;
	struct fix_rule rules[4];
	size_t nrules;
	char *summary; /* which NACL directions are at fault, for a person */
};

/*
 * The fixes of c's first max mismatches that a path can explain (not
 * local_error), in port order: a reply drop needs its replies' destination
 * ports allowed, a request drop the service port, an agentless drop either,
 * an open range that must be blocked a deny. *fixes gets a malloc'd array
 * (report_fixes_free it); the count is returned.
 */
size_t report_check_fixes(const struct report *r, const struct report_check *c,
			  size_t max, struct report_fix **fixes);
/* How many fixes c has in all (its mismatches but local_error ones). */
size_t report_check_nfixes(const struct report_check *c);
void report_fixes_free(struct report_fix *fixes, size_t count);
/* One NACL entry some fix suggests, and the side it faces ("agent" or
 * "target": the far end of its check). */
struct report_fix_entry {
	struct fix_rule rule;
	bool agent;
};

/*
 * The distinct NACL entries that the fixes of every check of r suggest (the
 * first max fixes of each, as report_check_fixes gives them), in the order
 * first suggested: a fix shared by several checks or ranges appears once.
 * *entries gets a malloc'd array (free() it); the count is returned.
 */
size_t report_fix_entries(const struct report *r, size_t max,
			  struct report_fix_entry **entries);
/* The index of rule (of a check whose far end is an agent or not) in
 * entries, or SIZE_MAX. */
size_t report_fix_entry_find(const struct report_fix_entry *entries, size_t n,
			     const struct fix_rule *rule, bool agent);
/* "aws ec2 create-network-acl-entry --network-acl-id ..."; free() it. */
char *report_fix_command(const struct fix_rule *rule);
/*
 * "probe subnet NACL acl-0a1 inbound: allow udp 61000-65535 from
 * 198.18.2.0/24"; far names the other side ("agent" or "target"). free() it.
 */
char *report_fix_describe(const struct fix_rule *rule, const char *far);
/* The sentence that goes with the placeholders of the commands. */
const char *report_fix_note(void);

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
