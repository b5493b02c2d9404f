/* Unit tests for reports/events_file.c: the --events JSON-lines stream. */
/* Events go to a temporary file that is read back and compared line by line. */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "reports/events.h"
#include "tests/unit/fixture_dir.h"

TestSuite(events_file);

static char events_path[64];

static void
events_setup(void)
{
	int fd;

	snprintf(events_path, sizeof events_path,
		 "/tmp/nacl-events-test-XXXXXX");
	fd = mkstemp(events_path);
	cr_assert_geq(fd, 0);
	close(fd);
}

static void
events_teardown(void)
{
	unlink(events_path);
}

/* Asserts that the events file holds exactly expected. */
static void
assert_events_file(const char *expected)
{
	char *text = read_all(events_path);

	cr_assert_str_eq(text, expected);
	free(text);
}

static struct sweep_event
port_event(enum sweep_event_type type, double t, uint16_t sport,
	   unsigned attempt)
{
	return (struct sweep_event){.type = type,
				    .elapsed = t,
				    .proto = PROTO_UDP,
				    .port = 7000,
				    .sport = sport,
				    .attempt = attempt};
}

/* bus, emptied, with the events file at events_path subscribed (ctx may be
 * NULL). */
static void
subscribe(struct event_bus *bus, const struct events_context *ctx)
{
	char *cause = NULL;

	*bus = (struct event_bus){NULL, 0};
	cr_assert_eq(events_file_subscribe(bus, events_path, ctx, &cause), 0,
		     "%s", cause ? cause : "");
}

Test(events_file, every_event_type_is_one_exact_line, .init = events_setup,
     .fini = events_teardown)
{
	struct event_bus bus;
	struct sweep_event ev;

	subscribe(&bus, NULL);
	ev = (struct sweep_event){.type = SWEEP_EVENT_START, .planned = 28232};
	event_bus_publish(&bus, &ev);
	ev = port_event(SWEEP_EVENT_SENT, 0.0012, 40000, 1);
	event_bus_publish(&bus, &ev);
	ev = port_event(SWEEP_EVENT_REPLY, 0.0025, 40000, 1);
	ev.rtt_ms = 1.3;
	event_bus_publish(&bus, &ev);
	ev = port_event(SWEEP_EVENT_TIMEOUT, 1.5, 40001, 2);
	event_bus_publish(&bus, &ev);
	ev = port_event(SWEEP_EVENT_REJECTED, 1.75, 40002, 1);
	ev.proto = PROTO_TCP;
	ev.error = ECONNREFUSED;
	event_bus_publish(&bus, &ev);
	ev = port_event(SWEEP_EVENT_ERROR, 2, 40003, 1);
	ev.error = EADDRINUSE;
	event_bus_publish(&bus, &ev);
	ev = port_event(SWEEP_EVENT_RESULT, 2.25, 40001, 3);
	ev.status = STATUS_REPLY_DROPPED;
	event_bus_publish(&bus, &ev);
	ev = port_event(SWEEP_EVENT_RESULT, 2.5, 40000, 1);
	ev.status = STATUS_OK;
	ev.nat_translated = true;
	ev.observed_port = 1024;
	event_bus_publish(&bus, &ev);
	ev = (struct sweep_event){.type = SWEEP_EVENT_DONE,
				  .elapsed = 3,
				  .planned = 4,
				  .sent = 6,
				  .answered = 1,
				  .finished = 4};
	event_bus_publish(&bus, &ev);
	event_bus_free(&bus);

	assert_events_file(
		"{\"event\":\"start\",\"t\":0,\"planned\":28232}\n"
		"{\"event\":\"sent\",\"t\":0.0012,\"proto\":\"udp\",\"port\":"
		"7000,\"sport\":40000,\"attempt\":1}\n"
		"{\"event\":\"reply\",\"t\":0.0025,\"proto\":\"udp\",\"port\":"
		"7000,\"sport\":40000,\"attempt\":1,\"rtt_ms\":1.3}\n"
		"{\"event\":\"timeout\",\"t\":1.5,\"proto\":\"udp\",\"port\":"
		"7000,\"sport\":40001,\"attempt\":2}\n"
		"{\"event\":\"rejected\",\"t\":1.75,\"proto\":\"tcp\",\"port\":"
		"7000,\"sport\":40002,\"attempt\":1,\"error\":\"Connection "
		"refused\"}\n"
		"{\"event\":\"error\",\"t\":2,\"proto\":\"udp\",\"port\":7000,"
		"\"sport\":40003,\"attempt\":1,\"error\":\"Address already in "
		"use\"}\n"
		"{\"event\":\"result\",\"t\":2.25,\"proto\":\"udp\",\"port\":"
		"7000,\"sport\":40001,\"attempt\":3,\"status\":\"reply_"
		"dropped\"}\n"
		"{\"event\":\"result\",\"t\":2.5,\"proto\":\"udp\",\"port\":"
		"7000,\"sport\":40000,\"attempt\":1,\"status\":\"ok\",\"nat\":"
		"true,\"observed_port\":1024}\n"
		"{\"event\":\"done\",\"t\":3,\"planned\":4,\"sent\":6,"
		"\"answered\":1,\"finished\":4}\n");
}

