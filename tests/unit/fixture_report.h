/* A report for the tests of modules that render or write one: one check
 * of 1000 ports, a hole where asked. */
/* Static: each test file that includes it gets its own copy. */
#ifndef NACL_TEST_FIXTURE_REPORT_H
#define NACL_TEST_FIXTURE_REPORT_H

#include <criterion/criterion.h>
#include <string.h>

#include "common/xmalloc.h"
#include "reports/report.h"

static inline void
sample_report(struct report *r, const char *started_at, uint16_t hole_from,
	      uint16_t hole_to)
{
	struct range_list sports = {NULL, 0};
	struct report_check *c;
	uint8_t statuses[1000];
	size_t i;

	memset(r, 0, sizeof *r);
	r->started_at = xstrdup(started_at);
	r->finished_at = xstrdup(started_at);
	r->probe_bind = xstrdup("198.18.1.1");
	r->target_address = xstrdup("198.18.2.1");
	r->target_agent = true;
	range_list_add(&sports, 40000, 40999);
	c = report_add_check(r, PROTO_UDP, 7000, SERVICE_ECHO, &sports);
	range_list_free(&sports);
	for (i = 0; i < 1000; i++)
		statuses[i] = 40000 + i >= hole_from && 40000 + i <= hole_to
				      ? STATUS_REPLY_DROPPED
				      : STATUS_OK;
	report_check_set_statuses(c, statuses);
	report_finish(r);
}

#endif
