/* The v1 JSON report: building it and writing it atomically. */
/* Members are written in the order docs/design.md shows; json_read.c reads
 * them back. */
#include "reports/report.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

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

/* A fraction or milliseconds, rounded to places decimals. */
static double
json_round(double v, double places)
{
	double scale = pow(10, places);

	return round(v * scale) / scale;
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

/* What the evidence work adds to a check; each member only when known. */
static void
report_check_measures_to_json(cJSON *check, const struct report_check *c)
{
	cJSON *rtt;

	if (c->no_answer > 0)
		json_add_number(check, "no_answer", (double)c->no_answer);
	if (c->rejected_inferred > 0)
		json_add_number(check, "rejected_inferred",
				(double)c->rejected_inferred);
	if (c->has_loss)
		json_add_number(check, "loss", json_round(c->loss, 4));
	if (c->has_rtt) {
		rtt = json_need(cJSON_AddObjectToObject(check, "rtt_ms"));
		json_add_number(rtt, "p50", json_round(c->rtt_p50_ms, 3));
		json_add_number(rtt, "p99", json_round(c->rtt_p99_ms, 3));
	}
	jsonwrite_optional_string(check, "evidence", c->evidence);
	json_add_notes(check, c->notes, c->nnotes);
}

static void
report_mismatches_to_json(cJSON *check, const struct report_check *c)
{
	cJSON *list = json_need(cJSON_AddArrayToObject(check, "mismatches"));
	size_t i;

	for (i = 0; i < c->nmismatches && i < REPORT_JSON_MAX_MISMATCHES; i++) {
		const struct mismatch_range *m = &c->mismatches[i];
		cJSON *item = json_need(cJSON_CreateObject());

		cJSON_AddItemToArray(list, item);
		json_add_number(item, "from", m->from);
		json_add_number(item, "to", m->to);
		json_add_string(item, "status", status_name(m->status));
		json_add_string(item, "expected",
				expectation_name(m->expected));
	}
}

/* Per range not ok: the client families it hits, with their share. */
static void
report_impact_to_json(cJSON *check, const struct report_check *c)
{
	cJSON *list = json_need(cJSON_AddArrayToObject(check, "impact"));
	const struct impact_family *families;
	size_t i, k, nfamilies, listed = 0;
	char *text;

	families = report_impact_families(&nfamilies);
	for (i = 0; i < c->nranges; i++) {
		const struct status_range *sr = &c->ranges[i];
		cJSON *item, *clients;

		if (sr->status == STATUS_OK || status_is_unmeasured(sr->status))
			continue;
		if (listed++ >= REPORT_JSON_MAX_DERIVED)
			continue;
		item = json_need(cJSON_CreateObject());
		cJSON_AddItemToArray(list, item);
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
	}
	if (listed > REPORT_JSON_MAX_DERIVED)
		json_add_number(check, "impact_omitted",
				(double)(listed - REPORT_JSON_MAX_DERIVED));
}

static void
report_fixes_to_json(cJSON *check, const struct report *r,
		     const struct report_check *c)
{
	cJSON *list = json_need(cJSON_AddArrayToObject(check, "fixes"));
	struct report_target scratch;
	const char *far =
		report_check_target(r, c, &scratch)->agent ? "agent" : "target";
	struct report_fix *fixes;
	size_t i, k, n, all = report_check_nfixes(c);
	char *text;

	n = report_check_fixes(r, c, REPORT_JSON_MAX_DERIVED, &fixes);
	for (i = 0; i < n; i++) {
		const struct report_fix *f = &fixes[i];
		cJSON *item = json_need(cJSON_CreateObject()), *rules;

		cJSON_AddItemToArray(list, item);
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
	}
	if (all > n)
		json_add_number(check, "fixes_omitted", (double)(all - n));
	report_fixes_free(fixes, n);
}

static cJSON *
report_check_to_json(const struct report *r, const struct report_check *c)
{
	cJSON *check = json_need(cJSON_CreateObject());
	cJSON *counts, *ranges, *nat;
	char *sports = range_list_format(&c->sports);
	size_t i;

	json_add_string(check, "proto", proto_name(c->proto));
	json_add_number(check, "port", c->port);
	json_add_string(check, "service", service_name(c->service));
	json_add_string(check, "sports", sports);
	free(sports);
	counts = json_need(cJSON_AddObjectToObject(check, "counts"));
	for (i = 0; i < STATUS_COUNT; i++)
		json_add_number(counts, status_name((enum probe_status)i),
				(double)c->counts[i]);
	ranges = json_need(cJSON_AddArrayToObject(check, "ranges"));
	for (i = 0; i < c->nranges; i++) {
		cJSON *range = json_need(cJSON_CreateObject());

		cJSON_AddItemToArray(ranges, range);
		json_add_number(range, "from", c->ranges[i].from);
		json_add_number(range, "to", c->ranges[i].to);
		json_add_string(range, "status",
				status_name(c->ranges[i].status));
	}
	nat = json_need(cJSON_AddObjectToObject(check, "nat"));
	json_add_number(nat, "translated", (double)c->nat_translated);
	report_check_measures_to_json(check, c);
	json_add_number(check, "target", (double)c->target);
	json_add_string(check, "expect", expectation_name(c->expect));
	if (c->nexpectations > 0) {
		cJSON *list = json_need(
			cJSON_AddArrayToObject(check, "expectations"));

		for (i = 0; i < c->nexpectations; i++) {
			cJSON *e = json_need(cJSON_CreateObject());

			cJSON_AddItemToArray(list, e);
			json_add_number(e, "from", c->expectations[i].from);
			json_add_number(e, "to", c->expectations[i].to);
			json_add_string(
				e, "expect",
				expectation_name(c->expectations[i].expect));
		}
	}
	report_mismatches_to_json(check, c);
	report_impact_to_json(check, c);
	report_fixes_to_json(check, r, c);
	json_add_string(check, "verdict", c->pass ? "pass" : "fail");
	return check;
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
				json_round(t->outages[i].start_s, 3));
		json_add_number(o, "seconds",
				json_round(t->outages[i].seconds, 3));
	}
}