Test(events_file, times_are_rounded_to_microseconds, .init = events_setup,
     .fini = events_teardown)
{
	struct event_bus bus;
	struct sweep_event ev = port_event(SWEEP_EVENT_REPLY, 0.1 + 0.2, 9, 0);

	ev.rtt_ms = 0.12345;
	subscribe(&bus, NULL);
	event_bus_publish(&bus, &ev);
	event_bus_free(&bus);
	assert_events_file("{\"event\":\"reply\",\"t\":0.3,\"proto\":"
			   "\"udp\",\"port\":7000,\"sport\":9,"
			   "\"rtt_ms\":0.123}\n");
}

Test(events_file, result_lines_are_flushed_at_once, .init = events_setup,
     .fini = events_teardown)
{
	struct event_bus bus;
	struct sweep_event ev = port_event(SWEEP_EVENT_RESULT, 1, 40000, 1);

	subscribe(&bus, NULL);
	ev.status = STATUS_OK;
	event_bus_publish(&bus, &ev);
	/* Still subscribed: the line must already be on disk. */
	assert_events_file("{\"event\":\"result\",\"t\":1,\"proto\":"
			   "\"udp\",\"port\":7000,\"sport\":40000,"
			   "\"attempt\":1,\"status\":\"ok\"}\n");
	event_bus_free(&bus);
}

Test(events_file, file_is_truncated_on_open, .init = events_setup,
     .fini = events_teardown)
{
	struct event_bus bus;
	FILE *f = fopen(events_path, "w");

	fputs("old line\n", f);
	fclose(f);
	subscribe(&bus, NULL);
	event_bus_free(&bus);
	assert_events_file("");
}

Test(events_file, unopenable_path_names_path_and_reason)
{
	struct event_bus bus = {NULL, 0};
	char *cause = NULL;

	cr_assert_eq(events_file_subscribe(&bus,
					   "/nonexistent-nacl-dir/e.jsonl",
					   NULL, &cause),
		     -1);
	cr_assert_str_eq(cause, "cannot open events file "
				"'/nonexistent-nacl-dir/e.jsonl': No such file "
				"or directory");
	cr_assert_eq(bus.count, 0);
	free(cause);
	event_bus_free(&bus);
}

static double
fixed_clock(void)
{
	return 1795218480.1254;
}

Test(events_file, with_a_context_lines_carry_time_and_target,
     .init = events_setup, .fini = events_teardown)
{
	struct events_context ctx = {"app", fixed_clock};
	struct event_bus bus;
	struct sweep_event ev = port_event(SWEEP_EVENT_RESULT, 1, 40000, 1);

	subscribe(&bus, &ctx);
	ev.status = STATUS_OK;
	event_bus_publish(&bus, &ev);
	ctx.target = "db";
	event_bus_publish(&bus, &ev);
	event_bus_free(&bus);
	assert_events_file(
		"{\"event\":\"result\",\"t\":1,\"time\":\"2026-11-20T"
		"23:48:00.125Z\",\"target\":\"app\",\"proto\":\"udp\","
		"\"port\":7000,\"sport\":40000,\"attempt\":1,"
		"\"status\":\"ok\"}\n"
		"{\"event\":\"result\",\"t\":1,\"time\":\"2026-11-20T"
		"23:48:00.125Z\",\"target\":\"db\",\"proto\":\"udp\","
		"\"port\":7000,\"sport\":40000,\"attempt\":1,"
		"\"status\":\"ok\"}\n");
}
