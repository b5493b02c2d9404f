/* The outcome of one (protocol, port, source port), as docs/design.md names
 * them. */
/* Names are part of the report schema: never rename one. */
#include "common/status.h"

#include <string.h>

#include "common/text.h"

static const char *const status_names[STATUS_COUNT] = {
	"ok",	    "reply_dropped", "request_dropped", "dropped",
	"rejected", "local_error",   "host_dropped",	"unfinished",
};

const char *
status_name(enum probe_status status)
{
	return (unsigned)status < STATUS_COUNT ? status_names[status] : "?";
}

int
status_parse(const char *name, enum probe_status *status)
{
	int i = text_index(status_names, STATUS_COUNT, name);

	if (i < 0)
		return -1;
	*status = (enum probe_status)i;
	return 0;
}

int
status_is_unmeasured(enum probe_status status)
{
	return status == STATUS_LOCAL_ERROR || status == STATUS_UNFINISHED;
}

int
status_is_drop(enum probe_status status)
{
	return status == STATUS_REPLY_DROPPED ||
	       status == STATUS_REQUEST_DROPPED || status == STATUS_DROPPED ||
	       status == STATUS_HOST_DROPPED;
}

static const char *const expectation_names_table[] = {
	[EXPECT_OPEN] = "open",
	[EXPECT_BLOCKED] = "blocked",
	[EXPECT_DROPPED] = "dropped",
	[EXPECT_REJECTED] = "rejected",
};

const char *
expectation_name(enum expectation e)
{
	return (unsigned)e < EXPECT_COUNT ? expectation_names_table[e] : "?";
}

int
expectation_parse(const char *name, enum expectation *e)
{
	int i = text_index(expectation_names_table, EXPECT_COUNT, name);

	if (i < 0)
		return -1;
	*e = (enum expectation)i;
	return 0;
}

const char *
expectation_names(void)
{
	return "open, blocked, dropped or rejected";
}
