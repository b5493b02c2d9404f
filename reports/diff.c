/* Comparing two reports: per check, the source-port ranges whose status
 * changed. */
/* A regression is a port that met its expectation (by default: ok) and does
 * not any more; fixes never fail. */
#include "reports/diff.h"

#include <stdlib.h>
#include <string.h>

#include "common/xmalloc.h"

/* Changed ranges printed per check; the summary counts them all. */
#define DIFF_MAX_RANGES 50

static const char *
diff_plural(size_t n, const char *one, const char *many)
{
	return n == 1 ? one : many;
}

static const char *
diff_verdict(bool pass)
{
	return pass ? "pass" : "FAIL";
}

static const char *
diff_target_address(const struct report *r, const struct report_check *c)
{
	struct report_target scratch;
	const char *address = report_check_target(r, c, &scratch)->address;

	return address ? address : "";
}

/* The check of r that matches c of other: same target address, protocol
 * and port. */
static const struct report_check *
diff_find(const struct report *r, const struct report *other,
	  const struct report_check *c)
{
	const char *target = diff_target_address(other, c);
	size_t i;

	for (i = 0; i < r->nchecks; i++)
		if (r->checks[i].proto == c->proto &&
		    r->checks[i].port == c->port &&
		    strcmp(diff_target_address(r, &r->checks[i]), target) == 0)
			return &r->checks[i];
	return NULL;
}

static bool
diff_same_sports(const struct range_list *a, const struct range_list *b)
{
	size_t i;

	if (a->count != b->count)
		return false;
	for (i = 0; i < a->count; i++)
		if (a->ranges[i].from != b->ranges[i].from ||
		    a->ranges[i].to != b->ranges[i].to)
			return false;
	return true;
}

/* "udp/7000, tcp/7000" */
static char *
diff_list_checks(const struct report *r)
{
	char *out = xstrdup("");
	size_t i;

	for (i = 0; i < r->nchecks; i++)
		xappendf(&out, "%s%s/%u", i ? ", " : "",
			 proto_name(r->checks[i].proto), r->checks[i].port);
	if (r->nchecks == 0) {
		free(out);
		out = xstrdup("none");
	}
	return out;
}

static void
diff_add_range(struct diff_check *dc, uint16_t from, uint16_t to,
	       enum probe_status old_status, enum probe_status new_status,
	       enum expectation old_expect, enum expectation new_expect)
{
	struct diff_range *last =
		dc->nranges ? &dc->ranges[dc->nranges - 1] : NULL;
	size_t n = (size_t)to - from + 1;
	bool met_before = report_status_meets(old_status, old_expect);
	bool met_now = report_status_meets(new_status, new_expect);

	/* A port one run never measured neither regressed nor was fixed. */
	if (old_status == STATUS_UNFINISHED || new_status == STATUS_UNFINISHED)
		dc->changed += n;
	else if (met_before && !met_now)
		dc->regressed += n;
	else if (!met_before && met_now)
		dc->fixed += n;
	else
		dc->changed += n;
	if (last != NULL && last->to + 1u == from &&
	    last->old_status == old_status && last->new_status == new_status &&
	    last->old_expect == old_expect && last->new_expect == new_expect) {
		last->to = to;
		return;
	}
	dc->ranges =
		xreallocarray(dc->ranges, dc->nranges + 1, sizeof *dc->ranges);
	dc->ranges[dc->nranges++] = (struct diff_range){
		from, to, old_status, new_status, old_expect, new_expect};
}

/* Ports from-to changed status: judged piece by piece, where either
 * report's expectation changes. */
static void
diff_add_change(struct diff_check *dc, uint16_t from, uint16_t to,
		enum probe_status old_status, enum probe_status new_status)
{
	uint32_t port = from;

	while (port <= to) {
		uint16_t old_last, new_last, last;
		enum expectation old_expect = report_check_expect_at(
			dc->old, (uint16_t)port, &old_last);
		enum expectation new_expect = report_check_expect_at(
			dc->new, (uint16_t)port, &new_last);

		last = old_last < new_last ? old_last : new_last;
		if (last > to)
			last = to;
		diff_add_range(dc, (uint16_t)port, last, old_status, new_status,
			       old_expect, new_expect);
		port = (uint32_t)last + 1;
	}
}

