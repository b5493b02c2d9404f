/* The plain-text summary for a person at a terminal. */
/* Lists the ranges that are not ok, their direction, the clients hit. */
#include "reports/report.h"

#include <stdlib.h>

/* At most this many failing ranges per check; the JSON report has them all. */
#define TEXT_MAX_RANGES 20

const char *
report_status_phrase(enum probe_status status)
{
	switch (status) {
	case STATUS_OK:
		return "a valid reply came back";
	case STATUS_REPLY_DROPPED:
		return "requests arrive, replies are dropped on the way back";
	case STATUS_REQUEST_DROPPED:
		return "requests are dropped on the way to the agent";
	case STATUS_DROPPED:
		return "no reply (direction unknown: no agent)";
	case STATUS_REJECTED:
		return "actively refused (TCP reset or ICMP unreachable)";
	case STATUS_LOCAL_ERROR:
		return "could not send from this port on the probe host (port "
		       "in use?)";
	case STATUS_COUNT:
		break;
	}
	return "unknown status";
}

static const char *
text_plural(size_t n, const char *one, const char *many)
{
	return n == 1 ? one : many;
}

static void
text_write_check(const struct report_check *c, FILE *out)
{
	char *sports = range_list_format(&c->sports);
	size_t i, size = range_list_size(&c->sports), shown = 0, failing = 0;
	const char *sep = "";

	fprintf(out, "%s/%u %s  sports %s (%zu %s): %s\n", proto_name(c->proto),
		c->port, service_name(c->service), sports, size,
		text_plural(size, "port", "ports"), c->pass ? "pass" : "FAIL");
	free(sports);
	if (c->counts[STATUS_OK] != size) {
		for (i = 0; i < STATUS_COUNT; i++) {
			if (c->counts[i] == 0)
				continue;
			fprintf(out, "%s%s %zu", *sep ? sep : "  ",
				status_name((enum probe_status)i),
				c->counts[i]);
			sep = ", ";
		}
		if (*sep)
			fputc('\n', out);
	}
	if (c->nat_translated > 0)
		fprintf(out,
			"  warning: a NAT on the path rewrote %zu source %s;\n"
			"  the ranges describe the ports the probe bound, not "
			"what the firewall saw\n",
			c->nat_translated,
			text_plural(c->nat_translated, "port", "ports"));
	for (i = 0; i < c->nranges; i++) {
		const struct status_range *sr = &c->ranges[i];
		size_t n = (size_t)sr->to - sr->from + 1;
		char *impact;

		if (sr->status == STATUS_OK)
			continue;
		if (failing++ >= TEXT_MAX_RANGES)
			continue;
		shown++;
		if (sr->from == sr->to)
			fprintf(out, "  %u  %s (1 port): %s\n", sr->from,
				status_name(sr->status),
				report_status_phrase(sr->status));
		else
			fprintf(out, "  %u-%u  %s (%zu ports): %s\n", sr->from,
				sr->to, status_name(sr->status), n,
				report_status_phrase(sr->status));
		/* A port the probe could not use says nothing about clients. */
		if (sr->status == STATUS_LOCAL_ERROR)
			continue;
		impact = report_impact_describe(sr->from, sr->to);
		fprintf(out, "    %s\n", impact);
		free(impact);
	}
	if (failing > shown)
		fprintf(out,
			"  ... and %zu more %s not ok (the JSON report lists "
			"them all)\n",
			failing - shown,
			text_plural(failing - shown, "range", "ranges"));
}

void
report_write_text(const struct report *r, FILE *out)
{
	size_t i, failed = 0;

	fprintf(out, "nacl-probe report: %s -> %s (%s)   %s .. %s\n",
		r->probe_bind && *r->probe_bind ? r->probe_bind : "any",
		r->target_address ? r->target_address : "?",
		r->target_agent ? "agent" : "no agent",
		r->started_at ? r->started_at : "?",
		r->finished_at ? r->finished_at : "?");
	for (i = 0; i < r->nchecks; i++) {
		text_write_check(&r->checks[i], out);
		if (!r->checks[i].pass)
			failed++;
	}
	fprintf(out, "Summary: %zu %s, %zu %s: ", r->nchecks,
		text_plural(r->nchecks, "check", "checks"), r->probes,
		text_plural(r->probes, "probe", "probes"));
	if (r->pass)
		fputs("pass\n", out);
	else if (failed > 0)
		fprintf(out, "FAIL (%zu %s failed)\n", failed,
			text_plural(failed, "check", "checks"));
	else
		fputs("FAIL\n", out);
}
