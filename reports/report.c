/* The in-memory report: per-port statuses merged into ranges, verdicts. */
/* Every verdict is decided by report_status_meets: a port meets its
 * expectation or it is a mismatch. */
#include "reports/report.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "common/xmalloc.h"

static void
report_notes_free(char **notes, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(notes[i]);
	free(notes);
}

void
report_free(struct report *r)
{
	size_t i;

	if (r == NULL)
		return;
	for (i = 0; i < r->nchecks; i++) {
		range_list_free(&r->checks[i].sports);
		free(r->checks[i].ranges);
		free(r->checks[i].expectations);
		free(r->checks[i].mismatches);
		free(r->checks[i].evidence);
		report_notes_free(r->checks[i].notes, r->checks[i].nnotes);
	}
	for (i = 0; i < r->ntargets; i++) {
		free(r->targets[i].name);
		free(r->targets[i].address);
		free(r->targets[i].bind);
		free(r->targets[i].probe_cidr);
		free(r->targets[i].agent_cidr);
		free(r->targets[i].probe_nacl);
		free(r->targets[i].agent_nacl);
		free(r->targets[i].error);
		report_notes_free(r->targets[i].notes, r->targets[i].nnotes);
		free(r->targets[i].control_failed);
		free(r->targets[i].outages);
	}
	free(r->targets);
	free(r->checks);
	free(r->started_at);
	free(r->finished_at);
	free(r->scenario_name);
	free(r->scenario_description);
	free(r->probe_bind);
	free(r->target_address);
	free(r->tool_name);
	free(r->tool_version);
	free(r->error);
	memset(r, 0, sizeof *r);
}

struct report_check *
report_add_check(struct report *r, enum proto proto, uint16_t port,
		 enum service service, const struct range_list *sports)
{
	struct report_check *c;
	struct range_list copy;

	/* Copied first: sports may be another check's, which the realloc
	 * moves. */
	range_list_copy(&copy, sports);
	r->checks = xreallocarray(r->checks, r->nchecks + 1, sizeof *r->checks);
	c = &r->checks[r->nchecks++];
	memset(c, 0, sizeof *c);
	c->proto = proto;
	c->port = port;
	c->service = service;
	c->sports = copy;
	return c;
}

size_t
report_add_target(struct report *r, const char *name, const char *address,
		  bool agent, const char *bind)
{
	struct report_target *t;

	r->targets =
		xreallocarray(r->targets, r->ntargets + 1, sizeof *r->targets);
	t = &r->targets[r->ntargets];
	memset(t, 0, sizeof *t);
	t->name = xstrdup(name ? name : "");
	t->address = xstrdup(address ? address : "");
	t->agent = agent;
	t->bind = xstrdup(bind ? bind : "");
	if (r->ntargets == 0) {
		free(r->target_address);
		free(r->probe_bind);
		r->target_address = xstrdup(t->address);
		r->probe_bind = xstrdup(t->bind);
		r->target_agent = agent;
	}
	return r->ntargets++;
}

void
report_set_target_bind(struct report *r, size_t index, const char *bind)
{
	if (index >= r->ntargets)
		return;
	free(r->targets[index].bind);
	r->targets[index].bind = xstrdup(bind ? bind : "");
	if (index == 0) {
		free(r->probe_bind);
		r->probe_bind = xstrdup(r->targets[0].bind);
	}
}

const struct report_target *
report_check_target(const struct report *r, const struct report_check *c,
		    struct report_target *scratch)
{
	if (c != NULL && c->target < r->ntargets)
		return &r->targets[c->target];
	if (c == NULL && r->ntargets > 0)
		return &r->targets[0];
	memset(scratch, 0, sizeof *scratch);
	/* Borrowed: the report's own strings. */
	scratch->name = (char *)"";
	scratch->address = r->target_address ? r->target_address : (char *)"";
	scratch->agent = r->target_agent;
	scratch->bind = r->probe_bind ? r->probe_bind : (char *)"";
	return scratch;
}