/* Both range lists cover the same sports in order: walk them in step. */
static void
diff_compare_check(struct diff_check *dc)
{
	const struct report_check *a = dc->old, *b = dc->new;
	size_t i = 0, j = 0;

	while (i < a->nranges && j < b->nranges) {
		struct port_range both;

		/* In step, the two always overlap. */
		port_range_overlap(a->ranges[i].from, a->ranges[i].to,
				   b->ranges[j].from, b->ranges[j].to, &both);
		if (a->ranges[i].status != b->ranges[j].status)
			diff_add_change(dc, both.from, both.to,
					a->ranges[i].status,
					b->ranges[j].status);
		if (a->ranges[i].to == both.to)
			i++;
		if (b->ranges[j].to == both.to)
			j++;
	}
}

int
report_diff_compute(const struct report *old, const struct report *new,
		    struct report_diff *d, char **cause)
{
	const struct report_check *match;
	char *a, *b;
	size_t i;

	memset(d, 0, sizeof *d);
	d->old = old;
	d->new = new;
	for (i = 0; i < new->nchecks; i++) {
		const struct report_check *c = &new->checks[i];

		match = diff_find(old, new, c);
		if (match == NULL) {
			d->only_new =
				xreallocarray(d->only_new, d->nonly_new + 1,
					      sizeof *d->only_new);
			d->only_new[d->nonly_new++] = c;
			continue;
		}
		if (!diff_same_sports(&match->sports, &c->sports)) {
			a = range_list_format(&match->sports);
			b = range_list_format(&c->sports);
			*cause = xasprintf("%s/%u to %s swept other source "
					   "ports: %s in the old report, %s in "
					   "the new one; compare reports of "
					   "the same sweep",
					   proto_name(c->proto), c->port,
					   diff_target_address(new, c), a, b);
			free(a);
			free(b);
			report_diff_free(d);
			return -1;
		}
		d->checks = xreallocarray(d->checks, d->nchecks + 1,
					  sizeof *d->checks);
		memset(&d->checks[d->nchecks], 0, sizeof *d->checks);
		d->checks[d->nchecks].old = match;
		d->checks[d->nchecks].new = c;
		diff_compare_check(&d->checks[d->nchecks]);
		d->regressed += d->checks[d->nchecks].regressed;
		d->fixed += d->checks[d->nchecks].fixed;
		d->changed += d->checks[d->nchecks].changed;
		d->nchecks++;
	}
	for (i = 0; i < old->nchecks; i++) {
		if (diff_find(new, old, &old->checks[i]) != NULL)
			continue;
		d->only_old = xreallocarray(d->only_old, d->nonly_old + 1,
					    sizeof *d->only_old);
		d->only_old[d->nonly_old++] = &old->checks[i];
	}
	if (d->nchecks > 0)
		return 0;
	if (strcmp(old->target_address ? old->target_address : "",
		   new->target_address ? new->target_address : "") != 0)
		*cause = xasprintf("no check in common: the old report "
				   "probed %s, the new one %s",
				   old->target_address, new->target_address);
	else {
		a = diff_list_checks(old);
		b = diff_list_checks(new);
		*cause = xasprintf("no check in common: the old report holds "
				   "%s, the new one %s",
				   a, b);
		free(a);
		free(b);
	}
	report_diff_free(d);
	return -1;
}

void
report_diff_free(struct report_diff *d)
{
	size_t i;

	if (d == NULL)
		return;
	for (i = 0; i < d->nchecks; i++)
		free(d->checks[i].ranges);
	free(d->checks);
	free(d->only_old);
	free(d->only_new);
	memset(d, 0, sizeof *d);
}

bool
report_diff_regressed(const struct report_diff *d)
{
	return d->regressed > 0 || d->nonly_old > 0;
}

static void
diff_write_header(FILE *out, const char *mark, const char *name,
		  const struct report *r)
{
	fprintf(out, "%s %s  %s  %s -> %s  %s\n", mark, name,
		r->started_at ? r->started_at : "?",
		r->probe_bind && *r->probe_bind ? r->probe_bind : "any",
		r->target_address ? r->target_address : "?",
		diff_verdict(r->pass));
}

/* "udp/53 dns  sports 32768-60999" (with "echo -> dns" when it changed). */
static void
diff_write_check_name(FILE *out, const struct report_check *old,
		      const struct report_check *c)
{
	char *sports = range_list_format(&c->sports);

	fprintf(out, "%s/%u ", proto_name(c->proto), c->port);
	if (old != NULL && old->service != c->service)
		fprintf(out, "%s -> ", service_name(old->service));
	fprintf(out, "%s  sports %s", service_name(c->service), sports);
	free(sports);
}

