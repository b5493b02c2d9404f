/* Prometheus text exposition of a report, for node_exporter's textfile
 * collector. */
/* Gauges only, no sample timestamps; every series exists even at zero. */
#include "reports/report.h"

#include <string.h>
#include <time.h>

#include "common/version.h"
#include "reports/rfc3339.h"

/* Label values escape backslash, double quote and newline. */
static void
prom_label_value(FILE *out, const char *s)
{
	for (s = s ? s : ""; *s != '\0'; s++) {
		if (*s == '\\')
			fputs("\\\\", out);
		else if (*s == '"')
			fputs("\\\"", out);
		else if (*s == '\n')
			fputs("\\n", out);
		else
			fputc(*s, out);
	}
}

static void
prom_family(FILE *out, const char *name, const char *help)
{
	fprintf(out, "# HELP %s %s\n# TYPE %s gauge\n", name, help, name);
}

/* scenario="...",name="...",target="...": what tells two scenarios' series
 * against one agent apart. */
static void
prom_target_labels(FILE *out, const struct report *r,
		   const struct report_target *t)
{
	fputs("scenario=\"", out);
	prom_label_value(out, r->scenario_name);
	fputs("\",name=\"", out);
	prom_label_value(out, t->name);
	fputs("\",target=\"", out);
	prom_label_value(out, t->address);
	fputc('"', out);
}

/* name{scenario="...",name="...",target="...",proto="udp",port="53",
 * service="dns" */
static void
prom_check_labels(FILE *out, const char *name, const struct report *r,
		  const struct report_check *c)
{
	struct report_target scratch;

	fprintf(out, "%s{", name);
	prom_target_labels(out, r, report_check_target(r, c, &scratch));
	fprintf(out, ",proto=\"%s\",port=\"%u\",service=\"%s\"",
		proto_name(c->proto), c->port, service_name(c->service));
}

/* A gauge with one series per check: its name, help and value. */
struct prom_check_gauge {
	const char *name;
	const char *help;
	size_t (*value)(const struct report_check *c);
};

static void
prom_write_check_gauge(FILE *out, const struct report *r,
		       const struct prom_check_gauge *g)
{
	size_t i;

	prom_family(out, g->name, g->help);
	for (i = 0; i < r->nchecks; i++) {
		prom_check_labels(out, g->name, r, &r->checks[i]);
		fprintf(out, "} %zu\n", g->value(&r->checks[i]));
	}
}

/* The targets of r, a report without any having one made of its top level. */
static const struct report_target *
prom_target_at(const struct report *r, size_t t, struct report_target *scratch)
{
	return r->ntargets ? &r->targets[t]
			   : report_check_target(r, NULL, scratch);
}

/* Do a and b name the same target (its gauges are shared)? */
static bool
prom_same_target(const struct report_target *a, const struct report_target *b)
{
	return strcmp(a->address, b->address) == 0 &&
	       strcmp(a->name, b->name) == 0;
}

/* Does target t come first under its name and address (so its gauges are
 * written)? */
static bool
prom_first_of_target(const struct report *r, size_t t)
{
	size_t i;

	for (i = 0; i < t; i++)
		if (prom_same_target(&r->targets[i], &r->targets[t]))
			return false;
	return true;
}

/* Is some check against target t (or its namesakes) failing
 * (unfinished: left unfinished)? */
static bool
prom_target_any_check(const struct report *r, const struct report_target *t,
		      bool unfinished)
{
	struct report_target scratch;
	const struct report_check *c;
	size_t i;

	for (i = 0; i < r->nchecks; i++) {
		c = &r->checks[i];
		if ((unfinished ? c->counts[STATUS_UNFINISHED] > 0
				: !c->pass) &&
		    prom_same_target(report_check_target(r, c, &scratch), t))
			return true;
	}
	return false;
}

/* Does every check against target t (and its namesakes) pass? */
static bool
prom_target_pass(const struct report *r, const struct report_target *t)
{
	return !prom_target_any_check(r, t, false);
}

/* Did the run sweep target t to the end? */
static bool
prom_target_up(const struct report *r, const struct report_target *t)
{
	return r->error == NULL && t->error == NULL &&
	       !prom_target_any_check(r, t, true);
}

enum prom_run_gauge {
	PROM_RUN_PASS,
	PROM_RUN_UP,
	PROM_RUN_OUTAGE, /* the target's outages, in seconds all told */
	PROM_RUN_VALUE,
};

static double
prom_target_outage(const struct report_target *t)
{
	double seconds = 0;
	size_t i;

	for (i = 0; i < t->noutages; i++)
		seconds += t->outages[i].seconds;
	return seconds;
}

/* A gauge of the run, once per target. */
static void
prom_run_values(FILE *out, const char *name, const struct report *r,
		enum prom_run_gauge gauge, long long value)
{
	struct report_target scratch;
	const struct report_target *t;
	size_t i, n = r->ntargets ? r->ntargets : 1;

	for (i = 0; i < n; i++) {
		if (r->ntargets && !prom_first_of_target(r, i))
			continue;
		t = prom_target_at(r, i, &scratch);
		fprintf(out, "%s{", name);
		prom_target_labels(out, r, t);
		if (gauge == PROM_RUN_OUTAGE)
			fprintf(out, "} %g\n", prom_target_outage(t));
		else
			fprintf(out, "} %lld\n",
				gauge == PROM_RUN_PASS
					? (long long)prom_target_pass(r, t)
				: gauge == PROM_RUN_UP
					? (long long)prom_target_up(r, t)
					: value);
	}
}

static size_t
prom_check_pass(const struct report_check *c)
{
	return c->pass ? 1 : 0;
}

