/* Reading a v1 JSON report back into the model: nacl-report and history. */
/* Every error names the field by its path from the root
 * (checks[1].ranges[0].status) through common/jsonread. */
#include "reports/report.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "common/fileread.h"
#include "common/jsonread.h"
#include "common/xmalloc.h"
#include "reports/json_ranges.h"

/* What the reader says a report is, in its errors. */
#define REPORT_WHAT "a nacl-probe JSON report"

static int
json_object_member(const cJSON *obj, const char *at, const char *name,
		   bool required, const cJSON **out, char **cause)
{
	return jsonread_member(obj, at, name, cJSON_IsObject, "an object",
			       required, out, cause);
}

static int
json_string_member(const cJSON *obj, const char *at, const char *name,
		   bool required, const char **out, char **cause)
{
	return jsonread_string(obj, at, name, "a string", required, out, cause);
}

/* A string member, copied into *out (left alone when absent). */
static int
json_string_copy(const cJSON *obj, const char *at, const char *name,
		 bool required, char **out, char **cause)
{
	const char *s;

	if (json_string_member(obj, at, name, required, &s, cause) != 0)
		return -1;
	if (s != NULL)
		*out = xstrdup(s);
	return 0;
}

static int
json_bool_member(const cJSON *obj, const char *at, const char *name,
		 bool required, bool *out, char **cause)
{
	return jsonread_bool(obj, at, name, "true or false", required, NULL,
			     out, cause);
}

/* A whole number from min to max into *out, left alone when absent. */
static int
json_size_member(const cJSON *obj, const char *at, const char *name, size_t max,
		 bool required, size_t *out, char **cause)
{
	long long v = 0;
	bool present;

	if (jsonread_integer(obj, at, name, 0, (long long)max, required,
			     &present, &v, cause) != 0)
		return -1;
	if (present)
		*out = (size_t)v;
	return 0;
}

static int
json_unsigned_member(const cJSON *obj, const char *at, const char *name,
		     unsigned *out, char **cause)
{
	size_t v = 0;

	if (json_size_member(obj, at, name, UINT_MAX, true, &v, cause) != 0)
		return -1;
	*out = (unsigned)v;
	return 0;
}

/* A member naming one of a list of words, parse turning it into *out. */
static int
json_word_member(const cJSON *obj, const char *at, const char *name,
		 const char *kind, const char *accepted,
		 int (*parse)(const char *, void *), void *out, char **cause)
{
	struct jsonread_at where;
	const char *s;

	if (jsonread_string(obj, at, name, accepted, true, &s, cause) != 0)
		return -1;
	if (parse(s, out) == 0)
		return 0;
	return jsonread_fail(cause, jsonread_join(&where, at, name),
			     "unknown %s '%s' (expected %s)", kind, s,
			     accepted);
}

static int
json_parse_status(const char *s, void *out)
{
	return status_parse(s, out);
}

static int
json_parse_expectation(const char *s, void *out)
{
	return expectation_parse(s, out);
}

static int
json_parse_verdict(const char *s, void *out)
{
	bool *pass = out;

	if (strcmp(s, "pass") != 0 && strcmp(s, "fail") != 0)
		return -1;
	*pass = strcmp(s, "pass") == 0;
	return 0;
}

static int
json_parse_evidence(const char *s, void *out)
{
	const char **evidence = out;

	if (strcmp(s, "capture") != 0 && strcmp(s, "socket") != 0 &&
	    strcmp(s, "none") != 0)
		return -1;
	*evidence = s;
	return 0;
}

/* "ok, reply_dropped, ..., unfinished"; free() it. */
static char *
json_status_names(void)
{
	char *names = xstrdup(""), *next;
	int i;

	for (i = 0; i < STATUS_COUNT; i++) {
		next = xasprintf("%s%s%s", names, i ? ", " : "",
				 status_name((enum probe_status)i));
		free(names);
		names = next;
	}
	return names;
}

static int
json_verdict_member(const cJSON *obj, const char *at, bool *pass, char **cause)
{
	return json_word_member(obj, at, "verdict", "verdict", "pass or fail",
				json_parse_verdict, pass, cause);
}

/* An array member (absent: *out NULL when not required). */
static int
json_array_member(const cJSON *obj, const char *at, const char *name,
		  const char *what, bool required, const cJSON **out,
		  char **cause)
{
	return jsonread_member(obj, at, name, cJSON_IsArray, what, required,
			       out, cause);
}

