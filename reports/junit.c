/* JUnit XML for CI: one testsuite per target, one testcase per check. */
/* Every string from the report is XML-escaped; a failure names its ranges. */
#include "reports/report.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/xmalloc.h"
#include "reports/markup.h"
#include "reports/rfc3339.h"

/* Ranges named in a failure's message attribute and in its body. */
#define JUNIT_MESSAGE_RANGES 5
#define JUNIT_BODY_RANGES 100
/* Fixes written per failure; past them, the JSON report's "fixes". */
#define JUNIT_BODY_FIXES 5

/*
 * Escapes s for XML text or, with attribute, a double-quoted attribute.
 * Characters XML 1.0 forbids (controls but tab, newline, return) become '?'.
 */
static void
junit_escape(FILE *out, const char *s, bool attribute)
{
	markup_escape(out, s,
		      attribute ? &markup_xml_attribute : &markup_xml_text);
}

static void
junit_attribute(FILE *out, const char *name, const char *value)
{
	fprintf(out, " %s=\"", name);
	junit_escape(out, value, true);
	fputc('"', out);
}

static void
junit_attribute_size(FILE *out, const char *name, size_t value)
{
	fprintf(out, " %s=\"%zu\"", name, value);
}

static void
junit_property(FILE *out, const char *name, const char *value)
{
	fputs("      <property", out);
	junit_attribute(out, "name", name);
	junit_attribute(out, "value", value);
	fputs("/>\n", out);
}

static void
junit_property_unsigned(FILE *out, const char *name, unsigned value)
{
	char buf[16];

	snprintf(buf, sizeof buf, "%u", value);
	junit_property(out, name, buf);
}

/* "49152-60999 reply_dropped", "7 rejected", with ", expected blocked" when
 * the check has expectations. */
static void
junit_segment_label(const struct mismatch_range *sg, bool expectations,
		    char *buf, size_t size)
{
	int n;

	if (sg->from == sg->to)
		n = snprintf(buf, size, "%u %s", sg->from,
			     status_name(sg->status));
	else
		n = snprintf(buf, size, "%u-%u %s", sg->from, sg->to,
			     status_name(sg->status));
	if (expectations && n > 0 && (size_t)n < size)
		snprintf(buf + n, size - (size_t)n, ", expected %s",
			 expectation_name(sg->expected));
}

static size_t
junit_mismatching_ports(const struct report_check *c)
{
	size_t i, n = 0;

	for (i = 0; i < c->nmismatches; i++)
		n += (size_t)c->mismatches[i].to - c->mismatches[i].from + 1;
	return n;
}

/*
 * "11848 of 28232 source ports not ok: 49152-60999 reply_dropped", or with
 * expectations "1024 of 28232 source ports not as expected: 1024-2047 ok
 * (expected blocked)".
 */
static char *
junit_message(const struct report_check *c, bool expectations)
{
	size_t i, size = range_list_size(&c->sports), shown = 0;
	size_t bad = junit_mismatching_ports(c);
	char *message, label[96];

	if (bad == 0)
		return xstrdup("the check's expectations were not met");
	message = xasprintf("%zu of %zu source %s %s", bad, size,
			    size == 1 ? "port" : "ports",
			    expectations ? "not as expected" : "not ok");
	for (i = 0; i < c->nmismatches && shown < JUNIT_MESSAGE_RANGES; i++) {
		const struct mismatch_range *m = &c->mismatches[i];

		junit_segment_label(m, false, label, sizeof label);
		if (expectations)
			xappendf(&message, "%s%s (expected %s)",
				 shown ? ", " : ": ", label,
				 expectation_name(m->expected));
		else
			xappendf(&message, "%s%s", shown ? ", " : ": ", label);
		shown++;
	}
	if (c->nmismatches > shown)
		xappendf(&message, ", ... (%zu ranges in all)", c->nmismatches);
	return message;
}

/* The statuses of the mismatches, "reply_dropped,rejected"; "" when none. */
static void
junit_statuses(const struct report_check *c, char *buf, size_t size)
{
	bool seen[STATUS_COUNT] = {false};
	size_t i, used = 0;

	buf[0] = '\0';
	for (i = 0; i < c->nmismatches; i++)
		seen[c->mismatches[i].status] = true;
	for (i = 0; i < STATUS_COUNT; i++) {
		if (!seen[i])
			continue;
		used += (size_t)snprintf(buf + used, size - used, "%s%s",
					 used ? "," : "",
					 status_name((enum probe_status)i));
		if (used >= size)
			break;
	}
}

