/* Comparing two reports: per check, the source-port ranges whose status
 * changed. */
/* A regression is a port that was ok and is not any more; fixes never fail. */
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

static const struct report_check *
diff_find(const struct report *r, const char *target,
	  const struct report_check *c)
{
	size_t i;

	/* One target per report so far; the key already holds it. */
	if (strcmp(r->target_address ? r->target_address : "",
		   target ? target : "") != 0)
		return NULL;
	for (i = 0; i < r->nchecks; i++)
		if (r->checks[i].proto == c->proto &&
		    r->checks[i].port == c->port)
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
	char *out = xstrdup(""), *next;
	size_t i;

	for (i = 0; i < r->nchecks; i++) {
		next = xasprintf("%s%s%s/%u", out, i ? ", " : "",
				 proto_name(r->checks[i].proto),
				 r->checks[i].port);
		free(out);
		out = next;
	}
	if (r->nchecks == 0) {
		free(out);
		out = xstrdup("none");
	}
	return out;
}

static void
diff_add_range(struct diff_check *dc, uint16_t from, uint16_t to,
	       enum probe_status old_status, enum probe_status new_status)
{
	struct diff_range *last =
		dc->nranges ? &dc->ranges[dc->nranges - 1] : NULL;
	size_t n = (size_t)to - from + 1;

	if (old_status == STATUS_OK)
		dc->regressed += n;
	else if (new_status == STATUS_OK)
		dc->fixed += n;
	else
		dc->changed += n;
	if (last != NULL && last->to + 1u == from &&
	    last->old_status == old_status && last->new_status == new_status) {
		last->to = to;
		return;
	}
	dc->ranges =
		xreallocarray(dc->ranges, dc->nranges + 1, sizeof *dc->ranges);
	last = &dc->ranges[dc->nranges++];
	last->from = from;
	last->to = to;
	last->old_status = old_status;
	last->new_status = new_status;
}

/* Both range lists cover the same sports in order: walk them in step. */
static void
diff_compare_check(struct diff_check *dc)
{
	const struct report_check *a = dc->old, *b = dc->new;
	size_t i = 0, j = 0;

	while (i < a->nranges && j < b->nranges) {
		uint16_t from = a->ranges[i].from > b->ranges[j].from
					? a->ranges[i].from
					: b->ranges[j].from;
		uint16_t to = a->ranges[i].to < b->ranges[j].to
				      ? a->ranges[i].to
				      : b->ranges[j].to;

		if (a->ranges[i].status != b->ranges[j].status)
			diff_add_range(dc, from, to, a->ranges[i].status,
				       b->ranges[j].status);
		if (a->ranges[i].to == to)
			i++;
		if (b->ranges[j].to == to)
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

		match = diff_find(old, new->target_address, c);
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
					   new->target_address, a, b);
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
		if (diff_find(new, old->target_address, &old->checks[i]) !=
		    NULL)
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
	return d->regressed > 0;
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
	const char *kind = dr->old_status == STATUS_OK	 ? "newly not ok"
			   : dr->new_status == STATUS_OK ? "fixed"
							 : "still not ok";
	char *impact;

	if (dr->from == dr->to)
		fprintf(out, "  %u", dr->from);
	else
		fprintf(out, "  %u-%u", dr->from, dr->to);
	fprintf(out, "  %s -> %s (%zu %s): %s\n", status_name(dr->old_status),
		status_name(dr->new_status), n, diff_plural(n, "port", "ports"),
		kind);
	/* Who is hurt now; a fix or a local error says nothing of clients. */
	if (dr->new_status == STATUS_OK || dr->new_status == STATUS_LOCAL_ERROR)
		return;
	impact = report_impact_describe(dr->from, dr->to);
	fprintf(out, "    %s\n", impact);
	free(impact);
}

void
report_diff_write(const struct report_diff *d, const char *old_name,
		  const char *new_name, FILE *out)
{
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
		fputc('\n', out);
	}
	for (i = 0; i < d->nonly_new; i++) {
		fputs("newly probed: ", out);
		diff_write_check_name(out, NULL, d->only_new[i]);
		fprintf(out, " (%s)\n", diff_verdict(d->only_new[i]->pass));
	}
	fprintf(out,
		"Summary: %zu %s compared: %zu %s newly not ok, %zu fixed, "
		"%zu changed status: %s\n",
		d->nchecks, diff_plural(d->nchecks, "check", "checks"),
		d->regressed, diff_plural(d->regressed, "port", "ports"),
		d->fixed, d->changed,
		report_diff_regressed(d) ? "REGRESSION" : "no regression");
}
