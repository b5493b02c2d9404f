/* Prometheus text exposition of a report, for node_exporter's textfile
 * collector. */
/* Gauges only, no sample timestamps; every series exists even at zero. */
#include "reports/report.h"

#include <string.h>
#include <time.h>

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

/* name{target="...",proto="udp",port="53",service="dns" */
static void
prom_check_labels(FILE *out, const char *name, const struct report *r,
		  const struct report_check *c)
{
	struct report_target scratch;

	fprintf(out, "%s{target=\"", name);
	prom_label_value(out, report_check_target(r, c, &scratch)->address);
	fprintf(out, "\",proto=\"%s\",port=\"%u\",service=\"%s\"",
		proto_name(c->proto), c->port, service_name(c->service));
}

static void
prom_check_value(FILE *out, const char *name, const struct report *r,
		 const struct report_check *c, size_t value)
{
	prom_check_labels(out, name, r, c);
	fprintf(out, "} %zu\n", value);
}

/* The run's gauge, once per target address (a scenario may sweep several).
 */
static void
prom_run_value(FILE *out, const char *name, const char *target, long long value)
{
	fprintf(out, "%s{target=\"", name);
	prom_label_value(out, target);
	fprintf(out, "\"} %lld\n", value);
}

/* Does target t come first under its address (so its gauges are written)? */
static bool
prom_first_of_address(const struct report *r, size_t t)
{
	size_t i;

	for (i = 0; i < t; i++)
		if (strcmp(r->targets[i].address, r->targets[t].address) == 0)
			return false;
	return true;
}

/* Did every check against target address pass? */
static bool
prom_address_pass(const struct report *r, const char *address)
{
	struct report_target scratch;
	size_t i;

	for (i = 0; i < r->nchecks; i++)
		if (!r->checks[i].pass &&
		    strcmp(report_check_target(r, &r->checks[i], &scratch)
				   ->address,
			   address) == 0)
			return false;
	return true;
}

static void
prom_run_values(FILE *out, const char *name, const struct report *r,
		long long value, bool pass)
{
	size_t t;

	if (r->ntargets == 0) {
		prom_run_value(out, name, r->target_address,
			       pass ? r->pass : value);
		return;
	}
	for (t = 0; t < r->ntargets; t++)
		if (prom_first_of_address(r, t))
			prom_run_value(out, name, r->targets[t].address,
				       pass ? prom_address_pass(
						      r, r->targets[t].address)
					    : value);
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

void
report_write_prom(const struct report *r, FILE *out)
{
	size_t i, s;
	time_t start, end;
	bool times;

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
	prom_family(out, "naclprobe_check_pass",
		    "1 when the check passed in the last run, 0 when it "
		    "failed.");
	for (i = 0; i < r->nchecks; i++)
		prom_check_value(out, "naclprobe_check_pass", r, &r->checks[i],
				 r->checks[i].pass ? 1 : 0);
	prom_family(out, "naclprobe_check_swept_ports",
		    "Source ports the check swept in the last run.");
	for (i = 0; i < r->nchecks; i++)
		prom_check_value(out, "naclprobe_check_swept_ports", r,
				 &r->checks[i],
				 range_list_size(&r->checks[i].sports));
	prom_family(out, "naclprobe_check_failing_ranges",
		    "Source-port ranges of the check that were not ok in the "
		    "last run.");
	for (i = 0; i < r->nchecks; i++)
		prom_check_value(out, "naclprobe_check_failing_ranges", r,
				 &r->checks[i], prom_bad_ranges(&r->checks[i]));
	prom_family(out, "naclprobe_check_nat_translated_ports",
		    "Source ports the agent saw rewritten by a NAT on the "
		    "path in the last run.");
	for (i = 0; i < r->nchecks; i++)
		prom_check_value(out, "naclprobe_check_nat_translated_ports", r,
				 &r->checks[i], r->checks[i].nat_translated);
	prom_family(out, "naclprobe_run_pass",
		    "1 when every check of the last run passed, else 0.");
	prom_run_values(out, "naclprobe_run_pass", r, 0, true);
	/* Times the report does not hold in RFC 3339 are left out. */
	times = rfc3339_parse(r->started_at, &start) == 0 &&
		rfc3339_parse(r->finished_at, &end) == 0 && end >= start;
	prom_family(out, "naclprobe_run_timestamp_seconds",
		    "Unix time the last run started.");
	if (times)
		prom_run_values(out, "naclprobe_run_timestamp_seconds", r,
				(long long)start, false);
	prom_family(out, "naclprobe_run_duration_seconds",
		    "How long the last run took, in seconds.");
	if (times)
		prom_run_values(out, "naclprobe_run_duration_seconds", r,
				(long long)(end - start), false);
}