/* The fix under a range: the sentence, each entry and its command. */
static void
junit_write_fix(FILE *out, const struct report_fix *f, const char *far)
{
	char *line, *text;
	size_t k;

	line = xasprintf("  fix: %s\n", f->summary);
	junit_escape(out, line, false);
	free(line);
	for (k = 0; k < f->nrules; k++) {
		text = report_fix_describe(&f->rules[k], far);
		line = xasprintf("    %s\n", text);
		junit_escape(out, line, false);
		free(line);
		free(text);
		text = report_fix_command(&f->rules[k]);
		line = xasprintf("      %s\n", text);
		junit_escape(out, line, false);
		free(line);
		free(text);
	}
}

/*
 * One line per range listed (the mismatches, or with only_bad false the
 * ranges not ok), with its meaning, the clients hit and the fix.
 */
static void
junit_write_ranges(FILE *out, const struct report *r,
		   const struct report_check *c, bool mismatches,
		   bool expectations)
{
	struct mismatch_range *segments;
	struct report_fix *fixes;
	struct report_target scratch;
	size_t i, shown = 0, listed = 0, next_fix = 0, rules = 0, written = 0;
	size_t nsegments = report_check_segments(c, &segments);
	size_t nfixes = report_check_fixes(
		r, c, mismatches ? JUNIT_BODY_FIXES : 0, &fixes);
	const char *far =
		report_check_target(r, c, &scratch)->agent ? "agent" : "target";
	char label[96], *impact, *line;

	for (i = 0; i < nsegments; i++) {
		const struct mismatch_range *sg = &segments[i];
		bool met = report_status_meets(sg->status, sg->expected);
		const struct report_fix *fix = NULL;

		if (!met && next_fix < nfixes &&
		    fixes[next_fix].from == sg->from)
			fix = &fixes[next_fix++];
		if (mismatches ? met : sg->status == STATUS_OK)
			continue;
		if (listed++ >= JUNIT_BODY_RANGES)
			continue;
		shown++;
		junit_segment_label(sg, expectations, label, sizeof label);
		if (status_is_unmeasured(sg->status))
			impact = xstrdup("; says nothing about the firewall");
		else if (sg->status == STATUS_OK)
			impact = xstrdup("");
		else {
			line = report_impact_describe(sg->from, sg->to);
			impact = xasprintf("; %s", line);
			free(line);
		}
		line = xasprintf("%s (%u %s): %s%s\n", label,
				 sg->to - sg->from + 1,
				 sg->to == sg->from ? "port" : "ports",
				 report_status_phrase(sg->status), impact);
		junit_escape(out, line, false);
		free(line);
		free(impact);
		if (fix != NULL && mismatches) {
			junit_write_fix(out, fix, far);
			rules += fix->nrules;
		}
	}
	if (listed > shown)
		fprintf(out,
			"... and %zu more ranges %s (the JSON report "
			"lists them all)\n",
			listed - shown,
			mismatches && expectations ? "not as expected"
						   : "not ok");
	written = mismatches ? report_check_nfixes(c) : 0;
	if (written > nfixes)
		fprintf(out,
			"... the fixes of %zu more ranges are in the JSON "
			"report (\"fixes\")\n",
			written - nfixes);
	if (rules > 0) {
		line = xasprintf("Note: %s\n", report_fix_note());
		junit_escape(out, line, false);
		free(line);
	}
	free(segments);
	report_fixes_free(fixes, nfixes);
}

/* Why c's unfinished ports were not measured: its target's error, the
 * run's, or that the run ended. */
static const char *
junit_unfinished_cause(const struct report *r, const struct report_check *c)
{
	if (c->target < r->ntargets && r->targets[c->target].error != NULL)
		return r->targets[c->target].error;
	if (r->error != NULL)
		return r->error;
	return "the run ended before these ports were measured";
}

