/* The --events stream: one JSON object per sweep event, one per line. */
/* Results and the end are flushed at once so a reader can follow live. */
#include "reports/events.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/log.h"
#include "common/xmalloc.h"
#include "reports/rfc3339.h"

struct events_file {
	FILE *f;
	char *path;
	bool failed; /* a write error was already reported */
	const struct events_context *ctx;
};

static const char *const events_file_names[] = {
	[SWEEP_EVENT_START] = "start",	     [SWEEP_EVENT_SENT] = "sent",
	[SWEEP_EVENT_REPLY] = "reply",	     [SWEEP_EVENT_TIMEOUT] = "timeout",
	[SWEEP_EVENT_REJECTED] = "rejected", [SWEEP_EVENT_ERROR] = "error",
	[SWEEP_EVENT_RESULT] = "result",     [SWEEP_EVENT_DONE] = "done",
};

static void
events_file_add_number(cJSON *obj, const char *name, double value)
{
	xcheck(cJSON_AddNumberToObject(obj, name, value));
}

static void
events_file_add_string(cJSON *obj, const char *name, const char *value)
{
	xcheck(cJSON_AddStringToObject(obj, name, value));
}

/* Microseconds are plenty and keep the numbers short. */
static double
events_file_round(double v, double scale)
{
	return round(v * scale) / scale;
}

static double
events_file_real_clock(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* "2026-11-20T10:00:00.125Z" */
static void
events_file_add_time(cJSON *obj, double now)
{
	time_t secs = (time_t)now;
	long ms = lround((now - (double)secs) * 1000);
	char *text, buf[40];

	if (ms >= 1000) {
		secs++;
		ms -= 1000;
	}
	text = rfc3339_format(secs);
	/* "...:SSZ" gains its milliseconds before the Z. */
	snprintf(buf, sizeof buf, "%.*s.%03ldZ", (int)strlen(text) - 1, text,
		 ms);
	free(text);
	events_file_add_string(obj, "time", buf);
}

static cJSON *
events_file_event_to_json(const struct sweep_event *ev,
			  const struct events_context *ctx)
{
	cJSON *obj = xcheck(cJSON_CreateObject());

	events_file_add_string(obj, "event", events_file_names[ev->type]);
	events_file_add_number(obj, "t", events_file_round(ev->elapsed, 1e6));
	if (ctx != NULL) {
		events_file_add_time(obj, ctx->now ? ctx->now()
						   : events_file_real_clock());
		if (ctx->target != NULL)
			events_file_add_string(obj, "target", ctx->target);
	}
	switch (ev->type) {
	case SWEEP_EVENT_START:
		events_file_add_number(obj, "planned", (double)ev->planned);
		return obj;
	case SWEEP_EVENT_DONE:
		events_file_add_number(obj, "planned", (double)ev->planned);
		events_file_add_number(obj, "sent", (double)ev->sent);
		events_file_add_number(obj, "answered", (double)ev->answered);
		events_file_add_number(obj, "finished", (double)ev->finished);
		return obj;
	default:
		break;
	}
	events_file_add_string(obj, "proto", proto_name(ev->proto));
	events_file_add_number(obj, "port", ev->port);
	events_file_add_number(obj, "sport", ev->sport);
	if (ev->attempt > 0)
		events_file_add_number(obj, "attempt", ev->attempt);
	switch (ev->type) {
	case SWEEP_EVENT_REPLY:
		events_file_add_number(obj, "rtt_ms",
				       events_file_round(ev->rtt_ms, 1e3));
		break;
	case SWEEP_EVENT_REJECTED:
	case SWEEP_EVENT_ERROR:
		events_file_add_string(obj, "error", strerror(ev->error));
		break;
	case SWEEP_EVENT_RESULT:
		events_file_add_string(obj, "status", status_name(ev->status));
		if (ev->nat_translated)
			xcheck(cJSON_AddTrueToObject(obj, "nat"));
		if (ev->observed_port != 0)
			events_file_add_number(obj, "observed_port",
					       ev->observed_port);
		break;
	default:
		break;
	}
	return obj;
}

static void
events_file_event_callback(const struct sweep_event *ev, void *arg)
{
	struct events_file *ef = arg;
	cJSON *obj;
	char *line;

	if ((unsigned)ev->type > SWEEP_EVENT_DONE)
		return;
	obj = events_file_event_to_json(ev, ef->ctx);
	line = xcheck(cJSON_PrintUnformatted(obj));
	cJSON_Delete(obj);
	fputs(line, ef->f);
	fputc('\n', ef->f);
	free(line);
	if (ev->type == SWEEP_EVENT_RESULT || ev->type == SWEEP_EVENT_DONE)
		fflush(ef->f);
	if (ferror(ef->f) && !ef->failed) {
		log_error("cannot write events file '%s': %s", ef->path,
			  strerror(errno));
		ef->failed = true;
	}
}

static void
events_file_free(void *arg)
{
	struct events_file *ef = arg;

	if ((ef->f == stdout ? fflush(ef->f) : fclose(ef->f)) != 0 &&
	    !ef->failed)
		log_error("cannot write events file '%s': %s", ef->path,
			  strerror(errno));
	free(ef->path);
	free(ef);
}

int
events_file_subscribe(struct event_bus *bus, const char *path,
		      const struct events_context *ctx, char **cause)
{
	struct events_file *ef;
	FILE *f = strcmp(path, "-") == 0 ? stdout : fopen(path, "w");

	if (f == NULL) {
		*cause = xasprintf("cannot open events file '%s': %s", path,
				   strerror(errno));
		return -1;
	}
	ef = xcalloc(1, sizeof *ef);
	ef->f = f;
	ef->path = xstrdup(strcmp(path, "-") == 0 ? "standard output" : path);
	ef->ctx = ctx;
	event_bus_subscribe(bus, events_file_event_callback, events_file_free,
			    ef);
	return 0;
}
