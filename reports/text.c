/* The plain-text summary for a person at a terminal. */
/* Lists the ranges that are not ok, their direction, the clients hit. */
#include "reports/report.h"

#include <stdlib.h>
#include <string.h>

/* At most this many failing ranges per check; the JSON report has them all. */
#define TEXT_MAX_RANGES 20
/* Fixes written out per check; past them, the JSON report's "fixes". */
#define TEXT_MAX_FIXES 5

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
		       "in use, "
		       "or below 1024 without CAP_NET_BIND_SERVICE?)";
	case STATUS_UNFINISHED:
		return "not measured: the run ended before this port's outcome "
		       "was known";
	case STATUS_HOST_DROPPED:
		return "requests reach the agent host, whose own firewall "
		       "drops them before the agent: not a NACL";
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

/* "  expected: open, 4990-5010 blocked" */
static void
text_write_expectations(const struct report_check *c, FILE *out)
{
	size_t i;

	fprintf(out, "  expected: %s", expectation_name(c->expect));
	for (i = 0; i < c->nexpectations; i++) {
		const struct expect_range *e = &c->expectations[i];

		if (e->from == e->to)
			fprintf(out, ", %u %s", e->from,
				expectation_name(e->expect));
		else
			fprintf(out, ", %u-%u %s", e->from, e->to,
				expectation_name(e->expect));
	}
	fputc('\n', out);
}

/* The NACL entries of every fix, each once: the summary's last part. */
struct text_entries {
	struct report_fix_entry *list;
	size_t n;
};

/* The fix under a mismatch: what is at fault, and which of the entries
 * listed at the end repair it. */
static void
text_write_fix(const struct report_fix *f, bool agent,
	       const struct text_entries *entries, FILE *out)
{
	size_t k;

	fprintf(out, "    fix: %s", f->summary);
	for (k = 0; k < f->nrules; k++)
		fprintf(out, "%s%zu",
			k == 0		     ? f->nrules == 1 ? "; NACL entry "
							      : "; NACL entries "
			: k + 1 == f->nrules ? " and "
					     : ", ",
			report_fix_entry_find(entries->list, entries->n,
					      &f->rules[k], agent) +
				1);
	fputs(f->nrules > 0 ? " below\n" : "\n", out);
}

/* Each NACL entry once, numbered, with its command. */
static void
text_write_entries(const struct text_entries *entries, FILE *out)
{
	size_t i;
	char *line;

	if (entries->n == 0)
		return;
	fprintf(out, "NACL %s that would fix it, each once:\n",
		text_plural(entries->n, "entry", "entries"));
	for (i = 0; i < entries->n; i++) {
		line = report_fix_describe(&entries->list[i].rule,
					   entries->list[i].agent ? "agent"
								  : "target");
		fprintf(out, "  %zu. %s\n", i + 1, line);
		free(line);
		line = report_fix_command(&entries->list[i].rule);
		fprintf(out, "     %s\n", line);
		free(line);
	}
}

/* Loss and RTT above 1% loss, no_answer, rejections inferred, notes. */
static void
text_write_measures(const struct report_check *c, FILE *out)
{
	size_t i;

	if (c->has_loss && c->loss > 0.01) {
		fprintf(out,
			"  loss: %.1f%% of attempts to ports that answered",
			c->loss * 100);
		if (c->has_rtt)
			fprintf(out, "; rtt p50 %.1f ms, p99 %.1f ms",
				c->rtt_p50_ms, c->rtt_p99_ms);
		fputc('\n', out);
	}
	if (c->no_answer > 0)
		fprintf(out,
			"  %zu %s: the TCP handshake completed, the %s "
			"service sent nothing (counted ok: the path is "
			"open)\n",
			c->no_answer,
			text_plural(c->no_answer, "port", "ports"),
			service_name(c->service));
	if (c->rejected_inferred > 0)
		fprintf(out,
			"  %zu rejected %s counted without an ICMP error each: "
			"the rejecting device rate-limits ICMP\n",
			c->rejected_inferred,
			text_plural(c->rejected_inferred, "port", "ports"));
	for (i = 0; i < c->nnotes; i++)
		fprintf(out, "  note: %s\n", c->notes[i]);
}

/* "  ... BEFORE N more ranges AFTER" when only shown of all are shown. */
static void
text_write_more(FILE *out, const char *before, size_t all, size_t shown,
		const char *after)
{
	if (all > shown)
		fprintf(out, "  ... %s%zu more %s %s\n", before, all - shown,
			text_plural(all - shown, "range", "ranges"), after);
}