bool
report_status_meets(enum probe_status status, enum expectation expected)
{
	switch (expected) {
	case EXPECT_OPEN:
		return status == STATUS_OK;
	case EXPECT_BLOCKED:
		return status != STATUS_OK && !status_is_unmeasured(status);
	case EXPECT_DROPPED:
		return status_is_drop(status) != 0;
	case EXPECT_REJECTED:
		return status == STATUS_REJECTED;
	case EXPECT_COUNT:
		break;
	}
	return false;
}

enum expectation
report_check_expect_at(const struct report_check *c, uint16_t port,
		       uint16_t *last)
{
	size_t i;

	for (i = 0; i < c->nexpectations; i++) {
		const struct expect_range *e = &c->expectations[i];

		if (port < e->from) {
			/* The default holds up to the next override. */
			if (last != NULL)
				*last = (uint16_t)(e->from - 1);
			return c->expect;
		}
		if (port <= e->to) {
			if (last != NULL)
				*last = e->to;
			return e->expect;
		}
	}
	if (last != NULL)
		*last = 65535;
	return c->expect;
}

bool
report_check_has_expectations(const struct report_check *c)
{
	size_t i;

	if (c->expect != EXPECT_OPEN)
		return true;
	for (i = 0; i < c->nexpectations; i++)
		if (c->expectations[i].expect != EXPECT_OPEN)
			return true;
	return false;
}

/* Appends to list (room made by the caller), merging with the last. */
static void
report_segment_add(struct mismatch_range *list, size_t *n, uint16_t from,
		   uint16_t to, enum probe_status status,
		   enum expectation expected)
{
	struct mismatch_range *last = *n ? &list[*n - 1] : NULL;

	if (last != NULL && last->to + 1u == from && last->status == status &&
	    last->expected == expected) {
		last->to = to;
		return;
	}
	last = &list[(*n)++];
	last->from = from;
	last->to = to;
	last->status = status;
	last->expected = expected;
}

size_t
report_check_segments(const struct report_check *c,
		      struct mismatch_range **segments)
{
	/* Each expectation range splits at most two status ranges. */
	size_t i, n = 0, room = c->nranges + 2 * c->nexpectations + 1;
	struct mismatch_range *list = xreallocarray(NULL, room, sizeof *list);

	/* Each status range split where the expectation changes. */
	for (i = 0; i < c->nranges; i++) {
		const struct status_range *sr = &c->ranges[i];
		uint32_t port = sr->from;

		while (port <= sr->to) {
			uint16_t last;
			enum expectation e = report_check_expect_at(
				c, (uint16_t)port, &last);

			if (last > sr->to)
				last = sr->to;
			report_segment_add(list, &n, (uint16_t)port, last,
					   sr->status, e);
			port = (uint32_t)last + 1;
		}
	}
	*segments = list;
	return n;
}

static void
report_check_evaluate(struct report_check *c)
{
	struct mismatch_range *segments;
	size_t i, n = report_check_segments(c, &segments);

	free(c->mismatches);
	c->mismatches = xreallocarray(NULL, n + 1, sizeof *c->mismatches);
	c->nmismatches = 0;
	for (i = 0; i < n; i++)
		if (!report_status_meets(segments[i].status,
					 segments[i].expected))
			report_segment_add(c->mismatches, &c->nmismatches,
					   segments[i].from, segments[i].to,
					   segments[i].status,
					   segments[i].expected);
	free(segments);
	c->pass = report_check_passes(c);
}

bool
report_check_passes(const struct report_check *c)
{
	/* A check not measured yet has no ranges: it does not pass. */
	return c->nmismatches == 0 && (c->nranges > 0 || c->sports.count == 0);
}

void
report_check_set_expectations(struct report_check *c, enum expectation expect,
			      const struct expect_range *ranges, size_t nranges)
{
	free(c->expectations);
	c->expectations = NULL;
	c->nexpectations = nranges;
	c->expect = expect;
	if (nranges > 0) {
		c->expectations =
			xreallocarray(NULL, nranges, sizeof *c->expectations);
		memcpy(c->expectations, ranges,
		       nranges * sizeof *c->expectations);
	}
	report_check_evaluate(c);
}

