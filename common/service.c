/* The table of protocol modules, indexed by enum service. */
/* Adding a protocol: one new file with its struct service_ops, one line here.
 */
#include "common/service.h"

#include <time.h>

#include "common/xmalloc.h"

static const struct service_ops *const service_table[] = {
	[SERVICE_ECHO] = &echo_service,
	[SERVICE_DNS] = &dns_service,
	[SERVICE_NTP] = &ntp_service,
	[SERVICE_HTTP] = &http_service,
};

const struct service_ops *
service_ops(enum service service)
{
	return service_table[service];
}

int
service_check_transport(const struct check_spec *check, char **cause)
{
	const struct service_ops *ops = service_ops(check->service);

	if (check->proto == PROTO_UDP ? ops->udp : ops->tcp)
		return 0;
	*cause = xasprintf("%s/%u=%s: %s runs over %s only",
			   proto_name(check->proto), check->port, ops->name,
			   ops->name, ops->udp ? "udp" : "tcp");
	return -1;
}

uint64_t
ntp_now(void)
{
	struct timespec ts;
	uint64_t seconds;

	clock_gettime(CLOCK_REALTIME, &ts);
	/* 2208988800 s from 1900 (NTP era 0) to 1970 (Unix). */
	seconds = (uint64_t)ts.tv_sec + 2208988800u;
	return seconds << 32 |
	       (uint64_t)(((uint64_t)ts.tv_nsec << 32) / 1000000000u);
}
