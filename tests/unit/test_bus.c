/* Unit tests for reports/bus.c: delivery order and subscriber teardown. */
/* Handlers here only record what they saw. */
#include <criterion/criterion.h>
#include <string.h>

#include "reports/events.h"

TestSuite(bus);

struct recorder {
	char log[64];
	size_t *frees;
};

/* Appends letter to the log the two subscribers share. */
static void
record(struct recorder *r, char letter)
{
	size_t n = strlen(r->log);

	r->log[n] = letter;
	r->log[n + 1] = '\0';
}

static void
record_a(const struct sweep_event *ev, void *arg)
{
	record(arg, (char)('a' + ev->type));
}

static void
record_b(const struct sweep_event *ev, void *arg)
{
	record(arg, (char)('A' + ev->type));
}

static void
count_free(void *arg)
{
	struct recorder *r = arg;

	(*r->frees)++;
}

Test(bus, publish_reaches_subscribers_in_subscription_order)
{
	struct event_bus bus = {NULL, 0};
	struct recorder shared;
	struct sweep_event ev;
	size_t frees = 0;

	memset(&shared, 0, sizeof shared);
	shared.frees = &frees;
	event_bus_subscribe(&bus, record_a, count_free, &shared);
	event_bus_subscribe(&bus, record_b, NULL, &shared);
	memset(&ev, 0, sizeof ev);
	ev.type = SWEEP_EVENT_START;
	event_bus_publish(&bus, &ev);
	ev.type = SWEEP_EVENT_DONE;
	event_bus_publish(&bus, &ev);
	cr_assert_str_eq(shared.log, "aAhH");
	event_bus_free(&bus);
	cr_assert_eq(frees, 1);
	cr_assert_null(bus.subscribers);
	cr_assert_eq(bus.count, 0);
}

Test(bus, publish_on_empty_bus_does_nothing)
{
	struct event_bus bus = {NULL, 0};
	struct sweep_event ev;

	memset(&ev, 0, sizeof ev);
	event_bus_publish(&bus, &ev);
	event_bus_free(&bus);
	event_bus_free(NULL);
	cr_assert_eq(bus.count, 0);
}