static void
diff_write_range(FILE *out, const struct diff_range *dr)
{
	size_t n = (size_t)dr->to - dr->from + 1;
	bool met_before = report_status_meets(dr->old_status, dr->old_expect);
	bool met_now = report_status_meets(dr->new_status, dr->new_expect);
	const char *kind;
	char *impact;

	if (dr->old_status == STATUS_UNFINISHED ||
	    dr->new_status == STATUS_UNFINISHED)
		kind = "not measured in one run";
	else if (dr->old_expect == EXPECT_OPEN && dr->new_expect == EXPECT_OPEN)
		kind = dr->old_status == STATUS_OK   ? "newly not ok"
		       : dr->new_status == STATUS_OK ? "fixed"
						     : "still not ok";
	else
		kind = met_before && !met_now	? "no longer as expected"
		       : !met_before && met_now ? "now as expected"
		       : met_now		? "still as expected"
						: "still not as expected";

	if (dr->from == dr->to)
		fprintf(out, "  %u", dr->from);
	else
		fprintf(out, "  %u-%u", dr->from, dr->to);
	fprintf(out, "  %s -> %s (%zu %s): %s", status_name(dr->old_status),
		status_name(dr->new_status), n, diff_plural(n, "port", "ports"),
		kind);
	if (dr->new_expect != EXPECT_OPEN || dr->old_expect != EXPECT_OPEN)
		fprintf(out, " (expected %s)",
			expectation_name(dr->new_expect));
	fputc('\n', out);
	/* Who is hurt now; a fix or a local error says nothing of clients. */
	if (dr->new_status == STATUS_OK || status_is_unmeasured(dr->new_status))
		return;
	impact = report_impact_describe(dr->from, dr->to);
	fprintf(out, "    %s\n", impact);
	free(impact);
}

void
report_diff_write(const struct report_diff *d, const char *old_name,
		  const char *new_name, FILE *out)
{
	bool expectations = false;
	size_t i, k;

	diff_write_header(out, "---", old_name, d->old);
	diff_write_header(out, "+++", new_name, d->new);
	for (i = 0; i < d->nchecks; i++) {
		const struct diff_check *dc = &d->checks[i];

		diff_write_check_name(out, dc->old, dc->new);
		if (dc->nranges == 0) {
			fprintf(out, ": unchanged (%s)\n",
				diff_verdict(dc->new->pass));
			continue;
		}
		fprintf(out, ": %s -> %s, %zu %s changed\n",
			diff_verdict(dc->old->pass),
			diff_verdict(dc->new->pass), dc->nranges,
			diff_plural(dc->nranges, "range", "ranges"));
		for (k = 0; k < dc->nranges && k < DIFF_MAX_RANGES; k++)
			diff_write_range(out, &dc->ranges[k]);
		if (dc->nranges > DIFF_MAX_RANGES)
			fprintf(out, "  ... and %zu more changed %s\n",
				dc->nranges - DIFF_MAX_RANGES,
				diff_plural(dc->nranges - DIFF_MAX_RANGES,
					    "range", "ranges"));
	}
	for (i = 0; i < d->nonly_old; i++) {
		fputs("no longer probed: ", out);
		diff_write_check_name(out, NULL, d->only_old[i]);
		fputs(" (vanished: it may no longer be checked)\n", out);
	}
	for (i = 0; i < d->nonly_new; i++) {
		fputs("newly probed: ", out);
		diff_write_check_name(out, NULL, d->only_new[i]);
		fprintf(out, " (%s)\n", diff_verdict(d->only_new[i]->pass));
	}
	for (i = 0; i < d->nchecks; i++)
		if (report_check_has_expectations(d->checks[i].old) ||
		    report_check_has_expectations(d->checks[i].new))
			expectations = true;
	fprintf(out,
		"Summary: %zu %s compared: %zu %s %s, %zu %s, %zu changed "
		"status",
		d->nchecks, diff_plural(d->nchecks, "check", "checks"),
		d->regressed, diff_plural(d->regressed, "port", "ports"),
		expectations ? "no longer as expected" : "newly not ok",
		d->fixed, expectations ? "now as expected" : "fixed",
		d->changed);
	if (d->nonly_old > 0)
		fprintf(out, ", %zu %s vanished", d->nonly_old,
			diff_plural(d->nonly_old, "check", "checks"));
	fprintf(out, ": %s\n",
		report_diff_regressed(d) ? "REGRESSION" : "no regression");
}
