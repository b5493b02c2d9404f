/* Unit tests for reports/progress.c: the \r progress line, byte for byte. */
/* Output goes to an open_memstream buffer; time is only the events' elapsed. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "reports/events.h"

TestSuite(progress);

struct screen {
	char *buf;
	size_t size;
	FILE *out;
	struct event_bus bus;
};

static void
screen_open(struct screen *s)
{
	memset(s, 0, sizeof *s);
	s->out = open_memstream(&s->buf, &s->size);
	cr_assert_not_null(s->out);
	progress_subscribe(&s->bus, s->out);
}

static void
screen_close(struct screen *s)
{
	event_bus_free(&s->bus);
	fclose(s->out);
	free(s->buf);
}

static void
publish(struct screen *s, enum sweep_event_type type, double elapsed,
	size_t planned, size_t sent, size_t answered, size_t finished)
{
	struct sweep_event ev;

	memset(&ev, 0, sizeof ev);
	ev.type = type;
	ev.elapsed = elapsed;
	ev.planned = planned;
	ev.sent = sent;
	ev.answered = answered;
	ev.finished = finished;
	event_bus_publish(&s->bus, &ev);
	fflush(s->out);
}

Test(progress, line_is_drawn_at_most_every_100ms_from_totals)
{
	struct screen s;

	screen_open(&s);
	publish(&s, SWEEP_EVENT_START, 0, 1000, 0, 0, 0);
	publish(&s, SWEEP_EVENT_SENT, 0.05, 1000, 100, 0, 0);
	cr_assert_str_eq(s.buf, "");
	publish(&s, SWEEP_EVENT_RESULT, 0.15, 1000, 300, 100, 100);
	cr_assert_str_eq(s.buf, "\rsent 300  answered 100/1000  2000/s  ETA "
				"1s");
	publish(&s, SWEEP_EVENT_RESULT, 0.2, 1000, 400, 150, 150);
	cr_assert_str_eq(s.buf, "\rsent 300  answered 100/1000  2000/s  ETA "
				"1s");
	screen_close(&s);
}

Test(progress, shorter_line_overwrites_the_longer_one)
{
	struct screen s;

	screen_open(&s);
	publish(&s, SWEEP_EVENT_RESULT, 0.5, 1000, 1000, 100, 100);
	publish(&s, SWEEP_EVENT_RESULT, 1.0, 1000, 5, 5, 500);
	cr_assert_str_eq(s.buf, "\rsent 1000  answered 100/1000  2000/s  ETA "
				"5s"
				"\rsent 5  answered 5/1000  5/s  ETA 1s"
				"        "); /* 44 - 36 columns */
	screen_close(&s);
}

Test(progress, done_clears_the_line)
{
	struct screen s;

	screen_open(&s);
	publish(&s, SWEEP_EVENT_RESULT, 0.5, 10, 10, 5, 5);
	publish(&s, SWEEP_EVENT_DONE, 0.6, 10, 20, 10, 10);
	cr_assert_str_eq(s.buf, "\rsent 10  answered 5/10  20/s  ETA 1s"
				"\r                                    \r");
	screen_close(&s);
}

Test(progress, done_without_a_line_prints_nothing)
{
	struct screen s;

	screen_open(&s);
	publish(&s, SWEEP_EVENT_START, 0, 10, 0, 0, 0);
	publish(&s, SWEEP_EVENT_DONE, 0.01, 10, 10, 10, 10);
	cr_assert_str_eq(s.buf, "");
	screen_close(&s);
}

Test(progress, eta_is_unknown_before_any_port_finishes)
{
	struct screen s;

	screen_open(&s);
	publish(&s, SWEEP_EVENT_SENT, 0.25, 28232, 500, 0, 0);
	cr_assert_str_eq(s.buf, "\rsent 500  answered 0/28232  2000/s  ETA ?");
	screen_close(&s);
}

Test(progress, long_eta_uses_minutes_and_hours)
{
	struct screen s;

	screen_open(&s);
	/* 100 of 1000 in 10 s: 900 left at 10/s is 90 s. */
	publish(&s, SWEEP_EVENT_RESULT, 10, 1000, 100, 100, 100);
	/* 1 of 1000 in 20 s: 999 left at 0.05/s is 19980 s. */
	publish(&s, SWEEP_EVENT_RESULT, 20, 1000, 100, 1, 1);
	cr_assert_str_eq(s.buf, "\rsent 100  answered 100/1000  10/s  ETA "
				"1m30s"
				"\rsent 100  answered 1/1000  5/s  ETA 5h33m"
				"   "); /* 44 - 41 columns */
	screen_close(&s);
}