/* Prints c, its fixes pointing into entries. */
static void
text_write_check(const struct report *r, const struct report_check *c,
		 const struct text_entries *entries, FILE *out)
{
	char *sports = range_list_format(&c->sports);
	size_t i, size = range_list_size(&c->sports), shown = 0, failing = 0;
	size_t nsegments, nfixes, next_fix = 0, fixes_written = 0;
	bool expectations = report_check_has_expectations(c);
	struct report_target scratch;
	struct mismatch_range *segments;
	struct report_fix *fixes;
	const char *sep = "";

	fprintf(out, "%s/%u %s  sports %s (%zu %s): %s\n", proto_name(c->proto),
		c->port, service_name(c->service), sports, size,
		text_plural(size, "port", "ports"), c->pass ? "pass" : "FAIL");
	free(sports);
	if (expectations)
		text_write_expectations(c, out);
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
	text_write_measures(c, out);
	if (c->nat_translated > 0)
		fprintf(out,
			"  warning: a NAT on the path rewrote %zu source %s;\n"
			"  the ranges describe the ports the probe bound, not "
			"what the firewall saw\n",
			c->nat_translated,
			text_plural(c->nat_translated, "port", "ports"));
	nsegments = report_check_segments(c, &segments);
	/* The first fixes go with the first ranges shown. */
	nfixes = report_check_fixes(r, c, TEXT_MAX_FIXES, &fixes);
	for (i = 0; i < nsegments; i++) {
		const struct mismatch_range *sg = &segments[i];
		size_t n = (size_t)sg->to - sg->from + 1;
		bool met = report_status_meets(sg->status, sg->expected);
		const struct report_fix *fix = NULL;
		char *impact;

		if (!met && next_fix < nfixes &&
		    fixes[next_fix].from == sg->from)
			fix = &fixes[next_fix++];
		if (sg->status == STATUS_OK && met)
			continue;
		if (failing++ >= TEXT_MAX_RANGES)
			continue;
		shown++;
		if (sg->from == sg->to)
			fprintf(out, "  %u  %s (1 port): %s\n", sg->from,
				status_name(sg->status),
				report_status_phrase(sg->status));
		else
			fprintf(out, "  %u-%u  %s (%zu ports): %s\n", sg->from,
				sg->to, status_name(sg->status), n,
				report_status_phrase(sg->status));
		if (expectations)
			fprintf(out, "    expected %s: %s\n",
				expectation_name(sg->expected),
				met ? "met" : "NOT MET");
		/* A port the probe could not use says nothing about clients;
		 * an ok port hurts none. */
		if (!status_is_unmeasured(sg->status) &&
		    sg->status != STATUS_OK) {
			impact = report_impact_describe(sg->from, sg->to);
			fprintf(out, "    %s\n", impact);
			free(impact);
		}
		if (fix != NULL)
			text_write_fix(
				fix, report_check_target(r, c, &scratch)->agent,
				entries, out);
	}
	text_write_more(out, "and ", failing, shown,
			"not ok (the JSON report lists them all)");
	fixes_written = report_check_nfixes(c);
	text_write_more(out, "the fixes of ", fixes_written, nfixes,
			"are in the JSON report (\"fixes\")");
	free(segments);
	report_fixes_free(fixes, nfixes);
}

/* The target's error, notes, control connection and outages. */
static void
text_write_target_run(const struct report_target *t, FILE *out)
{
	size_t i;

	if (t->error != NULL)
		fprintf(out, "  ERROR: %s\n", t->error);
	for (i = 0; i < t->nnotes; i++)
		fprintf(out, "  note: %s\n", t->notes[i]);
	if (t->ncontrol_failed > 0) {
		fprintf(out, "  control connection failed from source %s",
			text_plural(t->ncontrol_failed, "port", "ports"));
		for (i = 0; i < t->ncontrol_failed; i++)
			fprintf(out, "%s%u", i ? ", " : " ",
				t->control_failed[i]);
		fprintf(out, "; it ran from %u\n", t->control_sport);
	}
	for (i = 0; i < t->noutages; i++)
		fprintf(out,
			"  outage: no answer for %.1f s from %.1f s after the "
			"start\n",
			t->outages[i].seconds, t->outages[i].start_s);
}

static void
text_write_target(const struct report_target *t, FILE *out)
{
	fprintf(out, "target %s: %s -> %s (%s)\n", *t->name ? t->name : "-",
		*t->bind ? t->bind : "any", t->address,
		t->agent ? "agent" : "no agent");
	text_write_target_run(t, out);
}

void
report_write_text(const struct report *r, FILE *out)
{
	struct text_entries entries;
	size_t i, t, failed = 0;
	size_t ntargets = r->ntargets ? r->ntargets : 1;
	bool grouped = r->scenario_name != NULL || r->ntargets > 1;

	if (grouped)
		fprintf(out, "nacl-probe scenario %s   %s .. %s\n",
			r->scenario_name ? r->scenario_name : "-",
			r->started_at ? r->started_at : "?",
			r->finished_at ? r->finished_at : "?");
	else
		fprintf(out, "nacl-probe report: %s -> %s (%s)   %s .. %s\n",
			r->probe_bind && *r->probe_bind ? r->probe_bind : "any",
			r->target_address ? r->target_address : "?",
			r->target_agent ? "agent" : "no agent",
			r->started_at ? r->started_at : "?",
			r->finished_at ? r->finished_at : "?");
	if (r->error != NULL)
		fprintf(out, "ERROR: %s\n", r->error);
	if (r->partial)
		fputs("PARTIAL: the run stopped before every port was "
		      "measured; unfinished ports meet no expectation\n",
		      out);
	if (!grouped && r->ntargets > 0)
		text_write_target_run(&r->targets[0], out);
	entries.n = report_fix_entries(r, TEXT_MAX_FIXES, &entries.list);
	/* Target by target, each with its checks. */
	for (t = 0; t < ntargets; t++) {
		if (grouped && r->ntargets > 0)
			text_write_target(&r->targets[t], out);
		for (i = 0; i < r->nchecks; i++) {
			if (r->checks[i].target != t &&
			    !(t == 0 && r->checks[i].target >= ntargets))
				continue;
			text_write_check(r, &r->checks[i], &entries, out);
			if (!r->checks[i].pass)
				failed++;
		}
	}
	text_write_entries(&entries, out);
	if (entries.n > 0)
		fprintf(out, "Note: %s\n", report_fix_note());
	free(entries.list);
	fputs("Summary: ", out);
	if (r->ntargets > 1)
		fprintf(out, "%zu targets, ", r->ntargets);
	fprintf(out, "%zu %s, %zu %s: ", r->nchecks,
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
