/* Logging to stderr with a verbosity level; libevent's own log goes here. */
/* Lines carry the program name and a UTC timestamp so agent logs can be read
 * later. */
#include "common/log.h"

#include <event2/event.h>
#include <stdarg.h>
#include <stdio.h>
#include <time.h>

static const char *log_program = "nacl";
static enum log_level log_level = LOG_LEVEL_WARN;

static void
log_vwrite(enum log_level level, const char *fmt, va_list ap)
{
	static const char *const names[] = {"error", "warning", "info",
					    "debug"};
	char stamp[32];
	struct timespec ts;
	struct tm tm;

	if (level > log_level)
		return;
	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%SZ", &tm);
	fprintf(stderr, "%s %s: %s: ", stamp, log_program, names[level]);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

static void
log_event_callback(int severity, const char *msg)
{
	enum log_level level = LOG_LEVEL_DEBUG;

	if (severity == EVENT_LOG_ERR)
		level = LOG_LEVEL_ERROR;
	else if (severity == EVENT_LOG_WARN)
		level = LOG_LEVEL_WARN;
	if (level <= log_level)
		fprintf(stderr, "%s: libevent: %s\n", log_program, msg);
}

void
log_init(const char *program, enum log_level level)
{
	log_program = program;
	log_level = level;
	event_set_log_callback(log_event_callback);
}

enum log_level
log_get_level(void)
{
	return log_level;
}

#define LOG_FUNCTION(name, level)                                              \
	void name(const char *fmt, ...)                                        \
	{                                                                      \
		va_list ap;                                                    \
		va_start(ap, fmt);                                             \
		log_vwrite(level, fmt, ap);                                    \
		va_end(ap);                                                    \
	}

LOG_FUNCTION(log_error, LOG_LEVEL_ERROR)
LOG_FUNCTION(log_warn, LOG_LEVEL_WARN)
LOG_FUNCTION(log_info, LOG_LEVEL_INFO)
LOG_FUNCTION(log_debug, LOG_LEVEL_DEBUG)
