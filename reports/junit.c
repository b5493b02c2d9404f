/* JUnit XML for CI: one testsuite per target, one testcase per check. */
/* Every string from the report is XML-escaped; a failure names its ranges. */
#include "reports/report.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/xmalloc.h"
#include "reports/render.h"

/* Ranges named in a failure's message attribute and in its body. */
#define JUNIT_MESSAGE_RANGES 5
#define JUNIT_BODY_RANGES 100

/*
 * Escapes s for XML text or, with attribute, a double-quoted attribute.
 * Characters XML 1.0 forbids (controls but tab, newline, return) become '?'.
 */
static void
junit_escape(FILE *out, const char *s, bool attribute)
{
	const unsigned char *p = (const unsigned char *)(s ? s : "");

	for (; *p != '\0'; p++) {
		switch (*p) {
		case '&':
			fputs("&amp;", out);
			break;
		case '<':
			fputs("&lt;", out);
			break;
		case '>':
			fputs("&gt;", out);
			break;
		case '"':
			fputs(attribute ? "&quot;" : "\"", out);
			break;
		case '\'':
			fputs(attribute ? "&apos;" : "'", out);
			break;
		case '\n':
			fputs(attribute ? "&#10;" : "\n", out);
			break;
		case '\r':
			fputs("&#13;", out);
			break;
		case '\t':
			fputs(attribute ? "&#9;" : "\t", out);
			break;
		default:
			fputc(*p < 0x20 ? '?' : *p, out);
		}
	}
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

/* "49152-60999 reply_dropped" or "7 rejected" */
static void
junit_range_label(const struct status_range *sr, char *buf, size_t size)
{
	if (sr->from == sr->to)
		snprintf(buf, size, "%u %s", sr->from, status_name(sr->status));
	else
		snprintf(buf, size, "%u-%u %s", sr->from, sr->to,
			 status_name(sr->status));
}

static size_t
junit_bad_ranges(const struct report_check *c)
{
	size_t i, n = 0;

	for (i = 0; i < c->nranges; i++)
		if (c->ranges[i].status != STATUS_OK)
			n++;
	return n;
}

/* "11848 of 28232 source ports not ok: 49152-60999 reply_dropped" */
static char *
junit_message(const struct report_check *c)
{
	size_t i, size = range_list_size(&c->sports), shown = 0;
	size_t bad = size - c->counts[STATUS_OK], nbad = junit_bad_ranges(c);
	char *message, *next, label[64];

	if (bad == 0)
		return xstrdup("the check's expectations were not met");
	message = xasprintf("%zu of %zu source %s not ok", bad, size,
			    size == 1 ? "port" : "ports");
	for (i = 0; i < c->nranges && shown < JUNIT_MESSAGE_RANGES; i++) {
		if (c->ranges[i].status == STATUS_OK)
			continue;
		junit_range_label(&c->ranges[i], label, sizeof label);
		next = xasprintf("%s%s%s", message, shown ? ", " : ": ", label);
		free(message);
		message = next;
		shown++;
	}
	if (nbad > shown) {
		next = xasprintf("%s, ... (%zu ranges in all)", message, nbad);
		free(message);
		message = next;
	}
	return message;
}

/* The statuses that are not ok, "reply_dropped,rejected"; "" when none. */
static void
junit_statuses(const struct report_check *c, char *buf, size_t size)
{
	size_t i, used = 0;

	buf[0] = '\0';
	for (i = 1; i < STATUS_COUNT; i++) {
		if (c->counts[i] == 0)
			continue;
		used += (size_t)snprintf(buf + used, size - used, "%s%s",
					 used ? "," : "",
					 status_name((enum probe_status)i));
		if (used >= size)
			break;
	}
}

/* One line per range that is not ok, with its meaning and the clients hit. */
static void
junit_write_ranges(FILE *out, const struct report_check *c)
{
	size_t i, shown = 0, nbad = junit_bad_ranges(c);
	char label[64], *impact, *line;

	for (i = 0; i < c->nranges && shown < JUNIT_BODY_RANGES; i++) {
		const struct status_range *sr = &c->ranges[i];

		if (sr->status == STATUS_OK)
			continue;
		shown++;
		junit_range_label(sr, label, sizeof label);
		impact = sr->status == STATUS_LOCAL_ERROR
				 ? xstrdup("says nothing about the firewall")
				 : report_impact_describe(sr->from, sr->to);
		line = xasprintf("%s (%u %s): %s; %s\n", label,
				 sr->to - sr->from + 1,
				 sr->to == sr->from ? "port" : "ports",
				 report_status_phrase(sr->status), impact);
		junit_escape(out, line, false);
		free(line);
		free(impact);
	}
	if (nbad > shown)
		fprintf(out,
			"... and %zu more ranges not ok (the JSON report "
			"lists them all)\n",
			nbad - shown);
}

static void
junit_write_check(FILE *out, const struct report_check *c,
		  const char *classname)
{
	char *sports = range_list_format(&c->sports), *name, *message;
	char statuses[128];

	name = xasprintf("%s/%u %s sports %s", proto_name(c->proto), c->port,
			 service_name(c->service), sports);
	free(sports);
	fputs("    <testcase", out);
	junit_attribute(out, "name", name);
	junit_attribute(out, "classname", classname);
	free(name);
	if (c->pass && c->counts[STATUS_OK] == range_list_size(&c->sports)) {
		fputs("/>\n", out);
		return;
	}
	fputs(">\n", out);
	junit_statuses(c, statuses, sizeof statuses);
	if (!c->pass) {
		message = junit_message(c);
		fputs("      <failure", out);
		junit_attribute(out, "message", message);
		junit_attribute(out, "type",
				*statuses ? statuses : "expectation");
		fputs(">", out);
		free(message);
		junit_write_ranges(out, c);
		fputs("</failure>\n", out);
	} else {
		/* Passing despite ranges not ok: expected; still worth a look.
		 */
		fputs("      <system-out>", out);
		junit_write_ranges(out, c);
		fputs("</system-out>\n", out);
	}
	fputs("    </testcase>\n", out);
}

/* Seconds from started_at to finished_at, or -1 when either is unreadable. */
static double
junit_duration(const struct report *r, time_t *start)
{
	time_t end;

	if (render_parse_time(r->started_at, start) != 0 ||
	    render_parse_time(r->finished_at, &end) != 0 || end < *start)
		return -1;
	return (double)(end - *start);
}

void
report_write_junit(const struct report *r, FILE *out)
{
	size_t i, failures = 0;
	double duration;
	time_t start;
	struct tm tm;
	char buf[64], *suite, *classname;

	for (i = 0; i < r->nchecks; i++)
		if (!r->checks[i].pass)
			failures++;
	duration = junit_duration(r, &start);
	fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n", out);
	fputs("<testsuites name=\"nacl-probe\"", out);
	junit_attribute_size(out, "tests", r->nchecks);
	junit_attribute_size(out, "failures", failures);
	fputs(" errors=\"0\"", out);
	if (duration >= 0)
		fprintf(out, " time=\"%.3f\"", duration);
	fputs(">\n", out);

	/* One target per report for now; each will get its own testsuite. */
	suite = xasprintf("nacl-probe %s", r->target_address);
	/* CI tools split classname at its last dot: the address keeps none. */
	classname = xasprintf("nacl-probe.%s", r->target_address);
	for (i = strlen("nacl-probe."); classname[i] != '\0'; i++)
		if (classname[i] == '.')
			classname[i] = '-';
	fputs("  <testsuite", out);
	junit_attribute(out, "name", suite);
	junit_attribute_size(out, "tests", r->nchecks);
	junit_attribute_size(out, "failures", failures);
	fputs(" errors=\"0\" skipped=\"0\"", out);
	if (duration >= 0) {
		fprintf(out, " time=\"%.3f\"", duration);
		/* The JUnit schema's timestamp has no zone: it is UTC here. */
		gmtime_r(&start, &tm);
		strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
		junit_attribute(out, "timestamp", buf);
	}
	junit_attribute(out, "hostname",
			r->probe_bind && *r->probe_bind ? r->probe_bind
							: "localhost");
	fputs(">\n    <properties>\n", out);
	junit_property(out, "target.address", r->target_address);
	junit_property(out, "target.agent", r->target_agent ? "true" : "false");
	junit_property(out, "probe.bind", r->probe_bind);
	junit_property(out, "started_at", r->started_at);
	junit_property(out, "finished_at", r->finished_at);
	junit_property_unsigned(out, "settings.rate", r->settings.rate);
	junit_property_unsigned(out, "settings.window", r->settings.window);
	junit_property_unsigned(out, "settings.attempts", r->settings.attempts);
	junit_property_unsigned(out, "settings.timeout_ms",
				r->settings.timeout_ms);
	fputs("    </properties>\n", out);
	for (i = 0; i < r->nchecks; i++)
		junit_write_check(out, &r->checks[i], classname);
	fputs("  </testsuite>\n</testsuites>\n", out);
	free(suite);
	free(classname);
}
