/* Reports built in memory for the tests of modules that render, write,
 * compare or explain one: addresses, checks and statuses set by hand. */
/* Every function asserts with Criterion, so call them from tests only. */
#ifndef NACL_TEST_FIXTURE_REPORT_H
#define NACL_TEST_FIXTURE_REPORT_H

#include <stdint.h>
#include <stdio.h>

#include "reports/report.h"

/*
 * Zeroes r and gives it the addresses every reporter test uses: probe bound
 * to 198.18.1.1, the agent at 198.18.2.1.
 */
void fixture_report_init(struct report *r, const char *started_at,
			 const char *finished_at);

/*
 * fixture_report_init started at 2026-11-20T10:00:00Z, with the sweep
 * settings the rendered outputs show: 2000/s, window 1024, 3 attempts,
 * 1000 ms.
 */
void fixture_report_init_settings(struct report *r, const char *finished_at);

/* Adds a check over sports_text (as --sports reads it), no statuses yet. */
struct report_check *fixture_add_check(struct report *r, enum proto proto,
				       uint16_t port, enum service service,
				       const char *sports_text);

/* Adds a check whose ports are ok, except [from, to] which get bad. */
struct report_check *fixture_add_check_bad(struct report *r, enum proto proto,
					   uint16_t port, enum service service,
					   const char *sports_text,
					   uint16_t from, uint16_t to,
					   enum probe_status bad);

/* Adds a check whose ports are all ok. */
struct report_check *fixture_add_check_ok(struct report *r, enum proto proto,
					  uint16_t port, enum service service,
					  const char *sports_text);

/* Gives c a measured loss ratio and round-trip times. */
void fixture_set_measured(struct report_check *c, double loss,
			  double rtt_p50_ms, double rtt_p99_ms);

/* Adds a check whose ports get status s, except [from, to] which get t. */
struct report_check *fixture_add_check_band(struct report *r, enum proto proto,
					    uint16_t port, enum service service,
					    const char *sports_text,
					    enum probe_status s, uint16_t from,
					    uint16_t to, enum probe_status t);

/*
 * Adds udp/7000 echo over [from, to] whose ports are ok and bad by turns,
 * from the first one ok: a fragmented check of (to - from + 1) / 2 ranges
 * not ok.
 */
struct report_check *fixture_add_check_every_other(struct report *r,
						   uint16_t from, uint16_t to,
						   enum probe_status bad);

/*
 * Sets c's statuses: ok, except each "FROM-TO=STATUS" item of spec (items
 * separated by spaces; every port named must be swept).
 */
void fixture_set_statuses(struct report_check *c, const char *spec);

/* Asserts that c's range i is [from, to] with status. */
void fixture_assert_range(const struct report_check *c, size_t i, uint16_t from,
			  uint16_t to, enum probe_status status);

/* Asserts that c's ranges are exactly the "FROM-TO=STATUS" items of spec
 * (separated by spaces), in order. */
void fixture_assert_ranges(const struct report_check *c, const char *spec);

/* One check of 1000 ports, 40000-40999, udp/7000 echo, reply_dropped in
 * [hole_from, hole_to]; finished. */
void fixture_sample_report(struct report *r, const char *started_at,
			   uint16_t hole_from, uint16_t hole_to);

/* A stream into memory: open it, write, then take its text (free it). */
struct fixture_text {
	char *buf;
	size_t size;
	FILE *out;
};

FILE *fixture_text_open(struct fixture_text *t);
char *fixture_text_take(struct fixture_text *t);

/* What write prints for r, as a string to free. */
char *fixture_render(void (*writer)(const struct report *, FILE *),
		     const struct report *r);

/* How many times needle occurs in text, overlaps included. */
size_t fixture_count(const char *text, const char *needle);

/* report_finish(r), then fixture_render(writer, r). */
char *fixture_finish_render(void (*writer)(const struct report *, FILE *),
			    struct report *r);

#endif