/*
 * Where the reading of a check's ranges stands: they must cover sports
 * exactly once, in order, never spanning a gap between its ranges.
 */
struct ranges_cursor {
	const struct range_list *sports;
	char *text; /* sports, for messages */
	uint8_t *statuses; /* one per port, indexed like sports */
	size_t sr; /* the sports range the next one lies in */
	size_t index; /* the next port's index */
	uint32_t next; /* the port the next one must start at */
};

static void
ranges_cursor_init(struct ranges_cursor *rc, const struct range_list *sports)
{
	memset(rc, 0, sizeof *rc);
	rc->sports = sports;
	rc->text = range_list_format(sports);
	rc->statuses = xmalloc(range_list_size(sports) + 1);
	rc->next = sports->count ? sports->ranges[0].from : 0;
}

static void
ranges_cursor_free(struct ranges_cursor *rc)
{
	free(rc->text);
	free(rc->statuses);
}

/* The range at (ports from-to of status) comes next. */
static int
ranges_cursor_take(struct ranges_cursor *rc, const char *at, long long from,
		   long long to, enum probe_status status, char **cause)
{
	const struct port_range *sr;
	struct jsonread_at where;

	if (rc->sr == rc->sports->count)
		return jsonread_fail(cause, at,
				     "range %lld-%lld is past the end of "
				     "sports %s",
				     from, to, rc->text);
	sr = &rc->sports->ranges[rc->sr];
	if (from != rc->next)
		return jsonread_fail(cause, jsonread_join(&where, at, "from"),
				     "is %lld, expected %u (ranges must cover "
				     "sports %s exactly once, in order)",
				     from, rc->next, rc->text);
	if (to < from)
		return jsonread_fail(cause, jsonread_join(&where, at, "to"),
				     "%lld is below from %lld", to, from);
	if (to > sr->to)
		return jsonread_fail(cause, jsonread_join(&where, at, "to"),
				     "%lld runs past the end of the sports "
				     "range %u-%u",
				     to, sr->from, sr->to);
	memset(rc->statuses + rc->index, status, (size_t)(to - from) + 1);
	rc->index += (size_t)(to - from) + 1;
	if (to == sr->to) {
		if (++rc->sr < rc->sports->count)
			rc->next = rc->sports->ranges[rc->sr].from;
	} else
		rc->next = (uint32_t)to + 1;
	return 0;
}

/* The ranges ended (at names them): when they covered every source port,
 * their statuses become c's. */
static int
ranges_cursor_end(const struct ranges_cursor *rc, const char *at,
		  struct report_check *c, char **cause)
{
	if (rc->sr < rc->sports->count)
		return jsonread_fail(cause, at,
				     "end before port %u; they must cover "
				     "sports %s exactly once, in order",
				     rc->next, rc->text);
	report_check_set_statuses(c, rc->statuses);
	return 0;
}

/* c's ranges from the array ranges (at names it) into its statuses. */
static int
report_ranges_from_json(const cJSON *ranges, const char *at,
			struct report_check *c, char **cause)
{
	struct ranges_cursor rc;
	struct jsonread_at where;
	const cJSON *item;
	enum probe_status status;
	long long from, to;
	char *names = json_status_names();
	size_t k = 0;
	int rv = -1;

	ranges_cursor_init(&rc, &c->sports);
	cJSON_ArrayForEach(item, ranges)
	{
		jsonread_index(&where, at, k++);
		if (jsonread_expect(item, where.text, cJSON_IsObject,
				    "an object", cause) != 0 ||
		    jsonread_integer(item, where.text, "from", 0, 65535, true,
				     NULL, &from, cause) != 0 ||
		    jsonread_integer(item, where.text, "to", 0, 65535, true,
				     NULL, &to, cause) != 0 ||
		    json_word_member(item, where.text, "status", "status",
				     names, json_parse_status, &status,
				     cause) != 0 ||
		    ranges_cursor_take(&rc, where.text, from, to, status,
				       cause) != 0)
			goto out;
	}
	rv = ranges_cursor_end(&rc, at, c, cause);
out:
	free(names);
	ranges_cursor_free(&rc);
	return rv;
}