void
report_check_set_statuses(struct report_check *c, const uint8_t *statuses)
{
	size_t i, index = 0, nranges = 0;
	uint32_t port;

	free(c->ranges);
	c->ranges = NULL;
	c->nranges = 0;
	memset(c->counts, 0, sizeof c->counts);
	/* Room for the worst case (every port differs), shrunk afterwards. */
	c->ranges = xreallocarray(NULL, range_list_size(&c->sports),
				  sizeof *c->ranges);
	/* Walk each sports range on its own: a status range never spans a gap.
	 */
	for (i = 0; i < c->sports.count; i++) {
		const struct port_range *sr = &c->sports.ranges[i];
		struct status_range *last = NULL;

		for (port = sr->from; port <= sr->to; port++, index++) {
			enum probe_status s = statuses[index] < STATUS_COUNT
						      ? statuses[index]
						      : STATUS_LOCAL_ERROR;

			c->counts[s]++;
			if (last != NULL && last->status == s) {
				last->to = (uint16_t)port;
				continue;
			}
			last = &c->ranges[nranges++];
			last->from = (uint16_t)port;
			last->to = (uint16_t)port;
			last->status = s;
		}
	}
	c->ranges = xreallocarray(c->ranges, nranges, sizeof *c->ranges);
	c->nranges = nranges;
	report_check_evaluate(c);
}

static void
report_notes_add(char ***notes, size_t *n, const char *note)
{
	*notes = xreallocarray(*notes, *n + 1, sizeof **notes);
	(*notes)[(*n)++] = xstrdup(note);
}

void
report_check_add_note(struct report_check *c, const char *note)
{
	report_notes_add(&c->notes, &c->nnotes, note);
}

void
report_target_add_note(struct report_target *t, const char *note)
{
	report_notes_add(&t->notes, &t->nnotes, note);
}

double
report_round(double v, int decimals)
{
	double scale = pow(10, decimals);

	return round(v * scale) / scale;
}

void
report_check_set_measures(struct report_check *c, bool has_loss, double loss,
			  bool has_rtt, double p50_ms, double p99_ms)
{
	c->has_loss = has_loss;
	c->loss = has_loss ? report_round(loss, REPORT_LOSS_DECIMALS) : 0;
	c->has_rtt = has_rtt;
	c->rtt_p50_ms =
		has_rtt ? report_round(p50_ms, REPORT_TIME_DECIMALS) : 0;
	c->rtt_p99_ms =
		has_rtt ? report_round(p99_ms, REPORT_TIME_DECIMALS) : 0;
}

void
report_target_add_outage(struct report_target *t, double start_s,
			 double seconds)
{
	t->outages =
		xreallocarray(t->outages, t->noutages + 1, sizeof *t->outages);
	t->outages[t->noutages].start_s =
		report_round(start_s, REPORT_TIME_DECIMALS);
	t->outages[t->noutages++].seconds =
		report_round(seconds, REPORT_TIME_DECIMALS);
}

static void
report_replace_string(char **field, const char *value)
{
	free(*field);
	*field = value != NULL ? xstrdup(value) : NULL;
}

void
report_set_target_error(struct report *r, size_t index, const char *error)
{
	if (index < r->ntargets)
		report_replace_string(&r->targets[index].error, error);
}

void
report_set_error(struct report *r, const char *error)
{
	report_replace_string(&r->error, error);
}

void
report_set_tool(struct report *r, const char *name, const char *version)
{
	report_replace_string(&r->tool_name, name);
	report_replace_string(&r->tool_version, version);
}

void
report_mark_unfinished(struct report *r)
{
	uint8_t *statuses;
	size_t i, n;

	for (i = 0; i < r->nchecks; i++) {
		struct report_check *c = &r->checks[i];

		if (c->nranges > 0)
			continue;
		n = range_list_size(&c->sports);
		statuses = xmalloc(n + 1);
		memset(statuses, STATUS_UNFINISHED, n);
		report_check_set_statuses(c, statuses);
		free(statuses);
	}
}

void
report_finish(struct report *r)
{
	size_t i;

	r->probes = 0;
	r->pass = r->error == NULL;
	for (i = 0; i < r->nchecks; i++) {
		r->probes += range_list_size(&r->checks[i].sports);
		if (!r->checks[i].pass)
			r->pass = false;
		if (r->checks[i].counts[STATUS_UNFINISHED] > 0)
			r->partial = true;
	}
}

int
report_exit_code(const struct report *r)
{
	return r->pass ? 0 : 1;
}
