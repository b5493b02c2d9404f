/* Unit tests for common/service.c: the table and which transports each runs
 * over. */
/* Messages are asserted exactly: users read them. */
#include <criterion/criterion.h>
#include <stdlib.h>

#include "common/service.h"

TestSuite(service);

Test(service, table_holds_every_service)
{
	cr_assert_eq(service_ops(SERVICE_ECHO), &echo_service);
	cr_assert_eq(service_ops(SERVICE_DNS), &dns_service);
	cr_assert_eq(service_ops(SERVICE_NTP), &ntp_service);
	cr_assert_eq(service_ops(SERVICE_HTTP), &http_service);
	cr_assert_str_eq(service_ops(SERVICE_NTP)->name, "ntp");
}

static void
assert_transport(enum proto proto, enum service service, const char *error)
{
	struct check_spec c = {proto, 9, service};
	char *cause = NULL;

	if (error == NULL) {
		cr_assert_eq(service_check_transport(&c, &cause), 0);
		return;
	}
	cr_assert_eq(service_check_transport(&c, &cause), -1);
	cr_assert_str_eq(cause, error);
	free(cause);
}

Test(service, transports)
{
	assert_transport(PROTO_UDP, SERVICE_ECHO, NULL);
	assert_transport(PROTO_TCP, SERVICE_ECHO, NULL);
	assert_transport(PROTO_UDP, SERVICE_DNS, NULL);
	assert_transport(PROTO_TCP, SERVICE_DNS, NULL);
	assert_transport(PROTO_UDP, SERVICE_NTP, NULL);
	assert_transport(PROTO_TCP, SERVICE_HTTP, NULL);
	assert_transport(PROTO_TCP, SERVICE_NTP,
			 "tcp/9=ntp: ntp runs over udp only");
	assert_transport(PROTO_UDP, SERVICE_HTTP,
			 "udp/9=http: http runs over tcp only");
}