/* c's ranges as json_ranges lifted them from the text (at names them). */
static int
report_ranges_from_lifted(const struct json_ranges_check *lifted,
			  const char *at, struct report_check *c, char **cause)
{
	struct ranges_cursor rc;
	struct jsonread_at where;
	size_t k;
	int rv = -1;

	ranges_cursor_init(&rc, &c->sports);
	for (k = 0; k < lifted->count; k++) {
		const struct status_range *sr = &lifted->ranges[k];

		if (ranges_cursor_take(&rc, jsonread_index(&where, at, k),
				       sr->from, sr->to, sr->status,
				       cause) != 0)
			goto out;
	}
	rv = ranges_cursor_end(&rc, at, c, cause);
out:
	ranges_cursor_free(&rc);
	return rv;
}

/* "notes": an array of strings, when present. */
static int
json_notes_member(const cJSON *obj, const char *at, char ***notes, size_t *n,
		  char **cause)
{
	struct jsonread_at list_at, where;
	const cJSON *list, *item;
	size_t k = 0;

	if (json_array_member(obj, at, "notes", "an array of strings", false,
			      &list, cause) != 0)
		return -1;
	if (list == NULL)
		return 0;
	jsonread_join(&list_at, at, "notes");
	cJSON_ArrayForEach(item, list)
	{
		jsonread_index(&where, list_at.text, k++);
		if (jsonread_expect(item, where.text, cJSON_IsString,
				    "a string", cause) != 0)
			return -1;
		*notes = xreallocarray(*notes, *n + 1, sizeof **notes);
		(*notes)[(*n)++] = xstrdup(item->valuestring);
	}
	return 0;
}

/* The expectation ranges: inside sports, sorted, disjoint. */
static int
report_expectations_from_json(const cJSON *list, const char *at,
			      struct report_check *c, char **cause)
{
	struct expect_range *ranges = NULL;
	struct jsonread_at where, to_at;
	const cJSON *item;
	char *text;
	size_t k = 0, first, last;
	long long from, to;
	int rc = -1;