static size_t
prom_swept_ports(const struct report_check *c)
{
	return range_list_size(&c->sports);
}

static size_t
prom_nat_translated(const struct report_check *c)
{
	return c->nat_translated;
}

static size_t
prom_no_answer(const struct report_check *c)
{
	return c->no_answer;
}

static size_t
prom_bad_ranges(const struct report_check *c)
{
	size_t i, n = 0;

	for (i = 0; i < c->nranges; i++)
		if (c->ranges[i].status != STATUS_OK)
			n++;
	return n;
}

/*
 * One gauge per quantile: a "quantile" label belongs to a summary, which
 * also needs _sum and _count the report does not keep.
 */
static void
prom_write_rtt(const struct report *r, FILE *out, const char *name,
	       const char *what, bool p99)
{
	char help[128];
	size_t i;

	snprintf(help, sizeof(help),
		 "Round-trip time of the check's answered attempts in the "
		 "last run, %s.",
		 what);
	prom_family(out, name, help);
	for (i = 0; i < r->nchecks; i++) {
		const struct report_check *c = &r->checks[i];

		if (!c->has_rtt)
			continue;
		prom_check_labels(out, name, r, c);
		fprintf(out, "} %.6f\n",
			(p99 ? c->rtt_p99_ms : c->rtt_p50_ms) / 1000);
	}
}

/* The evidence work's gauges: loss and RTT where measured, no_answer. */
static void
prom_write_measures(const struct report *r, FILE *out)
{
	size_t i;

	static const struct prom_check_gauge no_answer = {
		"naclprobe_no_answer_ports",
		"Source ports of the check whose TCP handshake completed "
		"while the service sent nothing, in the last run.",
		prom_no_answer,
	};

	prom_write_check_gauge(out, r, &no_answer);
	prom_family(out, "naclprobe_loss_ratio",
		    "Attempts lost to source ports that answered, 0 to 1, in "
		    "the last run.");
	for (i = 0; i < r->nchecks; i++) {
		if (!r->checks[i].has_loss)
			continue;
		prom_check_labels(out, "naclprobe_loss_ratio", r,
				  &r->checks[i]);
		fprintf(out, "} %.4f\n", r->checks[i].loss);
	}
	prom_write_rtt(r, out, "naclprobe_rtt_p50_seconds", "median", false);
	prom_write_rtt(r, out, "naclprobe_rtt_p99_seconds", "99th percentile",
		       true);
}

void
report_write_prom(const struct report *r, FILE *out)
{
	static const struct prom_check_gauge checks[] = {
		{"naclprobe_check_pass",
		 "1 when the check passed in the last run, 0 when it failed.",
		 prom_check_pass},
		{"naclprobe_check_swept_ports",
		 "Source ports the check swept in the last run.",
		 prom_swept_ports},
		{"naclprobe_check_failing_ranges",
		 "Source-port ranges of the check that were not ok in the "
		 "last run.",
		 prom_bad_ranges},
		{"naclprobe_check_nat_translated_ports",
		 "Source ports the agent saw rewritten by a NAT on the path "
		 "in the last run.",
		 prom_nat_translated},
	};
	size_t i, s;
	time_t start, end;
	bool times;

	prom_family(
		out, "naclprobe_build_info",
		"The nacl-probe version that wrote these series; always 1.");
	/* With the scenario, so two scenarios' files never collide. */
	fputs("naclprobe_build_info{scenario=\"", out);
	prom_label_value(out, r->scenario_name);
	fputs("\",version=\"", out);
	prom_label_value(out,
			 r->tool_version ? r->tool_version : nacl_version());
	fputs("\"} 1\n", out);
	prom_family(out, "naclprobe_up",
		    "1 when the last run swept the target to the end, 0 when "
		    "it failed or was interrupted.");
	prom_run_values(out, "naclprobe_up", r, PROM_RUN_UP, 0);
	prom_family(out, "naclprobe_outage_seconds",
		    "Seconds the path to the target gave no answer at all "
		    "during the last run (waited out, never read as drops).");
	prom_run_values(out, "naclprobe_outage_seconds", r, PROM_RUN_OUTAGE, 0);
	prom_family(out, "naclprobe_ports",
		    "Source ports of a check by outcome in the last run.");
	for (i = 0; i < r->nchecks; i++) {
		for (s = 0; s < STATUS_COUNT; s++) {
			prom_check_labels(out, "naclprobe_ports", r,
					  &r->checks[i]);
			fprintf(out, ",status=\"%s\"} %zu\n",
				status_name((enum probe_status)s),
				r->checks[i].counts[s]);
		}
	}
	for (i = 0; i < sizeof checks / sizeof *checks; i++)
		prom_write_check_gauge(out, r, &checks[i]);
	prom_write_measures(r, out);
	prom_family(out, "naclprobe_run_pass",
		    "1 when every check of the last run passed, else 0.");
	prom_run_values(out, "naclprobe_run_pass", r, PROM_RUN_PASS, 0);
	/* Times the report does not hold in RFC 3339 are left out. */
	times = rfc3339_parse(r->started_at, &start) == 0 &&
		rfc3339_parse(r->finished_at, &end) == 0 && end >= start;
	prom_family(out, "naclprobe_run_timestamp_seconds",
		    "Unix time the last run started.");
	if (times)
		prom_run_values(out, "naclprobe_run_timestamp_seconds", r,
				PROM_RUN_VALUE, (long long)start);
	prom_family(out, "naclprobe_run_duration_seconds",
		    "How long the last run took, in seconds.");
	if (times)
		prom_run_values(out, "naclprobe_run_duration_seconds", r,
				PROM_RUN_VALUE, (long long)(end - start));
}
