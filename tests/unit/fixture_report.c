/* Reports built in memory for the tests of modules that render, write,
 * compare or explain one (see fixture_report.h). */
#include <criterion/criterion.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/xmalloc.h"
#include "tests/unit/fixture_report.h"

void
fixture_report_init(struct report *r, const char *started_at,
		    const char *finished_at)
{
	memset(r, 0, sizeof *r);
	r->started_at = xstrdup(started_at);
	r->finished_at = xstrdup(finished_at);
	r->probe_bind = xstrdup("198.18.1.1");
	r->target_address = xstrdup("198.18.2.1");
	r->target_agent = true;
}

void
fixture_report_init_settings(struct report *r, const char *finished_at)
{
	fixture_report_init(r, "2026-11-20T10:00:00Z", finished_at);
	r->settings.rate = 2000;
	r->settings.window = 1024;
	r->settings.attempts = 3;
	r->settings.timeout_ms = 1000;
}

struct report_check *
fixture_add_check(struct report *r, enum proto proto, uint16_t port,
		  enum service service, const char *sports_text)
{
	struct range_list sports = {NULL, 0};
	struct report_check *c;
	char *cause = NULL;

	cr_assert_eq(range_list_parse(sports_text, &sports, 1, &cause), 0);
	c = report_add_check(r, proto, port, service, &sports);
	range_list_free(&sports);
	return c;
}

struct report_check *
fixture_add_check_band(struct report *r, enum proto proto, uint16_t port,
		       enum service service, const char *sports_text,
		       enum probe_status s, uint16_t from, uint16_t to,
		       enum probe_status t)
{
	struct report_check *c =
		fixture_add_check(r, proto, port, service, sports_text);
	size_t i, n = range_list_size(&c->sports);
	uint8_t *statuses = xmalloc(n);

	for (i = 0; i < n; i++) {
		uint16_t p = range_list_port_at(&c->sports, i);

		statuses[i] = (uint8_t)(p >= from && p <= to ? t : s);
	}
	report_check_set_statuses(c, statuses);
	free(statuses);
	return c;
}

struct report_check *
fixture_add_check_bad(struct report *r, enum proto proto, uint16_t port,
		      enum service service, const char *sports_text,
		      uint16_t from, uint16_t to, enum probe_status bad)
{
	return fixture_add_check_band(r, proto, port, service, sports_text,
				      STATUS_OK, from, to, bad);
}

struct report_check *
fixture_add_check_ok(struct report *r, enum proto proto, uint16_t port,
		     enum service service, const char *sports_text)
{
	return fixture_add_check_bad(r, proto, port, service, sports_text, 0, 0,
				     STATUS_OK);
}

void
fixture_set_measured(struct report_check *c, double loss, double rtt_p50_ms,
		     double rtt_p99_ms)
{
	c->has_loss = true;
	c->loss = loss;
	c->has_rtt = true;
	c->rtt_p50_ms = rtt_p50_ms;
	c->rtt_p99_ms = rtt_p99_ms;
}

struct report_check *
fixture_add_check_every_other(struct report *r, uint16_t from, uint16_t to,
			      enum probe_status bad)
{
	struct range_list sports = {NULL, 0};
	struct report_check *c;
	uint8_t *statuses;
	size_t i, n;

	range_list_add(&sports, from, to);
	c = report_add_check(r, PROTO_UDP, 7000, SERVICE_ECHO, &sports);
	range_list_free(&sports);
	n = range_list_size(&c->sports);
	statuses = xmalloc(n);
	for (i = 0; i < n; i++)
		statuses[i] = (uint8_t)(i % 2 ? bad : STATUS_OK);
	report_check_set_statuses(c, statuses);
	free(statuses);
	return c;
}

void
fixture_set_statuses(struct report_check *c, const char *spec)
{
	uint8_t *statuses = xcalloc(range_list_size(&c->sports), 1);
	char *copy = xstrdup(spec), *item, *save = NULL;

	for (item = strtok_r(copy, " ", &save); item != NULL;
	     item = strtok_r(NULL, " ", &save)) {
		unsigned from, to, p;
		char name[32];
		enum probe_status s;

		cr_assert_eq(sscanf(item, "%u-%u=%31s", &from, &to, name), 3,
			     "%s", item);
		cr_assert_eq(status_parse(name, &s), 0, "%s", name);
		for (p = from; p <= to; p++) {
			size_t at = range_list_index(&c->sports, (uint16_t)p);

			cr_assert_neq(at, SIZE_MAX, "%s: port %u is not swept",
				      item, p);
			statuses[at] = (uint8_t)s;
		}
	}
	report_check_set_statuses(c, statuses);
	free(statuses);
	free(copy);
}

void
fixture_assert_range(const struct report_check *c, size_t i, uint16_t from,
		     uint16_t to, enum probe_status status)
{
	cr_assert_lt(i, c->nranges);
	cr_assert_eq(c->ranges[i].from, from, "range %zu from %u", i,
		     c->ranges[i].from);
	cr_assert_eq(c->ranges[i].to, to, "range %zu to %u", i,
		     c->ranges[i].to);
	cr_assert_eq(c->ranges[i].status, status, "range %zu status %s", i,
		     status_name(c->ranges[i].status));
}

void
fixture_assert_ranges(const struct report_check *c, const char *spec)
{
	char *copy = xstrdup(spec), *item, *save = NULL;
	size_t i = 0;

	for (item = strtok_r(copy, " ", &save); item != NULL;
	     item = strtok_r(NULL, " ", &save), i++) {
		unsigned from, to;
		char name[32];
		enum probe_status s;

		cr_assert_eq(sscanf(item, "%u-%u=%31s", &from, &to, name), 3,
			     "%s", item);
		cr_assert_eq(status_parse(name, &s), 0, "%s", name);
		fixture_assert_range(c, i, (uint16_t)from, (uint16_t)to, s);
	}
	cr_assert_eq(c->nranges, i, "%zu ranges, not %zu", c->nranges, i);
	free(copy);
}

void
fixture_sample_report(struct report *r, const char *started_at,
		      uint16_t hole_from, uint16_t hole_to)
{
	fixture_report_init(r, started_at, started_at);
	fixture_add_check_band(r, PROTO_UDP, 7000, SERVICE_ECHO, "40000-40999",
			       STATUS_OK, hole_from, hole_to,
			       STATUS_REPLY_DROPPED);
	report_finish(r);
}

FILE *
fixture_text_open(struct fixture_text *t)
{
	t->buf = NULL;
	t->size = 0;
	t->out = open_memstream(&t->buf, &t->size);
	cr_assert_not_null(t->out);
	return t->out;
}

char *
fixture_text_take(struct fixture_text *t)
{
	fclose(t->out);
	return t->buf;
}

char *
fixture_render(void (*writer)(const struct report *, FILE *),
	       const struct report *r)
{
	struct fixture_text t;

	writer(r, fixture_text_open(&t));
	return fixture_text_take(&t);
}

char *
fixture_finish_render(void (*writer)(const struct report *, FILE *),
		      struct report *r)
{
	report_finish(r);
	return fixture_render(writer, r);
}

size_t
fixture_count(const char *text, const char *needle)
{
	size_t n = 0;

	for (text = strstr(text, needle); text != NULL;
	     text = strstr(text + 1, needle))
		n++;
	return n;
}