/* What the evidence work says of c, one line each, escaped. */
static void
junit_write_measures(FILE *out, const struct report_check *c)
{
	char *line;
	size_t i;

	if (c->no_answer > 0) {
		line = xasprintf("%zu %s: TCP handshake completed, the %s "
				 "service sent nothing (counted ok)\n",
				 c->no_answer,
				 c->no_answer == 1 ? "port" : "ports",
				 service_name(c->service));
		junit_escape(out, line, false);
		free(line);
	}
	if (c->has_loss || c->has_rtt) {
		line = c->has_rtt ? xasprintf("loss %.2f%%, rtt p50 %.3f ms, "
					      "p99 %.3f ms\n",
					      c->loss * 100, c->rtt_p50_ms,
					      c->rtt_p99_ms)
				  : xasprintf("loss %.2f%%\n", c->loss * 100);
		junit_escape(out, line, false);
		free(line);
	}
	for (i = 0; i < c->nnotes; i++) {
		fputs("note: ", out);
		junit_escape(out, c->notes[i], false);
		fputc('\n', out);
	}
}

static void
junit_write_check(FILE *out, const struct report *r,
		  const struct report_check *c, const char *classname)
{
	char *sports = range_list_format(&c->sports), *name, *message;
	/* A scenario's checks say what they expected, open ones too. */
	bool expectations =
		r->scenario_name != NULL || report_check_has_expectations(c);
	bool measures =
		c->no_answer > 0 || c->has_loss || c->has_rtt || c->nnotes > 0;
	bool all_ok = c->counts[STATUS_OK] == range_list_size(&c->sports);
	char statuses[128];

	name = xasprintf("%s/%u %s sports %s", proto_name(c->proto), c->port,
			 service_name(c->service), sports);
	free(sports);
	fputs("    <testcase", out);
	junit_attribute(out, "name", name);
	junit_attribute(out, "classname", classname);
	free(name);
	if (c->pass && all_ok && !measures) {
		fputs("/>\n", out);
		return;
	}
	fputs(">\n", out);
	junit_statuses(c, statuses, sizeof statuses);
	if (c->counts[STATUS_UNFINISHED] > 0) {
		/* Not a verdict: the run could not finish it. */
		fputs("      <error", out);
		junit_attribute(out, "message", junit_unfinished_cause(r, c));
		junit_attribute(out, "type", "unfinished");
		fputs(">", out);
		junit_write_ranges(out, r, c, true, expectations);
		junit_write_measures(out, c);
		fputs("</error>\n", out);
	} else if (!c->pass) {
		message = junit_message(c, expectations);
		fputs("      <failure", out);
		junit_attribute(out, "message", message);
		junit_attribute(out, "type",
				*statuses ? statuses : "expectation");
		fputs(">", out);
		free(message);
		junit_write_ranges(out, r, c, true, expectations);
		junit_write_measures(out, c);
		fputs("</failure>\n", out);
	} else {
		/* Passing with ranges not ok: expected; still worth a look. */
		fputs("      <system-out>", out);
		if (!all_ok)
			junit_write_ranges(out, r, c, false, expectations);
		junit_write_measures(out, c);
		fputs("</system-out>\n", out);
	}
	fputs("    </testcase>\n", out);
}

/* Seconds from started_at to finished_at, or -1 when either is unreadable. */
static double
junit_duration(const struct report *r, time_t *start)
{
	time_t end;

	if (rfc3339_parse(r->started_at, start) != 0 ||
	    rfc3339_parse(r->finished_at, &end) != 0 || end < *start)
		return -1;
	return (double)(end - *start);
}

