/* Unit tests for reports/progress.c: the \r progress line, byte for byte. */
/* Output goes to an open_memstream buffer; time is only the events' elapsed. */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
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

/* One event and, unless NULL, everything on the screen after it. */
struct progress_step {
	enum sweep_event_type type;
	double elapsed;
	size_t planned, sent, answered, finished;
	const char *screen;
};

struct progress_case {
	const char *name;
	struct progress_step steps[4]; /* up to the first of planned 0 */
};

#define START SWEEP_EVENT_START
#define SENT SWEEP_EVENT_SENT
#define RESULT SWEEP_EVENT_RESULT
#define DONE SWEEP_EVENT_DONE

static const struct progress_case cases[] = {
	{"line_is_drawn_at_most_every_100ms_from_totals",
	 {{START, 0, 1000, 0, 0, 0, NULL},
	  {SENT, 0.05, 1000, 100, 0, 0, ""},
	  {RESULT, 0.15, 1000, 300, 100, 100,
	   "\rsent 300  answered 100/1000  2000/s  ETA 1s"},
	  {RESULT, 0.2, 1000, 400, 150, 150,
	   "\rsent 300  answered 100/1000  2000/s  ETA 1s"}}},
	{"shorter_line_overwrites_the_longer_one",
	 {{RESULT, 0.5, 1000, 1000, 100, 100, NULL},
	  {RESULT, 1.0, 1000, 5, 5, 500,
	   "\rsent 1000  answered 100/1000  2000/s  ETA 5s"
	   "\rsent 5  answered 5/1000  5/s  ETA 1s"
	   "        "}}}, /* 44 - 36 columns */
	{"done_clears_the_line",
	 {{RESULT, 0.5, 10, 10, 5, 5, NULL},
	  {DONE, 0.6, 10, 20, 10, 10,
	   "\rsent 10  answered 5/10  20/s  ETA 1s"
	   "\r                                    \r"}}},
	{"done_without_a_line_prints_nothing",
	 {{START, 0, 10, 0, 0, 0, NULL}, {DONE, 0.01, 10, 10, 10, 10, ""}}},
	{"eta_is_unknown_before_any_port_finishes",
	 {{SENT, 0.25, 28232, 500, 0, 0,
	   "\rsent 500  answered 0/28232  2000/s  ETA ?"}}},
	/* 100 of 1000 in 10 s: 900 left at 10/s is 90 s; then 1 of 1000 in
	 * 20 s: 999 left at 0.05/s is 19980 s. */
	{"long_eta_uses_minutes_and_hours",
	 {{RESULT, 10, 1000, 100, 100, 100, NULL},
	  {RESULT, 20, 1000, 100, 1, 1,
	   "\rsent 100  answered 100/1000  10/s  ETA 1m30s"
	   "\rsent 100  answered 1/1000  5/s  ETA 5h33m"
	   "   "}}}, /* 44 - 41 columns */
};

#define NCASES (sizeof cases / sizeof cases[0])

/* By index: the parameters are copied into each test's process, where this
 * one's pointers (the cases' strings) need not hold. */
ParameterizedTestParameters(progress, screen_after_each_event)
{
	static size_t index[NCASES];

	for (size_t i = 0; i < NCASES; i++)
		index[i] = i;
	return cr_make_param_array(size_t, index, NCASES);
}

ParameterizedTest(size_t *index, progress, screen_after_each_event)
{
	const struct progress_case *c = &cases[*index];
	struct screen s;
	const struct progress_step *step;

	screen_open(&s);
	for (size_t i = 0; i < 4 && c->steps[i].planned != 0; i++) {
		struct sweep_event ev;

		step = &c->steps[i];
		ev = (struct sweep_event){.type = step->type,
					  .elapsed = step->elapsed,
					  .planned = step->planned,
					  .sent = step->sent,
					  .answered = step->answered,
					  .finished = step->finished};
		event_bus_publish(&s.bus, &ev);
		fflush(s.out);
		if (step->screen != NULL)
			cr_assert_str_eq(s.buf, step->screen,
					 "case %s, event %zu", c->name, i + 1);
	}
	screen_close(&s);
}
