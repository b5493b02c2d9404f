/* The v1 JSON report: writing it, streamed, and atomically to a file. */
/*
 * Members are written in the order docs/design.md shows; json_read.c reads
 * them back. The document is never one cJSON tree: a fragmented sweep has
 * hundreds of thousands of ranges, so the per-check lists are written an
 * element at a time (common/jsonstream.c) and only the small parts are
 * built as cJSON items; the text is byte for byte cJSON_Print's.
 */
#include "reports/report.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "common/jsonstream.h"
#include "common/jsonwrite.h"
#include "common/xmalloc.h"
#include "reports/atomic_file.h"

/*
 * Impact and fixes written per check: a fragmented sweep has thousands of
 * ranges, and these repeat what the ranges say in many more words.
 */
#define REPORT_JSON_MAX_DERIVED 100
/* Mismatches written per check: the ranges and expectations hold them all. */
#define REPORT_JSON_MAX_MISMATCHES 1000

/* cJSON returns NULL when out of memory; like xmalloc, that is fatal. */
static cJSON *
json_need(cJSON *item)
{
	return xcheck(item);
}

static void
json_add_number(cJSON *obj, const char *name, double value)
{
	json_need(cJSON_AddNumberToObject(obj, name, value));
}

static void
json_add_string(cJSON *obj, const char *name, const char *value)
{
	json_need(cJSON_AddStringToObject(obj, name, value ? value : ""));
}

static void
json_add_notes(cJSON *obj, char *const *notes, size_t n)
{
	cJSON *list;
	size_t i;

	if (n == 0)
		return;
	list = json_need(cJSON_AddArrayToObject(obj, "notes"));
	for (i = 0; i < n; i++)
		cJSON_AddItemToArray(list,
				     json_need(cJSON_CreateString(notes[i])));
}

/* notes as an array member, when there are any. */
static void
json_stream_notes(struct jsonstream *js, char *const *notes, size_t n)
{
	size_t i;

	if (n == 0)
		return;
	jsonstream_array(js, "notes");
	for (i = 0; i < n; i++)
		jsonstream_string(js, NULL, notes[i]);
	jsonstream_close(js);
}

/* What the evidence work adds to a check; each member only when known. */
static void
report_check_measures_to_json(struct jsonstream *js,
			      const struct report_check *c)
{
	cJSON *rtt;

	if (c->no_answer > 0)
		jsonstream_number(js, "no_answer", (double)c->no_answer);
	if (c->rejected_inferred > 0)
		jsonstream_number(js, "rejected_inferred",
				  (double)c->rejected_inferred);
	if (c->has_loss)
		jsonstream_number(js, "loss",
				  report_round(c->loss, REPORT_LOSS_DECIMALS));
	if (c->has_rtt) {
		rtt = json_need(cJSON_CreateObject());
		json_add_number(
			rtt, "p50",
			report_round(c->rtt_p50_ms, REPORT_TIME_DECIMALS));
		json_add_number(
			rtt, "p99",
			report_round(c->rtt_p99_ms, REPORT_TIME_DECIMALS));
		jsonstream_item(js, "rtt_ms", rtt);
	}
	jsonstream_optional_string(js, "evidence", c->evidence);
	json_stream_notes(js, c->notes, c->nnotes);
}

static void
report_mismatches_to_json(struct jsonstream *js, const struct report_check *c)
{
	size_t i;

	jsonstream_array(js, "mismatches");
	for (i = 0; i < c->nmismatches && i < REPORT_JSON_MAX_MISMATCHES; i++) {
		const struct mismatch_range *m = &c->mismatches[i];
		cJSON *item = json_need(cJSON_CreateObject());

		json_add_number(item, "from", m->from);
		json_add_number(item, "to", m->to);
		json_add_string(item, "status", status_name(m->status));
		json_add_string(item, "expected",
				expectation_name(m->expected));
		jsonstream_item(js, NULL, item);
	}
	jsonstream_close(js);
}