/* One testsuite: the target t and the checks that ran against it. */
static void
junit_write_suite(FILE *out, const struct report *r, size_t index,
		  const struct report_target *t, double duration, time_t start)
{
	size_t i, tests = 0, failures = 0, errors = 0;
	size_t ntargets = r->ntargets ? r->ntargets : 1;
	char buf[64], *suite, *classname;
	struct tm tm;

	for (i = 0; i < r->nchecks; i++) {
		if (r->checks[i].target != index &&
		    !(index == 0 && r->checks[i].target >= ntargets))
			continue;
		tests++;
		if (r->checks[i].counts[STATUS_UNFINISHED] > 0)
			errors++;
		else if (!r->checks[i].pass)
			failures++;
	}
	if (*t->name != '\0') {
		suite = xasprintf("nacl-probe %s %s", t->name, t->address);
		classname = xasprintf("nacl-probe.%s", t->name);
	} else {
		suite = xasprintf("nacl-probe %s", t->address);
		classname = xasprintf("nacl-probe.%s", t->address);
	}
	/* CI tools split classname at its last dot: the rest keeps none. */
	for (i = strlen("nacl-probe."); classname[i] != '\0'; i++)
		if (classname[i] == '.')
			classname[i] = '-';
	fputs("  <testsuite", out);
	junit_attribute(out, "name", suite);
	junit_attribute_size(out, "tests", tests);
	junit_attribute_size(out, "failures", failures);
	junit_attribute_size(out, "errors", errors);
	fputs(" skipped=\"0\"", out);
	if (duration >= 0) {
		fprintf(out, " time=\"%.3f\"", duration);
		/* The JUnit schema's timestamp has no zone: it is UTC here. */
		gmtime_r(&start, &tm);
		strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
		junit_attribute(out, "timestamp", buf);
	}
	junit_attribute(out, "hostname", *t->bind ? t->bind : "localhost");
	fputs(">\n    <properties>\n", out);
	if (r->scenario_name != NULL)
		junit_property(out, "scenario", r->scenario_name);
	if (*t->name != '\0')
		junit_property(out, "target.name", t->name);
	junit_property(out, "target.address", t->address);
	junit_property(out, "target.agent", t->agent ? "true" : "false");
	junit_property(out, "probe.bind", t->bind);
	junit_property(out, "started_at", r->started_at);
	junit_property(out, "finished_at", r->finished_at);
	if (r->tool_version != NULL)
		junit_property(out, "tool.version", r->tool_version);
	if (r->error != NULL)
		junit_property(out, "error", r->error);
	if (t->error != NULL)
		junit_property(out, "target.error", t->error);
	for (i = 0; i < t->nnotes; i++)
		junit_property(out, "target.note", t->notes[i]);
	for (i = 0; i < t->noutages; i++) {
		char outage[96];

		snprintf(outage, sizeof outage,
			 "no answer for %.1f s from %.1f s after the start",
			 t->outages[i].seconds, t->outages[i].start_s);
		junit_property(out, "target.outage", outage);
	}
	junit_property_unsigned(out, "settings.rate", r->settings.rate);
	junit_property_unsigned(out, "settings.window", r->settings.window);
	junit_property_unsigned(out, "settings.attempts", r->settings.attempts);
	junit_property_unsigned(out, "settings.timeout_ms",
				r->settings.timeout_ms);
	fputs("    </properties>\n", out);
	for (i = 0; i < r->nchecks; i++)
		if (r->checks[i].target == index ||
		    (index == 0 && r->checks[i].target >= ntargets))
			junit_write_check(out, r, &r->checks[i], classname);
	fputs("  </testsuite>\n", out);
	free(suite);
	free(classname);
}

void
report_write_junit(const struct report *r, FILE *out)
{
	size_t i, failures = 0, errors = 0;
	size_t ntargets = r->ntargets ? r->ntargets : 1;
	struct report_target scratch;
	double duration;
	time_t start;

	for (i = 0; i < r->nchecks; i++) {
		if (r->checks[i].counts[STATUS_UNFINISHED] > 0)
			errors++;
		else if (!r->checks[i].pass)
			failures++;
	}
	duration = junit_duration(r, &start);
	fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n", out);
	fputs("<testsuites", out);
	if (r->scenario_name != NULL) {
		char *name = xasprintf("nacl-probe %s", r->scenario_name);

		junit_attribute(out, "name", name);
		free(name);
	} else
		fputs(" name=\"nacl-probe\"", out);
	junit_attribute_size(out, "tests", r->nchecks);
	junit_attribute_size(out, "failures", failures);
	junit_attribute_size(out, "errors", errors);
	if (duration >= 0)
		fprintf(out, " time=\"%.3f\"", duration);
	fputs(">\n", out);
	for (i = 0; i < ntargets; i++)
		junit_write_suite(
			out, r, i,
			r->ntargets ? &r->targets[i]
				    : report_check_target(r, NULL, &scratch),
			duration, start);
	fputs("</testsuites>\n", out);
}