static void
report_targets_to_json(cJSON *root, const struct report *r)
{
	cJSON *list = json_need(cJSON_AddArrayToObject(root, "targets"));
	struct report_target scratch;
	size_t i, n = r->ntargets ? r->ntargets : 1;

	for (i = 0; i < n; i++) {
		const struct report_target *t =
			r->ntargets ? &r->targets[i]
				    : report_check_target(r, NULL, &scratch);
		cJSON *item = json_need(cJSON_CreateObject());

		cJSON_AddItemToArray(list, item);
		json_add_string(item, "name", t->name);
		json_add_string(item, "address", t->address);
		json_need(cJSON_AddBoolToObject(item, "agent", t->agent));
		json_add_string(item, "bind", t->bind);
		jsonwrite_optional_string(item, "probe_cidr", t->probe_cidr);
		jsonwrite_optional_string(item, "agent_cidr", t->agent_cidr);
		jsonwrite_optional_string(item, "probe_nacl", t->probe_nacl);
		jsonwrite_optional_string(item, "agent_nacl", t->agent_nacl);
		report_target_run_to_json(item, t);
	}
}

cJSON *
report_to_json(const struct report *r)
{
	cJSON *root = json_need(cJSON_CreateObject());
	cJSON *probe, *target, *settings, *checks, *summary;
	size_t i;

	json_add_string(root, "schema", REPORT_SCHEMA);
	if (r->tool_version != NULL) {
		cJSON *tool = json_need(cJSON_AddObjectToObject(root, "tool"));

		json_add_string(tool, "name",
				r->tool_name ? r->tool_name : "nacl-probe");
		json_add_string(tool, "version", r->tool_version);
	}
	json_add_string(root, "started_at", r->started_at);
	json_add_string(root, "finished_at", r->finished_at);
	if (r->predicted)
		json_need(cJSON_AddBoolToObject(root, "predicted", true));
	jsonwrite_optional_string(root, "error", r->error);
	if (r->partial)
		json_need(cJSON_AddBoolToObject(root, "partial", true));
	if (r->scenario_name != NULL) {
		cJSON *scenario =
			json_need(cJSON_AddObjectToObject(root, "scenario"));

		json_add_string(scenario, "name", r->scenario_name);
		jsonwrite_optional_string(scenario, "description",
					  r->scenario_description);
	}
	probe = json_need(cJSON_AddObjectToObject(root, "probe"));
	json_add_string(probe, "bind", r->probe_bind);
	target = json_need(cJSON_AddObjectToObject(root, "target"));
	json_add_string(target, "address", r->target_address);
	json_need(cJSON_AddBoolToObject(target, "agent", r->target_agent));
	report_targets_to_json(root, r);
	settings = json_need(cJSON_AddObjectToObject(root, "settings"));
	json_add_number(settings, "rate", r->settings.rate);
	json_add_number(settings, "window", r->settings.window);
	json_add_number(settings, "attempts", r->settings.attempts);
	json_add_number(settings, "timeout_ms", r->settings.timeout_ms);
	checks = json_need(cJSON_AddArrayToObject(root, "checks"));
	for (i = 0; i < r->nchecks; i++)
		cJSON_AddItemToArray(checks,
				     report_check_to_json(r, &r->checks[i]));
	summary = json_need(cJSON_AddObjectToObject(root, "summary"));
	json_add_number(summary, "probes", (double)r->probes);
	json_add_string(summary, "verdict", r->pass ? "pass" : "fail");
	return root;
}

char *
report_to_json_text(const struct report *r)
{
	cJSON *root = report_to_json(r);
	char *text = xcheck(cJSON_Print(root));

	cJSON_Delete(root);
	return text;
}

int
report_write_json(const struct report *r, const char *path, char **cause)
{
	char *text = report_to_json_text(r), *data;
	int rc;

	if (strcmp(path, "-") == 0) {
		fputs(text, stdout);
		fputc('\n', stdout);
		free(text);
		if (fflush(stdout) != 0 || ferror(stdout)) {
			*cause =
				xasprintf("cannot write the report to standard "
					  "output: %s",
					  strerror(errno));
			return -1;
		}
		return 0;
	}
	data = xasprintf("%s\n", text);
	free(text);
	rc = atomic_file_replace(path, "report", data, strlen(data), cause);
	free(data);
	return rc;
}

void
report_write_json_stream(const struct report *r, FILE *out)
{
	char *text = report_to_json_text(r);

	fputs(text, out);
	fputc('\n', out);
	free(text);
}
