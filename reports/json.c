/* The v1 JSON report: building it, writing it atomically, reading it. */
/* The reader names the field it rejects: checks[1].ranges[0].status. */
#include "reports/report.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

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
	if (c->evidence != NULL)
		json_add_string(check, "evidence", c->evidence);
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

	if (t->error != NULL)
		json_add_string(item, "error", t->error);
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
		if (t->probe_cidr != NULL)
			json_add_string(item, "probe_cidr", t->probe_cidr);
		if (t->agent_cidr != NULL)
			json_add_string(item, "agent_cidr", t->agent_cidr);
		if (t->probe_nacl != NULL)
			json_add_string(item, "probe_nacl", t->probe_nacl);
		if (t->agent_nacl != NULL)
			json_add_string(item, "agent_nacl", t->agent_nacl);
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
	if (r->error != NULL)
		json_add_string(root, "error", r->error);
	if (r->partial)
		json_need(cJSON_AddBoolToObject(root, "partial", true));
	if (r->scenario_name != NULL) {
		cJSON *scenario =
			json_need(cJSON_AddObjectToObject(root, "scenario"));

		json_add_string(scenario, "name", r->scenario_name);
		if (r->scenario_description != NULL)
			json_add_string(scenario, "description",
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

/* Reading: every helper names the field by its path from the root. */

static const char *
json_type_name(const cJSON *item)
{
	if (cJSON_IsNumber(item))
		return "a number";
	if (cJSON_IsString(item))
		return "a string";
	if (cJSON_IsBool(item))
		return "a boolean";
	if (cJSON_IsNull(item))
		return "null";
	if (cJSON_IsArray(item))
		return "an array";
	if (cJSON_IsObject(item))
		return "an object";
	return "an invalid value";
}

struct json_path {
	char text[256];
};

static const char *
json_path_join(struct json_path *out, const char *parent, const char *name)
{
	snprintf(out->text, sizeof out->text, "%s%s%s", parent,
		 *parent && *name ? "." : "", name);
	return out->text;
}

static const cJSON *
json_field(const cJSON *obj, const char *parent, const char *name, char **cause)
{
	const cJSON *item = cJSON_GetObjectItemCaseSensitive(obj, name);
	struct json_path path;

	if (item == NULL)
		*cause = xasprintf("%s: missing",
				   json_path_join(&path, parent, name));
	return item;
}

static int
json_expect(const cJSON *item, cJSON_bool ok, const char *parent,
	    const char *name, const char *expected, char **cause)
{
	struct json_path path;

	if (ok)
		return 0;
	*cause = xasprintf("%s: expected %s, found %s",
			   json_path_join(&path, parent, name), expected,
			   json_type_name(item));
	return -1;
}

static int
json_get_object(const cJSON *obj, const char *parent, const char *name,
		const cJSON **out, char **cause)
{
	const cJSON *item = json_field(obj, parent, name, cause);

	if (item == NULL || json_expect(item, cJSON_IsObject(item), parent,
					name, "an object", cause) != 0)
		return -1;
	*out = item;
	return 0;
}

static int
json_get_string(const cJSON *obj, const char *parent, const char *name,
		const char **out, char **cause)
{
	const cJSON *item = json_field(obj, parent, name, cause);

	if (item == NULL || json_expect(item, cJSON_IsString(item), parent,
					name, "a string", cause) != 0)
		return -1;
	*out = item->valuestring;
	return 0;
}

static int
json_get_bool(const cJSON *obj, const char *parent, const char *name, bool *out,
	      char **cause)
{
	const cJSON *item = json_field(obj, parent, name, cause);

	if (item == NULL || json_expect(item, cJSON_IsBool(item), parent, name,
					"true or false", cause) != 0)
		return -1;
	*out = cJSON_IsTrue(item);
	return 0;
}

/* A number from min to max; whole when integer. */
static int
json_get_number(const cJSON *obj, const char *parent, const char *name,
		double min, double max, bool integer, double *out, char **cause)
{
	const cJSON *item = json_field(obj, parent, name, cause);
	const char *kind = integer ? "an integer" : "a number";
	struct json_path path;
	double v;

	if (item == NULL || json_expect(item, cJSON_IsNumber(item), parent,
					name, kind, cause) != 0)
		return -1;
	v = item->valuedouble;
	if (v != v || v < min || v > max ||
	    (integer && v != (double)(long long)v)) {
		*cause =
			integer ? xasprintf("%s: expected an integer from %.0f "
					    "to %.0f, found %g",
					    json_path_join(&path, parent, name),
					    min, max, v)
				: xasprintf("%s: expected a number from %g to "
					    "%g, found %g",
					    json_path_join(&path, parent, name),
					    min, max, v);
		return -1;
	}
	*out = v;
	return 0;
}

static int
json_get_integer(const cJSON *obj, const char *parent, const char *name,
		 double min, double max, double *out, char **cause)
{
	return json_get_number(obj, parent, name, min, max, true, out, cause);
}

static int
json_get_unsigned(const cJSON *obj, const char *parent, const char *name,
		  unsigned *out, char **cause)
{
	double v;

	if (json_get_integer(obj, parent, name, 0, UINT_MAX, &v, cause) != 0)
		return -1;
	*out = (unsigned)v;
	return 0;
}

static int
json_get_status(const cJSON *obj, const char *parent, const char *name,
		enum probe_status *out, char **cause)
{
	struct json_path path;
	const char *s;
	char *names = xstrdup(""), *next;
	int i;

	if (json_get_string(obj, parent, name, &s, cause) != 0) {
		free(names);
		return -1;
	}
	if (status_parse(s, out) == 0) {
		free(names);
		return 0;
	}
	for (i = 0; i < STATUS_COUNT; i++) {
		next = xasprintf("%s%s%s", names, i ? ", " : "",
				 status_name((enum probe_status)i));
		free(names);
		names = next;
	}
	*cause = xasprintf("%s: unknown status '%s' (expected %s)",
			   json_path_join(&path, parent, name), s, names);
	free(names);
	return -1;
}

static int
json_get_verdict(const cJSON *obj, const char *parent, bool *pass, char **cause)
{
	struct json_path path;
	const char *s;

	if (json_get_string(obj, parent, "verdict", &s, cause) != 0)
		return -1;
	if (strcmp(s, "pass") != 0 && strcmp(s, "fail") != 0) {
		*cause = xasprintf("%s: unknown verdict '%s' (expected pass "
				   "or fail)",
				   json_path_join(&path, parent, "verdict"), s);
		return -1;
	}
	*pass = strcmp(s, "pass") == 0;
	return 0;
}

/*
 * Reads c's ranges into one status per port, checking that they cover
 * sports exactly once, in order, without spanning a gap between its ranges.
 */
static int
report_ranges_from_json(const cJSON *ranges, const char *parent,
			const struct report_check *c, uint8_t *statuses,
			char **cause)
{
	const struct range_list *sports = &c->sports;
	const cJSON *item;
	char *text = range_list_format(sports);
	size_t k = 0, sr = 0, index = 0;
	uint32_t next = sports->count ? sports->ranges[0].from : 0;
	struct json_path path;
	int rc = -1;

	cJSON_ArrayForEach(item, ranges)
	{
		char at[128];
		double from, to;
		enum probe_status status;

		snprintf(at, sizeof at, "%s[%zu]", parent, k++);
		if (json_expect(item, cJSON_IsObject(item), at, "", "an object",
				cause) != 0 ||
		    json_get_integer(item, at, "from", 0, 65535, &from,
				     cause) != 0 ||
		    json_get_integer(item, at, "to", 0, 65535, &to, cause) !=
			    0 ||
		    json_get_status(item, at, "status", &status, cause) != 0)
			goto out;
		if (sr == sports->count) {
			*cause = xasprintf("%s: range %.0f-%.0f is past the "
					   "end of sports %s",
					   at, from, to, text);
			goto out;
		}
		if (from != next) {
			*cause = xasprintf("%s: is %.0f, expected %u (ranges "
					   "must cover sports %s exactly once, "
					   "in order)",
					   json_path_join(&path, at, "from"),
					   from, next, text);
			goto out;
		}
		if (to < from) {
			*cause = xasprintf("%s: %.0f is below from %.0f",
					   json_path_join(&path, at, "to"), to,
					   from);
			goto out;
		}
		if (to > sports->ranges[sr].to) {
			*cause = xasprintf("%s: %.0f runs past the end of the "
					   "sports range %u-%u",
					   json_path_join(&path, at, "to"), to,
					   sports->ranges[sr].from,
					   sports->ranges[sr].to);
			goto out;
		}
		memset(statuses + index, status, (size_t)(to - from) + 1);
		index += (size_t)(to - from) + 1;
		if (to == sports->ranges[sr].to) {
			if (++sr < sports->count)
				next = sports->ranges[sr].from;
		} else
			next = (uint32_t)to + 1;
	}
	if (sr < sports->count) {
		*cause = xasprintf("%s: end before port %u; they must cover "
				   "sports %s exactly once, in order",
				   parent, next, text);
		goto out;
	}
	rc = 0;
out:
	free(text);
	return rc;
}

/* A member that may be left out: *out NULL then. */
static int
json_get_optional_string(const cJSON *obj, const char *parent, const char *name,
			 const char **out, char **cause)
{
	*out = NULL;
	if (cJSON_GetObjectItemCaseSensitive(obj, name) == NULL)
		return 0;
	return json_get_string(obj, parent, name, out, cause);
}

static bool
json_has(const cJSON *obj, const char *name)
{
	return cJSON_GetObjectItemCaseSensitive(obj, name) != NULL;
}

/* A number from min to max, fractions allowed. */
static int
json_get_real(const cJSON *obj, const char *parent, const char *name,
	      double min, double max, double *out, char **cause)
{
	return json_get_number(obj, parent, name, min, max, false, out, cause);
}

/* "notes": an array of strings, when present. */
static int
json_get_notes(const cJSON *obj, const char *parent, char ***notes, size_t *n,
	       char **cause)
{
	const cJSON *list = cJSON_GetObjectItemCaseSensitive(obj, "notes");
	const cJSON *item;
	char at[160];
	size_t k = 0;

	if (list == NULL)
		return 0;
	if (json_expect(list, cJSON_IsArray(list), parent, "notes",
			"an array of strings", cause) != 0)
		return -1;
	cJSON_ArrayForEach(item, list)
	{
		snprintf(at, sizeof at, "%s%snotes[%zu]", parent,
			 *parent ? "." : "", k++);
		if (json_expect(item, cJSON_IsString(item), at, "", "a string",
				cause) != 0)
			return -1;
		*notes = xreallocarray(*notes, *n + 1, sizeof **notes);
		(*notes)[(*n)++] = xstrdup(item->valuestring);
	}
	return 0;
}

static int
json_get_expectation(const cJSON *obj, const char *parent, const char *name,
		     enum expectation *out, char **cause)
{
	struct json_path path;
	const char *s;

	if (json_get_string(obj, parent, name, &s, cause) != 0)
		return -1;
	if (expectation_parse(s, out) == 0)
		return 0;
	*cause = xasprintf("%s: unknown expectation '%s' (expected %s)",
			   json_path_join(&path, parent, name), s,
			   expectation_names());
	return -1;
}

/* The expectation ranges: inside sports, sorted, disjoint. */
static int
report_expectations_from_json(const cJSON *list, const char *at,
			      struct report_check *c, char **cause)
{
	struct expect_range *ranges = NULL;
	const cJSON *item;
	struct json_path path;
	char *text, where[128];
	size_t k = 0, first, last;
	double from, to;
	int rc = -1;

	ranges = xcalloc((size_t)cJSON_GetArraySize(list) + 1, sizeof *ranges);
	cJSON_ArrayForEach(item, list)
	{
		struct expect_range *e = &ranges[k];

		snprintf(where, sizeof where, "%s[%zu]", at, k);
		if (json_expect(item, cJSON_IsObject(item), where, "",
				"an object", cause) != 0 ||
		    json_get_integer(item, where, "from", 1, 65535, &from,
				     cause) != 0 ||
		    json_get_integer(item, where, "to", 1, 65535, &to, cause) !=
			    0 ||
		    json_get_expectation(item, where, "expect", &e->expect,
					 cause) != 0)
			goto out;
		if (to < from) {
			*cause = xasprintf("%s: %.0f is below from %.0f",
					   json_path_join(&path, where, "to"),
					   to, from);
			goto out;
		}
		e->from = (uint16_t)from;
		e->to = (uint16_t)to;
		first = range_list_index(&c->sports, e->from);
		last = range_list_index(&c->sports, e->to);
		if (first == SIZE_MAX || last == SIZE_MAX ||
		    last - first != (size_t)(e->to - e->from)) {
			text = range_list_format(&c->sports);
			*cause = xasprintf("%s: %u-%u is not inside sports %s",
					   where, e->from, e->to, text);
			free(text);
			goto out;
		}
		if (k > 0 && e->from <= ranges[k - 1].to) {
			*cause = xasprintf("%s: %u-%u does not come after the "
					   "previous range, which ends at %u: "
					   "expectations must be sorted and "
					   "disjoint",
					   where, e->from, e->to,
					   ranges[k - 1].to);
			goto out;
		}
		k++;
	}
	report_check_set_expectations(c, c->expect, ranges, k);
	rc = 0;
out:
	free(ranges);
	return rc;
}

/* The evidence work's members of a check, each optional. */
static int
report_check_measures_from_json(const cJSON *item, const char *at,
				struct report_check *c, char **cause)
{
	double ports = (double)range_list_size(&c->sports), v;
	const cJSON *rtt;
	const char *s;
	char rtt_at[112];

	if (json_has(item, "no_answer")) {
		if (json_get_integer(item, at, "no_answer", 0, ports, &v,
				     cause) != 0)
			return -1;
		c->no_answer = (size_t)v;
	}
	if (json_has(item, "rejected_inferred")) {
		if (json_get_integer(item, at, "rejected_inferred", 0, ports,
				     &v, cause) != 0)
			return -1;
		c->rejected_inferred = (size_t)v;
	}
	if (json_has(item, "loss")) {
		if (json_get_real(item, at, "loss", 0, 1, &c->loss, cause) != 0)
			return -1;
		c->has_loss = true;
	}
	if (json_has(item, "rtt_ms")) {
		snprintf(rtt_at, sizeof rtt_at, "%s.rtt_ms", at);
		if (json_get_object(item, at, "rtt_ms", &rtt, cause) != 0 ||
		    json_get_real(rtt, rtt_at, "p50", 0, 1e9, &c->rtt_p50_ms,
				  cause) != 0 ||
		    json_get_real(rtt, rtt_at, "p99", 0, 1e9, &c->rtt_p99_ms,
				  cause) != 0)
			return -1;
		c->has_rtt = true;
	}
	if (json_get_optional_string(item, at, "evidence", &s, cause) != 0)
		return -1;
	if (s != NULL) {
		if (strcmp(s, "capture") != 0 && strcmp(s, "socket") != 0 &&
		    strcmp(s, "none") != 0) {
			struct json_path path;

			*cause = xasprintf(
				"%s: unknown evidence '%s' "
				"(expected capture, socket or "
				"none)",
				json_path_join(&path, at, "evidence"), s);
			return -1;
		}
		c->evidence = xstrdup(s);
	}
	return json_get_notes(item, at, &c->notes, &c->nnotes, cause);
}

/* What the first version of the report did not have: target, expect,
 * expectations. The rest (mismatches, impact, fixes) is recomputed. */
static int
report_check_extras_from_json(const cJSON *item, const char *at,
			      const struct report *r, struct report_check *c,
			      char **cause)
{
	size_t ntargets = r->ntargets ? r->ntargets : 1;
	const cJSON *list;
	char where[96];
	double v;

	if (cJSON_GetObjectItemCaseSensitive(item, "target") != NULL) {
		if (json_get_integer(item, at, "target", 0,
				     (double)ntargets - 1, &v, cause) != 0)
			return -1;
		c->target = (size_t)v;
	}
	if (cJSON_GetObjectItemCaseSensitive(item, "expect") != NULL &&
	    json_get_expectation(item, at, "expect", &c->expect, cause) != 0)
		return -1;
	list = cJSON_GetObjectItemCaseSensitive(item, "expectations");
	if (list == NULL) {
		/* The statuses were judged as open already. */
		if (c->expect != EXPECT_OPEN)
			report_check_set_expectations(c, c->expect, NULL, 0);
		return 0;
	}
	if (json_expect(list, cJSON_IsArray(list), at, "expectations",
			"an array", cause) != 0)
		return -1;
	snprintf(where, sizeof where, "%s.expectations", at);
	return report_expectations_from_json(list, where, c, cause);
}

static int
report_check_from_json(const cJSON *item, const char *at, struct report *r,
		       char **cause)
{
	const cJSON *counts, *ranges, *nat;
	const char *proto_text, *service_text, *sports_text;
	struct range_list sports = {NULL, 0};
	struct report_check *c;
	struct json_path path;
	enum proto proto;
	enum service service;
	char *range_cause = NULL, *names, counts_at[96], ranges_at[96],
	     nat_at[96];
	uint8_t *statuses;
	double port, v;
	size_t i;
	int rc;

	if (json_expect(item, cJSON_IsObject(item), at, "", "an object",
			cause) != 0 ||
	    json_get_string(item, at, "proto", &proto_text, cause) != 0)
		return -1;
	if (proto_parse(proto_text, &proto) != 0) {
		*cause = xasprintf("%s: unknown protocol '%s' (expected udp or "
				   "tcp)",
				   json_path_join(&path, at, "proto"),
				   proto_text);
		return -1;
	}
	if (json_get_integer(item, at, "port", 1, 65535, &port, cause) != 0 ||
	    json_get_string(item, at, "service", &service_text, cause) != 0)
		return -1;
	if (service_parse(service_text, &service) != 0) {
		names = service_names_text();
		*cause = xasprintf("%s: unknown service '%s' (expected %s)",
				   json_path_join(&path, at, "service"),
				   service_text, names);
		free(names);
		return -1;
	}
	if (json_get_string(item, at, "sports", &sports_text, cause) != 0)
		return -1;
	if (range_list_parse(sports_text, &sports, 1, &range_cause) != 0) {
		*cause =
			xasprintf("%s: %s", json_path_join(&path, at, "sports"),
				  range_cause);
		free(range_cause);
		return -1;
	}
	c = report_add_check(r, proto, (uint16_t)port, service, &sports);
	range_list_free(&sports);

	snprintf(ranges_at, sizeof ranges_at, "%s.ranges", at);
	ranges = json_field(item, at, "ranges", cause);
	if (ranges == NULL || json_expect(ranges, cJSON_IsArray(ranges), at,
					  "ranges", "an array", cause) != 0)
		return -1;
	statuses = xmalloc(range_list_size(&c->sports));
	rc = report_ranges_from_json(ranges, ranges_at, c, statuses, cause);
	if (rc == 0)
		report_check_set_statuses(c, statuses);
	free(statuses);
	if (rc != 0)
		return -1;

	snprintf(counts_at, sizeof counts_at, "%s.counts", at);
	if (json_get_object(item, at, "counts", &counts, cause) != 0)
		return -1;
	for (i = 0; i < STATUS_COUNT; i++) {
		const char *name = status_name((enum probe_status)i);

		/* Reports written before these existed lack them. */
		if ((i == STATUS_HOST_DROPPED || i == STATUS_UNFINISHED) &&
		    cJSON_GetObjectItemCaseSensitive(counts, name) == NULL)
			v = 0;
		else if (json_get_integer(counts, counts_at, name, 0, 65535, &v,
					  cause) != 0)
			return -1;
		if ((size_t)v != c->counts[i]) {
			*cause = xasprintf(
				"%s: %.0f does not match the ranges, "
				"which hold %zu %s ports",
				json_path_join(&path, counts_at, name), v,
				c->counts[i], name);
			return -1;
		}
	}
	snprintf(nat_at, sizeof nat_at, "%s.nat", at);
	if (json_get_object(item, at, "nat", &nat, cause) != 0 ||
	    json_get_integer(nat, nat_at, "translated", 0,
			     (double)range_list_size(&c->sports), &v,
			     cause) != 0)
		return -1;
	c->nat_translated = (size_t)v;
	if (report_check_measures_from_json(item, at, c, cause) != 0 ||
	    report_check_extras_from_json(item, at, r, c, cause) != 0)
		return -1;
	/* The recorded verdict wins, as it was when the run ended. */
	return json_get_verdict(item, at, &c->pass, cause);
}

static int
report_scenario_from_json(const cJSON *root, struct report *r, char **cause)
{
	const cJSON *scenario;
	const char *s;

	if (cJSON_GetObjectItemCaseSensitive(root, "scenario") == NULL)
		return 0;
	if (json_get_object(root, "", "scenario", &scenario, cause) != 0 ||
	    json_get_string(scenario, "scenario", "name", &s, cause) != 0)
		return -1;
	r->scenario_name = xstrdup(s);
	if (json_get_optional_string(scenario, "scenario", "description", &s,
				     cause) != 0)
		return -1;
	if (s != NULL)
		r->scenario_description = xstrdup(s);
	return 0;
}

/* How a target's run went: error, notes, control, outages; all optional. */
static int
report_target_run_from_json(const cJSON *item, const char *at,
			    struct report_target *t, char **cause)
{
	const cJSON *control, *list, *o;
	const char *s;
	char where[96];
	size_t k = 0;
	double v;

	if (json_get_optional_string(item, at, "error", &s, cause) != 0)
		return -1;
	if (s != NULL)
		t->error = xstrdup(s);
	if (json_get_notes(item, at, &t->notes, &t->nnotes, cause) != 0)
		return -1;
	if (json_has(item, "control")) {
		snprintf(where, sizeof where, "%s.control", at);
		if (json_get_object(item, at, "control", &control, cause) !=
			    0 ||
		    json_get_integer(control, where, "sport", 0, 65535, &v,
				     cause) != 0)
			return -1;
		t->control_sport = (uint16_t)v;
		list = json_field(control, where, "failed", cause);
		if (list == NULL ||
		    json_expect(list, cJSON_IsArray(list), where, "failed",
				"an array of ports", cause) != 0)
			return -1;
		cJSON_ArrayForEach(o, list)
		{
			char port_at[112];

			snprintf(port_at, sizeof port_at, "%s.failed[%zu]",
				 where, k++);
			if (json_expect(o,
					cJSON_IsNumber(o) &&
						o->valuedouble >= 1 &&
						o->valuedouble <= 65535 &&
						o->valuedouble ==
							(int)o->valuedouble,
					port_at, "", "a port from 1 to 65535",
					cause) != 0)
				return -1;
			t->control_failed = xreallocarray(
				t->control_failed, t->ncontrol_failed + 1,
				sizeof *t->control_failed);
			t->control_failed[t->ncontrol_failed++] =
				(uint16_t)o->valuedouble;
		}
	}
	list = cJSON_GetObjectItemCaseSensitive(item, "outages");
	if (list == NULL)
		return 0;
	if (json_expect(list, cJSON_IsArray(list), at, "outages", "an array",
			cause) != 0)
		return -1;
	k = 0;
	cJSON_ArrayForEach(o, list)
	{
		double start, seconds;

		snprintf(where, sizeof where, "%s.outages[%zu]", at, k++);
		if (json_expect(o, cJSON_IsObject(o), where, "", "an object",
				cause) != 0 ||
		    json_get_real(o, where, "start_s", 0, 1e9, &start, cause) !=
			    0 ||
		    json_get_real(o, where, "seconds", 0, 1e9, &seconds,
				  cause) != 0)
			return -1;
		report_target_add_outage(t, start, seconds);
	}
	return 0;
}

/* The targets, when the report lists them; the top-level fields stay. */
static int
report_targets_from_json(const cJSON *root, struct report *r, char **cause)
{
	static const char *const optional[] = {"probe_cidr", "agent_cidr",
					       "probe_nacl", "agent_nacl"};
	const cJSON *list, *item;
	const char *s;
	size_t k = 0, i;

	list = cJSON_GetObjectItemCaseSensitive(root, "targets");
	if (list == NULL)
		return 0;
	if (json_expect(list, cJSON_IsArray(list), "", "targets", "an array",
			cause) != 0)
		return -1;
	cJSON_ArrayForEach(item, list)
	{
		struct report_target *t;
		char at[32];

		snprintf(at, sizeof at, "targets[%zu]", k++);
		if (json_expect(item, cJSON_IsObject(item), at, "", "an object",
				cause) != 0)
			return -1;
		r->targets = xreallocarray(r->targets, r->ntargets + 1,
					   sizeof *r->targets);
		t = &r->targets[r->ntargets++];
		memset(t, 0, sizeof *t);
		if (json_get_string(item, at, "name", &s, cause) != 0)
			return -1;
		t->name = xstrdup(s);
		if (json_get_string(item, at, "address", &s, cause) != 0)
			return -1;
		t->address = xstrdup(s);
		if (json_get_bool(item, at, "agent", &t->agent, cause) != 0 ||
		    json_get_string(item, at, "bind", &s, cause) != 0)
			return -1;
		t->bind = xstrdup(s);
		for (i = 0; i < sizeof optional / sizeof *optional; i++) {
			char **field = i == 0	? &t->probe_cidr
				       : i == 1 ? &t->agent_cidr
				       : i == 2 ? &t->probe_nacl
						: &t->agent_nacl;

			if (json_get_optional_string(item, at, optional[i], &s,
						     cause) != 0)
				return -1;
			if (s != NULL)
				*field = xstrdup(s);
		}
		if (report_target_run_from_json(item, at, t, cause) != 0)
			return -1;
	}
	return 0;
}

/* "tool", "error" and "partial": reports from before 0.2 lack them. */
static int
report_run_from_json(const cJSON *root, struct report *r, char **cause)
{
	const cJSON *tool;
	const char *s;

	if (json_has(root, "tool")) {
		if (json_get_object(root, "", "tool", &tool, cause) != 0 ||
		    json_get_string(tool, "tool", "name", &s, cause) != 0)
			return -1;
		r->tool_name = xstrdup(s);
		if (json_get_string(tool, "tool", "version", &s, cause) != 0)
			return -1;
		r->tool_version = xstrdup(s);
	}
	if (json_get_optional_string(root, "", "error", &s, cause) != 0)
		return -1;
	if (s != NULL)
		r->error = xstrdup(s);
	if (json_has(root, "partial") &&
	    json_get_bool(root, "", "partial", &r->partial, cause) != 0)
		return -1;
	return 0;
}

static int
report_header_from_json(const cJSON *root, struct report *r, char **cause)
{
	const cJSON *probe, *target, *settings;
	const char *s;

	if (json_get_string(root, "", "started_at", &s, cause) != 0)
		return -1;
	r->started_at = xstrdup(s);
	if (json_get_string(root, "", "finished_at", &s, cause) != 0)
		return -1;
	r->finished_at = xstrdup(s);
	if (json_get_object(root, "", "probe", &probe, cause) != 0 ||
	    json_get_string(probe, "probe", "bind", &s, cause) != 0)
		return -1;
	r->probe_bind = xstrdup(s);
	if (json_get_object(root, "", "target", &target, cause) != 0 ||
	    json_get_string(target, "target", "address", &s, cause) != 0)
		return -1;
	r->target_address = xstrdup(s);
	if (json_get_bool(target, "target", "agent", &r->target_agent, cause) !=
	    0)
		return -1;
	if (cJSON_GetObjectItemCaseSensitive(root, "predicted") != NULL &&
	    json_get_bool(root, "", "predicted", &r->predicted, cause) != 0)
		return -1;
	if (report_run_from_json(root, r, cause) != 0 ||
	    report_scenario_from_json(root, r, cause) != 0 ||
	    report_targets_from_json(root, r, cause) != 0)
		return -1;
	if (json_get_object(root, "", "settings", &settings, cause) != 0 ||
	    json_get_unsigned(settings, "settings", "rate", &r->settings.rate,
			      cause) != 0 ||
	    json_get_unsigned(settings, "settings", "window",
			      &r->settings.window, cause) != 0 ||
	    json_get_unsigned(settings, "settings", "attempts",
			      &r->settings.attempts, cause) != 0 ||
	    json_get_unsigned(settings, "settings", "timeout_ms",
			      &r->settings.timeout_ms, cause) != 0)
		return -1;
	return 0;
}

int
report_from_json(const cJSON *root, struct report *r, char **cause)
{
	const cJSON *schema, *checks, *item, *summary;
	struct report parsed;
	size_t k = 0;
	double probes;

	memset(&parsed, 0, sizeof parsed);
	if (!cJSON_IsObject(root)) {
		*cause = xasprintf("expected a JSON object (a nacl-probe "
				   "report), found %s",
				   json_type_name(root));
		return -1;
	}
	schema = cJSON_GetObjectItemCaseSensitive(root, "schema");
	if (schema == NULL) {
		*cause = xstrdup("schema: missing (expected '" REPORT_SCHEMA
				 "'): not a nacl-probe report");
		return -1;
	}
	if (!cJSON_IsString(schema)) {
		*cause = xasprintf("schema: expected the string '" REPORT_SCHEMA
				   "', found %s",
				   json_type_name(schema));
		return -1;
	}
	if (strcmp(schema->valuestring, REPORT_SCHEMA) != 0) {
		*cause = xasprintf("schema: unsupported schema '%s' (expected "
				   "'" REPORT_SCHEMA "')",
				   schema->valuestring);
		return -1;
	}
	if (report_header_from_json(root, &parsed, cause) != 0)
		goto fail;
	checks = json_field(root, "", "checks", cause);
	if (checks == NULL || json_expect(checks, cJSON_IsArray(checks), "",
					  "checks", "an array", cause) != 0)
		goto fail;
	cJSON_ArrayForEach(item, checks)
	{
		char at[32];

		snprintf(at, sizeof at, "checks[%zu]", k++);
		if (report_check_from_json(item, at, &parsed, cause) != 0)
			goto fail;
	}
	report_finish(&parsed);
	if (json_get_object(root, "", "summary", &summary, cause) != 0 ||
	    json_get_integer(summary, "summary", "probes", 0, 1e15, &probes,
			     cause) != 0)
		goto fail;
	if ((size_t)probes != parsed.probes) {
		*cause = xasprintf("summary.probes: %.0f does not match the "
				   "checks, which sweep %zu source ports",
				   probes, parsed.probes);
		goto fail;
	}
	if (json_get_verdict(summary, "summary", &parsed.pass, cause) != 0)
		goto fail;
	*r = parsed;
	return 0;
fail:
	report_free(&parsed);
	return -1;
}

static char *
report_read_file(FILE *f, size_t *len)
{
	size_t size = 65536, n;
	char *buf = xmalloc(size + 1);

	*len = 0;
	while ((n = fread(buf + *len, 1, size - *len, f)) > 0) {
		*len += n;
		if (*len == size) {
			size *= 2;
			buf = xreallocarray(buf, size + 1, 1);
		}
	}
	buf[*len] = '\0';
	return buf;
}

/* "at line 3, column 7" for the byte at offset in text. */
static void
report_text_position(const char *text, size_t offset, char *buf, size_t size)
{
	size_t i, line = 1, column = 1;

	for (i = 0; i < offset && text[i] != '\0'; i++) {
		if (text[i] == '\n') {
			line++;
			column = 1;
		} else
			column++;
	}
	snprintf(buf, size, "line %zu, column %zu", line, column);
}

int
report_read_json(const char *path, struct report *r, char **cause)
{
	const char *name = strcmp(path, "-") == 0 ? "standard input" : path;
	const char *end = NULL;
	char *text, *inner = NULL, where[64];
	FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "r");
	cJSON *root;
	size_t len;
	int failed, rc;

	if (f == NULL) {
		*cause =
			xasprintf("%s: cannot open: %s", name, strerror(errno));
		return -1;
	}
	text = report_read_file(f, &len);
	failed = ferror(f);
	if (f != stdin)
		fclose(f);
	if (failed) {
		*cause =
			xasprintf("%s: cannot read: %s", name, strerror(errno));
		free(text);
		return -1;
	}
	if (len == 0) {
		*cause = xasprintf("%s: empty file, expected a nacl-probe JSON "
				   "report",
				   name);
		free(text);
		return -1;
	}
	/* The NUL counts, so that trailing garbage is refused. */
	root = cJSON_ParseWithLengthOpts(text, len + 1, &end, 1);
	if (root == NULL) {
		report_text_position(text, end ? (size_t)(end - text) : 0,
				     where, sizeof where);
		*cause = xasprintf("%s: not valid JSON at %s", name, where);
		free(text);
		return -1;
	}
	free(text);
	rc = report_from_json(root, r, &inner);
	cJSON_Delete(root);
	if (rc != 0) {
		*cause = xasprintf("%s: %s", name, inner);
		free(inner);
	}
	return rc;
}
