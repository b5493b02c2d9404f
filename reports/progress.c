/* The progress line: sent, answered, rate and ETA, redrawn in place with \r. */
/* It sees only the event totals and elapsed time, never the scheduler. */
#include "reports/events.h"

#include <stdlib.h>
#include <string.h>

#include "common/xmalloc.h"

#define PROGRESS_INTERVAL 0.1 /* seconds between redraws */

struct progress {
	FILE *out;
	double last_draw; /* elapsed time of the last redraw */
	size_t width; /* length of the line on screen, 0 when none */
};

static void
progress_format_eta(double seconds, char *buf, size_t size)
{
	unsigned long s = (unsigned long)(seconds + 0.5);

	if (s < 60)
		snprintf(buf, size, "%lus", s);
	else if (s < 3600)
		snprintf(buf, size, "%lum%02lus", s / 60, s % 60);
	else
		snprintf(buf, size, "%luh%02lum", s / 3600, s / 60 % 60);
}

/* E.g. "sent 12000  answered 11990/28232  25000/s  ETA 1s". */
static void
progress_format(const struct sweep_event *ev, char *buf, size_t size)
{
	char rate[32], eta[32];

	if (ev->elapsed > 0)
		snprintf(rate, sizeof rate, "%.0f/s",
			 (double)ev->sent / ev->elapsed);
	else
		snprintf(rate, sizeof rate, "-/s");
	if (ev->finished >= ev->planned)
		snprintf(eta, sizeof eta, "0s");
	else if (ev->finished > 0 && ev->elapsed > 0)
		progress_format_eta((double)(ev->planned - ev->finished) *
					    ev->elapsed / (double)ev->finished,
				    eta, sizeof eta);
	else
		snprintf(eta, sizeof eta, "?");
	snprintf(buf, size, "sent %zu  answered %zu/%zu  %s  ETA %s", ev->sent,
		 ev->answered, ev->planned, rate, eta);
}

static void
progress_event_callback(const struct sweep_event *ev, void *arg)
{
	struct progress *p = arg;
	char line[160];
	size_t len;

	if (ev->type == SWEEP_EVENT_DONE) {
		/* Clear the line so that what follows starts on a clean one. */
		if (p->width > 0)
			fprintf(p->out, "\r%*s\r", (int)p->width, "");
		p->width = 0;
		fflush(p->out);
		return;
	}
	if (ev->elapsed - p->last_draw < PROGRESS_INTERVAL)
		return;
	p->last_draw = ev->elapsed;
	progress_format(ev, line, sizeof line);
	len = strlen(line);
	fprintf(p->out, "\r%s", line);
	if (len < p->width)
		fprintf(p->out, "%*s", (int)(p->width - len), "");
	p->width = len;
	fflush(p->out);
}

static void
progress_free(void *arg)
{
	free(arg);
}

void
progress_subscribe(struct event_bus *bus, FILE *out)
{
	struct progress *p = xcalloc(1, sizeof *p);

	p->out = out;
	event_bus_subscribe(bus, progress_event_callback, progress_free, p);
}