	ranges = xcalloc((size_t)cJSON_GetArraySize(list) + 1, sizeof *ranges);
	cJSON_ArrayForEach(item, list)
	{
		struct expect_range *e = &ranges[k];

		jsonread_index(&where, at, k);
		if (jsonread_expect(item, where.text, cJSON_IsObject,
				    "an object", cause) != 0 ||
		    jsonread_integer(item, where.text, "from", 1, 65535, true,
				     NULL, &from, cause) != 0 ||
		    jsonread_integer(item, where.text, "to", 1, 65535, true,
				     NULL, &to, cause) != 0 ||
		    json_word_member(item, where.text, "expect", "expectation",
				     expectation_names(),
				     json_parse_expectation, &e->expect,
				     cause) != 0)
			goto out;
		if (to < from) {
			jsonread_fail(cause,
				      jsonread_join(&to_at, where.text, "to"),
				      "%lld is below from %lld", to, from);
			goto out;
		}
		e->from = (uint16_t)from;
		e->to = (uint16_t)to;
		first = range_list_index(&c->sports, e->from);
		last = range_list_index(&c->sports, e->to);
		if (first == SIZE_MAX || last == SIZE_MAX ||
		    last - first != (size_t)(e->to - e->from)) {
			text = range_list_format(&c->sports);
			jsonread_fail(cause, where.text,
				      "%u-%u is not inside sports %s", e->from,
				      e->to, text);
			free(text);
			goto out;
		}
		if (k > 0 && e->from <= ranges[k - 1].to) {
			jsonread_fail(cause, where.text,
				      "%u-%u does not come after the previous "
				      "range, which ends at %u: expectations "
				      "must be sorted and disjoint",
				      e->from, e->to, ranges[k - 1].to);
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
	size_t ports = range_list_size(&c->sports);
	struct jsonread_at rtt_at;
	const char *evidence = NULL;
	const cJSON *rtt;

	if (json_size_member(item, at, "no_answer", ports, false, &c->no_answer,
			     cause) != 0 ||
	    json_size_member(item, at, "rejected_inferred", ports, false,
			     &c->rejected_inferred, cause) != 0 ||
	    jsonread_number(item, at, "loss", 0, 1, false, &c->has_loss,
			    &c->loss, cause) != 0 ||
	    json_object_member(item, at, "rtt_ms", false, &rtt, cause) != 0)
		return -1;
	if (rtt != NULL) {
		jsonread_join(&rtt_at, at, "rtt_ms");
		if (jsonread_number(rtt, rtt_at.text, "p50", 0, 1e9, true, NULL,
				    &c->rtt_p50_ms, cause) != 0 ||
		    jsonread_number(rtt, rtt_at.text, "p99", 0, 1e9, true, NULL,
				    &c->rtt_p99_ms, cause) != 0)
			return -1;
		c->has_rtt = true;
	}
	if (cJSON_GetObjectItemCaseSensitive(item, "evidence") != NULL) {
		if (json_word_member(item, at, "evidence", "evidence",
				     "capture, socket or none",
				     json_parse_evidence, &evidence,
				     cause) != 0)
			return -1;
		c->evidence = xstrdup(evidence);
	}
	return json_notes_member(item, at, &c->notes, &c->nnotes, cause);
}

/* What the first version of the report did not have: target, expect,
 * expectations. The rest (mismatches, impact, fixes) is recomputed. */
static int
report_check_extras_from_json(const cJSON *item, const char *at,
			      const struct report *r, struct report_check *c,
			      char **cause)
{
	size_t ntargets = r->ntargets ? r->ntargets : 1;
	struct jsonread_at where;
	const cJSON *list;

	if (json_size_member(item, at, "target", ntargets - 1, false,
			     &c->target, cause) != 0)
		return -1;
	if (cJSON_GetObjectItemCaseSensitive(item, "expect") != NULL &&
	    json_word_member(item, at, "expect", "expectation",
			     expectation_names(), json_parse_expectation,
			     &c->expect, cause) != 0)
		return -1;
	if (json_array_member(item, at, "expectations", "an array", false,
			      &list, cause) != 0)
		return -1;
	if (list == NULL) {
		/* The statuses were judged as open already. */
		if (c->expect != EXPECT_OPEN)
			report_check_set_expectations(c, c->expect, NULL, 0);
		return 0;
	}
	return report_expectations_from_json(
		list, jsonread_join(&where, at, "expectations"), c, cause);
}

/* counts must agree with the ranges. */
static int
report_counts_from_json(const cJSON *item, const char *at,
			const struct report_check *c, char **cause)
{
	struct jsonread_at counts_at, where;
	const cJSON *counts;
	long long v;
	size_t i;

	if (json_object_member(item, at, "counts", true, &counts, cause) != 0)
		return -1;
	jsonread_join(&counts_at, at, "counts");
	for (i = 0; i < STATUS_COUNT; i++) {
		const char *name = status_name((enum probe_status)i);
		/* Reports written before these existed lack them. */
		bool required =
			i != STATUS_HOST_DROPPED && i != STATUS_UNFINISHED;

		v = 0;
		if (jsonread_integer(counts, counts_at.text, name, 0, 65535,
				     required, NULL, &v, cause) != 0)
			return -1;
		if ((size_t)v != c->counts[i])
			return jsonread_fail(
				cause,
				jsonread_join(&where, counts_at.text, name),
				"%lld does not match the ranges, which hold "
				"%zu %s ports",
				v, c->counts[i], name);
	}
	return 0;
}

/* A check; lifted (may be NULL) holds its ranges when the text did not. */
static int
report_check_from_json(const cJSON *item, const char *at, struct report *r,
		       const struct json_ranges_check *lifted, char **cause)
{
	const cJSON *ranges, *nat;
	const char *proto_text, *service_text, *sports_text;
	struct range_list sports = {NULL, 0};
	struct jsonread_at where;
	struct report_check *c;
	enum proto proto;
	enum service service;
	char *range_cause = NULL, *names;
	long long port;

	if (jsonread_expect(item, at, cJSON_IsObject, "an object", cause) !=
		    0 ||
	    json_string_member(item, at, "proto", true, &proto_text, cause) !=
		    0)
		return -1;
	if (proto_parse(proto_text, &proto) != 0)
		return jsonread_fail(cause, jsonread_join(&where, at, "proto"),
				     "unknown protocol '%s' (expected udp or "
				     "tcp)",
				     proto_text);
	if (jsonread_integer(item, at, "port", 1, 65535, true, NULL, &port,
			     cause) != 0 ||
	    json_string_member(item, at, "service", true, &service_text,
			       cause) != 0)
		return -1;
	if (service_parse(service_text, &service) != 0) {
		names = service_names_text();
		jsonread_fail(cause, jsonread_join(&where, at, "service"),
			      "unknown service '%s' (expected %s)",
			      service_text, names);
		free(names);
		return -1;
	}
	if (json_string_member(item, at, "sports", true, &sports_text, cause) !=
	    0)
		return -1;
	if (range_list_parse(sports_text, &sports, 1, &range_cause) != 0) {
		jsonread_fail(cause, jsonread_join(&where, at, "sports"), "%s",
			      range_cause);
		free(range_cause);
		return -1;
	}
	c = report_add_check(r, proto, (uint16_t)port, service, &sports);
	range_list_free(&sports);

	if (json_array_member(item, at, "ranges", "an array", true, &ranges,
			      cause) != 0)
		return -1;
	jsonread_join(&where, at, "ranges");
	if ((lifted != NULL && lifted->lifted
		     ? report_ranges_from_lifted(lifted, where.text, c, cause)
		     : report_ranges_from_json(ranges, where.text, c, cause)) !=
		    0 ||
	    report_counts_from_json(item, at, c, cause) != 0 ||
	    json_object_member(item, at, "nat", true, &nat, cause) != 0 ||
	    json_size_member(nat, jsonread_join(&where, at, "nat"),
			     "translated", range_list_size(&c->sports), true,
			     &c->nat_translated, cause) != 0 ||
	    report_check_measures_from_json(item, at, c, cause) != 0 ||
	    report_check_extras_from_json(item, at, r, c, cause) != 0)
		return -1;
	/* The recorded verdict wins, as it was when the run ended. */
	return json_verdict_member(item, at, &c->pass, cause);
}

static int
report_scenario_from_json(const cJSON *root, struct report *r, char **cause)
{
	const cJSON *scenario;

	if (json_object_member(root, "", "scenario", false, &scenario, cause) !=
	    0)
		return -1;
	if (scenario == NULL)
		return 0;
	if (json_string_copy(scenario, "scenario", "name", true,
			     &r->scenario_name, cause) != 0 ||
	    json_string_copy(scenario, "scenario", "description", false,
			     &r->scenario_description, cause) != 0)
		return -1;
	return 0;
}

/* The control connection's source port and those that failed. */
static int
report_control_from_json(const cJSON *control, const char *at,
			 struct report_target *t, char **cause)
{
	struct jsonread_at list_at, where;
	const cJSON *list, *o;
	size_t k = 0;
	long long port;

	if (jsonread_integer(control, at, "sport", 0, 65535, true, NULL, &port,
			     cause) != 0 ||
	    json_array_member(control, at, "failed", "an array of ports", true,
			      &list, cause) != 0)
		return -1;
	t->control_sport = (uint16_t)port;
	jsonread_join(&list_at, at, "failed");
	cJSON_ArrayForEach(o, list)
	{
		if (jsonread_integer_value(
			    o, jsonread_index(&where, list_at.text, k++), 1,
			    65535, &port, cause) != 0)
			return -1;
		t->control_failed =
			xreallocarray(t->control_failed, t->ncontrol_failed + 1,
				      sizeof *t->control_failed);
		t->control_failed[t->ncontrol_failed++] = (uint16_t)port;
	}
	return 0;
}

/* How a target's run went: error, notes, control, outages; all optional. */
static int
report_target_run_from_json(const cJSON *item, const char *at,
			    struct report_target *t, char **cause)
{
	struct jsonread_at where, list_at;
	const cJSON *control, *list, *o;
	double start, seconds;
	size_t k = 0;

	if (json_string_copy(item, at, "error", false, &t->error, cause) != 0 ||
	    json_notes_member(item, at, &t->notes, &t->nnotes, cause) != 0 ||
	    json_object_member(item, at, "control", false, &control, cause) !=
		    0)
		return -1;
	if (control != NULL &&
	    report_control_from_json(control,
				     jsonread_join(&where, at, "control"), t,
				     cause) != 0)
		return -1;
	if (json_array_member(item, at, "outages", "an array", false, &list,
			      cause) != 0)
		return -1;
	if (list == NULL)
		return 0;
	jsonread_join(&list_at, at, "outages");
	cJSON_ArrayForEach(o, list)
	{
		jsonread_index(&where, list_at.text, k++);
		if (jsonread_expect(o, where.text, cJSON_IsObject, "an object",
				    cause) != 0 ||
		    jsonread_number(o, where.text, "start_s", 0, 1e9, true,
				    NULL, &start, cause) != 0 ||
		    jsonread_number(o, where.text, "seconds", 0, 1e9, true,
				    NULL, &seconds, cause) != 0)
			return -1;
		report_target_add_outage(t, start, seconds);
	}
	return 0;
}

/* The targets, when the report lists them; the top-level fields stay. */
static int
report_targets_from_json(const cJSON *root, struct report *r, char **cause)
{
	struct jsonread_at at;
	const cJSON *list, *item;
	struct report_target *t;
	size_t k = 0;

	if (json_array_member(root, "", "targets", "an array", false, &list,
			      cause) != 0)
		return -1;
	if (list == NULL)
		return 0;
	cJSON_ArrayForEach(item, list)
	{
		jsonread_index(&at, "targets", k++);
		if (jsonread_expect(item, at.text, cJSON_IsObject, "an object",
				    cause) != 0)
			return -1;
		r->targets = xreallocarray(r->targets, r->ntargets + 1,
					   sizeof *r->targets);
		t = &r->targets[r->ntargets++];
		memset(t, 0, sizeof *t);
		if (json_string_copy(item, at.text, "name", true, &t->name,
				     cause) != 0 ||
		    json_string_copy(item, at.text, "address", true,
				     &t->address, cause) != 0 ||
		    json_bool_member(item, at.text, "agent", true, &t->agent,
				     cause) != 0 ||
		    json_string_copy(item, at.text, "bind", true, &t->bind,
				     cause) != 0 ||
		    json_string_copy(item, at.text, "probe_cidr", false,
				     &t->probe_cidr, cause) != 0 ||
		    json_string_copy(item, at.text, "agent_cidr", false,
				     &t->agent_cidr, cause) != 0 ||
		    json_string_copy(item, at.text, "probe_nacl", false,
				     &t->probe_nacl, cause) != 0 ||
		    json_string_copy(item, at.text, "agent_nacl", false,
				     &t->agent_nacl, cause) != 0 ||
		    report_target_run_from_json(item, at.text, t, cause) != 0)
			return -1;
	}
	return 0;
}

/* "tool", "error" and "partial": reports from before 0.2 lack them. */
static int
report_run_from_json(const cJSON *root, struct report *r, char **cause)
{
	const cJSON *tool;

	if (json_object_member(root, "", "tool", false, &tool, cause) != 0)
		return -1;
	if (tool != NULL && (json_string_copy(tool, "tool", "name", true,
					      &r->tool_name, cause) != 0 ||
			     json_string_copy(tool, "tool", "version", true,
					      &r->tool_version, cause) != 0))
		return -1;
	if (json_string_copy(root, "", "error", false, &r->error, cause) != 0 ||
	    json_bool_member(root, "", "partial", false, &r->partial, cause) !=
		    0)
		return -1;
	return 0;
}

static int
report_header_from_json(const cJSON *root, struct report *r, char **cause)
{
	const cJSON *probe, *target, *settings;

	if (json_string_copy(root, "", "started_at", true, &r->started_at,
			     cause) != 0 ||
	    json_string_copy(root, "", "finished_at", true, &r->finished_at,
			     cause) != 0 ||
	    json_object_member(root, "", "probe", true, &probe, cause) != 0 ||
	    json_string_copy(probe, "probe", "bind", true, &r->probe_bind,
			     cause) != 0 ||
	    json_object_member(root, "", "target", true, &target, cause) != 0 ||
	    json_string_copy(target, "target", "address", true,
			     &r->target_address, cause) != 0 ||
	    json_bool_member(target, "target", "agent", true, &r->target_agent,
			     cause) != 0 ||
	    json_bool_member(root, "", "predicted", false, &r->predicted,
			     cause) != 0 ||
	    report_run_from_json(root, r, cause) != 0 ||
	    report_scenario_from_json(root, r, cause) != 0 ||
	    report_targets_from_json(root, r, cause) != 0 ||
	    json_object_member(root, "", "settings", true, &settings, cause) !=
		    0 ||
	    json_unsigned_member(settings, "settings", "rate",
				 &r->settings.rate, cause) != 0 ||
	    json_unsigned_member(settings, "settings", "window",
				 &r->settings.window, cause) != 0 ||
	    json_unsigned_member(settings, "settings", "attempts",
				 &r->settings.attempts, cause) != 0 ||
	    json_unsigned_member(settings, "settings", "timeout_ms",
				 &r->settings.timeout_ms, cause) != 0)
		return -1;
	return 0;
}

/* The schema member names what this reader reads. */
static int
report_schema_from_json(const cJSON *root, char **cause)
{
	const cJSON *schema;

	if (!cJSON_IsObject(root))
		return jsonread_fail(cause, "",
				     "expected a JSON object (a nacl-probe "
				     "report), found %s",
				     jsonread_type(root));
	schema = cJSON_GetObjectItemCaseSensitive(root, "schema");
	if (schema == NULL)
		return jsonread_fail(cause, "schema",
				     "missing (expected '" REPORT_SCHEMA
				     "'): not a nacl-probe report");
	if (!cJSON_IsString(schema))
		return jsonread_fail(cause, "schema",
				     "expected the string '" REPORT_SCHEMA
				     "', found %s",
				     jsonread_type(schema));
	if (strcmp(schema->valuestring, REPORT_SCHEMA) != 0)
		return jsonread_fail(cause, "schema",
				     "unsupported schema '%s' (expected "
				     "'" REPORT_SCHEMA "')",
				     schema->valuestring);
	return 0;
}

/* The report of root; lifted (may be NULL) holds the ranges that json_ranges
 * took out of its text. */
static int
report_from_tree(const cJSON *root, const struct json_ranges *lifted,
		 struct report *r, char **cause)
{
	const cJSON *checks, *item, *summary;
	struct jsonread_at at;
	struct report parsed;
	size_t k = 0;
	long long probes;

	memset(&parsed, 0, sizeof parsed);
	if (report_schema_from_json(root, cause) != 0 ||
	    report_header_from_json(root, &parsed, cause) != 0 ||
	    json_array_member(root, "", "checks", "an array", true, &checks,
			      cause) != 0)
		goto fail;
	cJSON_ArrayForEach(item, checks)
	{
		jsonread_index(&at, "checks", k);
		if (report_check_from_json(item, at.text, &parsed,
					   lifted != NULL && k < lifted->nchecks
						   ? &lifted->checks[k]
						   : NULL,
					   cause) != 0)
			goto fail;
		k++;
	}
	report_finish(&parsed);
	if (json_object_member(root, "", "summary", true, &summary, cause) !=
		    0 ||
	    jsonread_integer(summary, "summary", "probes", 0, 1000000000000000,
			     true, NULL, &probes, cause) != 0)
		goto fail;
	if ((size_t)probes != parsed.probes) {
		jsonread_fail(cause, "summary.probes",
			      "%lld does not match the checks, which sweep "
			      "%zu source ports",
			      probes, parsed.probes);
		goto fail;
	}
	if (json_verdict_member(summary, "summary", &parsed.pass, cause) != 0)
		goto fail;
	*r = parsed;
	return 0;
fail:
	report_free(&parsed);
	return -1;
}

int
report_from_json(const cJSON *root, struct report *r, char **cause)
{
	return report_from_tree(root, NULL, r, cause);
}

/* Reports are read piece by piece; a worst-case sweep writes about 30 MB. */
#define REPORT_MAX_FILE ((size_t)1 << 30)

int
report_read_json(const char *path, struct report *r, char **cause)
{
	const char *name = file_display_name(path);
	struct json_ranges lifted;
	char *text, *inner = NULL;
	cJSON *root = NULL;
	size_t len;
	int rc = -1;

	text = json_ranges_read(path, REPORT_MAX_FILE, "a nacl-probe report",
				&lifted, &len, cause);
	if (text != NULL)
		root = jsonread_text(text, len, name, REPORT_WHAT, cause);
	free(text);
	if (root != NULL) {
		rc = report_from_tree(root, &lifted, r, &inner);
		cJSON_Delete(root);
		if (rc != 0)
			jsonread_fail_in(cause, name, inner);
	}
	json_ranges_free(&lifted);
	return rc;
}