/* Per range not ok: the client families it hits, with their share. */
static void
report_impact_to_json(struct jsonstream *js, const struct report_check *c)
{
	const struct impact_family *families;
	size_t i, k, nfamilies, listed = 0;
	char *text;

	families = report_impact_families(&nfamilies);
	jsonstream_array(js, "impact");
	for (i = 0; i < c->nranges; i++) {
		const struct status_range *sr = &c->ranges[i];
		cJSON *item, *clients;

		if (sr->status == STATUS_OK || status_is_unmeasured(sr->status))
			continue;
		if (listed++ >= REPORT_JSON_MAX_DERIVED)
			continue;
		item = json_need(cJSON_CreateObject());
		json_add_number(item, "from", sr->from);
		json_add_number(item, "to", sr->to);
		json_add_string(item, "status", status_name(sr->status));
		clients = json_need(cJSON_AddArrayToObject(item, "clients"));
		for (k = 0; k < nfamilies; k++) {
			const struct impact_family *f = &families[k];
			unsigned lo = sr->from > f->from ? sr->from : f->from;
			unsigned hi = sr->to < f->to ? sr->to : f->to;
			unsigned size = (unsigned)f->to - f->from + 1;
			cJSON *family;

			if (lo > hi)
				continue;
			family = json_need(cJSON_CreateObject());
			cJSON_AddItemToArray(clients, family);
			json_add_string(family, "family", f->name);
			json_add_number(family, "ports", hi - lo + 1);
			json_add_number(family, "of", size);
		}
		text = report_impact_describe(sr->from, sr->to);
		json_add_string(item, "summary", text);
		free(text);
		jsonstream_item(js, NULL, item);
	}
	jsonstream_close(js);
	if (listed > REPORT_JSON_MAX_DERIVED)
		jsonstream_number(js, "impact_omitted",
				  (double)(listed - REPORT_JSON_MAX_DERIVED));
}

static void
report_fixes_to_json(struct jsonstream *js, const struct report *r,
		     const struct report_check *c)
{
	struct report_target scratch;
	const char *far =
		report_check_target(r, c, &scratch)->agent ? "agent" : "target";
	struct report_fix *fixes;
	size_t i, k, n, all = report_check_nfixes(c);
	char *text;

	n = report_check_fixes(r, c, REPORT_JSON_MAX_DERIVED, &fixes);
	jsonstream_array(js, "fixes");
	for (i = 0; i < n; i++) {
		const struct report_fix *f = &fixes[i];
		cJSON *item = json_need(cJSON_CreateObject()), *rules;

		json_add_number(item, "from", f->from);
		json_add_number(item, "to", f->to);
		json_add_string(item, "status", status_name(f->status));
		json_add_string(item, "expected",
				expectation_name(f->expected));
		json_add_string(item, "summary", f->summary);
		rules = json_need(cJSON_AddArrayToObject(item, "rules"));
		for (k = 0; k < f->nrules; k++) {
			const struct fix_rule *rule = &f->rules[k];
			cJSON *o = json_need(cJSON_CreateObject());

			cJSON_AddItemToArray(rules, o);
			json_add_string(o, "subnet",
					rule->probe_side ? "probe" : far);
			json_add_string(o, "nacl", rule->nacl);
			json_add_string(o, "direction",
					rule->egress ? "outbound" : "inbound");
			json_add_string(o, "action",
					rule->allow ? "allow" : "deny");
			json_add_number(o, "protocol",
					rule->proto == PROTO_TCP ? 6 : 17);
			json_add_number(o, "port_from", rule->port_from);
			json_add_number(o, "port_to", rule->port_to);
			json_add_string(o, "cidr", rule->cidr);
			json_add_string(o, "rule_number", FIX_RULE_NUMBER);
			text = report_fix_command(rule);
			json_add_string(o, "command", text);
			free(text);
		}
		jsonstream_item(js, NULL, item);
	}
	jsonstream_close(js);
	if (all > n)
		jsonstream_number(js, "fixes_omitted", (double)(all - n));
	report_fixes_free(fixes, n);
}

static void
report_check_to_json(struct jsonstream *js, const struct report *r,
		     const struct report_check *c)
{
	cJSON *counts, *nat;
	char *sports = range_list_format(&c->sports);
	size_t i;

	jsonstream_object(js, NULL);
	jsonstream_string(js, "proto", proto_name(c->proto));
	jsonstream_number(js, "port", c->port);
	jsonstream_string(js, "service", service_name(c->service));
	jsonstream_string(js, "sports", sports);
	free(sports);
	counts = json_need(cJSON_CreateObject());
	for (i = 0; i < STATUS_COUNT; i++)
		json_add_number(counts, status_name((enum probe_status)i),
				(double)c->counts[i]);
	jsonstream_item(js, "counts", counts);
	jsonstream_array(js, "ranges");
	for (i = 0; i < c->nranges; i++) {
		cJSON *range = json_need(cJSON_CreateObject());

		json_add_number(range, "from", c->ranges[i].from);
		json_add_number(range, "to", c->ranges[i].to);
		json_add_string(range, "status",
				status_name(c->ranges[i].status));
		jsonstream_item(js, NULL, range);
	}
	jsonstream_close(js);
	nat = json_need(cJSON_CreateObject());
	json_add_number(nat, "translated", (double)c->nat_translated);
	jsonstream_item(js, "nat", nat);
	report_check_measures_to_json(js, c);
	jsonstream_number(js, "target", (double)c->target);
	jsonstream_string(js, "expect", expectation_name(c->expect));
	if (c->nexpectations > 0) {
		jsonstream_array(js, "expectations");
		for (i = 0; i < c->nexpectations; i++) {
			cJSON *e = json_need(cJSON_CreateObject());

			json_add_number(e, "from", c->expectations[i].from);
			json_add_number(e, "to", c->expectations[i].to);
			json_add_string(
				e, "expect",
				expectation_name(c->expectations[i].expect));
			jsonstream_item(js, NULL, e);
		}
		jsonstream_close(js);
	}
	report_mismatches_to_json(js, c);
	report_impact_to_json(js, c);
	report_fixes_to_json(js, r, c);
	jsonstream_string(js, "verdict", c->pass ? "pass" : "fail");
	jsonstream_close(js);
}

/* How the target's run went: error, notes, control connection, outages. */
static void
report_target_run_to_json(cJSON *item, const struct report_target *t)
{
	cJSON *control, *list, *o;
	size_t i;

	jsonwrite_optional_string(item, "error", t->error);
	json_add_notes(item, t->notes, t->nnotes);
	if (t->control_sport != 0 || t->ncontrol_failed > 0) {
		control = json_need(cJSON_AddObjectToObject(item, "control"));
		json_add_number(control, "sport", t->control_sport);
		list = json_need(cJSON_AddArrayToObject(control, "failed"));
		for (i = 0; i < t->ncontrol_failed; i++)
			cJSON_AddItemToArray(list,
					     json_need(cJSON_CreateNumber(
						     t->control_failed[i])));
	}
	if (t->noutages == 0)
		return;
	list = json_need(cJSON_AddArrayToObject(item, "outages"));
	for (i = 0; i < t->noutages; i++) {
		o = json_need(cJSON_CreateObject());
		cJSON_AddItemToArray(list, o);
		json_add_number(o, "start_s",
				report_round(t->outages[i].start_s,
					     REPORT_TIME_DECIMALS));
		json_add_number(o, "seconds",
				report_round(t->outages[i].seconds,
					     REPORT_TIME_DECIMALS));
	}
}

static void
report_targets_to_json(struct jsonstream *js, const struct report *r)
{
	struct report_target scratch;
	size_t i, n = r->ntargets ? r->ntargets : 1;

	jsonstream_array(js, "targets");
	for (i = 0; i < n; i++) {
		const struct report_target *t =
			r->ntargets ? &r->targets[i]
				    : report_check_target(r, NULL, &scratch);
		cJSON *item = json_need(cJSON_CreateObject());

		json_add_string(item, "name", t->name);
		json_add_string(item, "address", t->address);
		json_need(cJSON_AddBoolToObject(item, "agent", t->agent));
		json_add_string(item, "bind", t->bind);
		jsonwrite_optional_string(item, "probe_cidr", t->probe_cidr);
		jsonwrite_optional_string(item, "agent_cidr", t->agent_cidr);
		jsonwrite_optional_string(item, "probe_nacl", t->probe_nacl);
		jsonwrite_optional_string(item, "agent_nacl", t->agent_nacl);
		report_target_run_to_json(item, t);
		jsonstream_item(js, NULL, item);
	}
	jsonstream_close(js);
}

/* The whole document, without a final newline. */
static void
report_json_write(struct jsonstream *js, const struct report *r)
{
	cJSON *o;
	size_t i;

	jsonstream_object(js, NULL);
	jsonstream_string(js, "schema", REPORT_SCHEMA);
	if (r->tool_version != NULL) {
		o = json_need(cJSON_CreateObject());
		json_add_string(o, "name",
				r->tool_name ? r->tool_name : "nacl-probe");
		json_add_string(o, "version", r->tool_version);
		jsonstream_item(js, "tool", o);
	}
	jsonstream_string(js, "started_at", r->started_at);
	jsonstream_string(js, "finished_at", r->finished_at);
	if (r->predicted)
		jsonstream_bool(js, "predicted", true);
	jsonstream_optional_string(js, "error", r->error);
	if (r->partial)
		jsonstream_bool(js, "partial", true);
	if (r->scenario_name != NULL) {
		o = json_need(cJSON_CreateObject());
		json_add_string(o, "name", r->scenario_name);
		jsonwrite_optional_string(o, "description",
					  r->scenario_description);
		jsonstream_item(js, "scenario", o);
	}
	o = json_need(cJSON_CreateObject());
	json_add_string(o, "bind", r->probe_bind);
	jsonstream_item(js, "probe", o);
	o = json_need(cJSON_CreateObject());
	json_add_string(o, "address", r->target_address);
	json_need(cJSON_AddBoolToObject(o, "agent", r->target_agent));
	jsonstream_item(js, "target", o);
	report_targets_to_json(js, r);
	o = json_need(cJSON_CreateObject());
	json_add_number(o, "rate", r->settings.rate);
	json_add_number(o, "window", r->settings.window);
	json_add_number(o, "attempts", r->settings.attempts);
	json_add_number(o, "timeout_ms", r->settings.timeout_ms);
	jsonstream_item(js, "settings", o);
	jsonstream_array(js, "checks");
	for (i = 0; i < r->nchecks; i++)
		report_check_to_json(js, r, &r->checks[i]);
	jsonstream_close(js);
	o = json_need(cJSON_CreateObject());
	json_add_number(o, "probes", (double)r->probes);
	json_add_string(o, "verdict", r->pass ? "pass" : "fail");
	jsonstream_item(js, "summary", o);
	jsonstream_close(js);
}

void
report_write_json_stream(const struct report *r, FILE *out)
{
	struct jsonstream js;

	jsonstream_init(&js, out);
	report_json_write(&js, r);
	jsonstream_free(&js);
	fputc('\n', out);
}

void
report_json_writer(FILE *out, const void *r)
{
	report_write_json_stream(r, out);
}

cJSON *
report_to_json(const struct report *r)
{
	char *text = NULL;
	size_t len = 0;
	FILE *out = xcheck(open_memstream(&text, &len));
	cJSON *root;

	report_write_json_stream(r, out);
	if (fclose(out) != 0)
		xcheck(NULL);
	root = json_need(cJSON_Parse(text));
	free(text);
	return root;
}

int
report_write_json(const struct report *r, const char *path, char **cause)
{
	if (strcmp(path, "-") == 0) {
		report_write_json_stream(r, stdout);
		if (fflush(stdout) != 0 || ferror(stdout)) {
			*cause =
				xasprintf("cannot write the report to standard "
					  "output: %s",
					  strerror(errno));
			return -1;
		}
		return 0;
	}
	return atomic_file_replace_with(path, "report", report_json_writer, r,
					cause);
}
