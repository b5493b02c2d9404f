/* Unit tests for common/service.c: the table's rows, names, transports and
 * default ports. */
/* Messages and help lines are asserted exactly: users read them. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "common/checkspec.h"
#include "common/service.h"

TestSuite(service);

Test(service, table_rows_in_order)
{
	static const char *const names[] = {"echo", "dns", "ntp",
					    "http", "tls", "quic"};
	enum service service;
	size_t i;

	cr_assert_eq(service_count(), sizeof names / sizeof *names);
	for (i = 0; i < service_count(); i++) {
		cr_assert_str_eq(service_name((enum service)i), names[i]);
		cr_assert_eq(service_ops((enum service)i)->name,
			     service_name((enum service)i));
		cr_assert_eq(service_parse(names[i], &service), 0);
		cr_assert_eq(service, (enum service)i);
	}
	cr_assert_str_eq(service_name(SERVICE_ECHO), "echo");
	cr_assert_str_eq(service_name(SERVICE_DNS), "dns");
	cr_assert_str_eq(service_name(SERVICE_NTP), "ntp");
	cr_assert_str_eq(service_name(SERVICE_HTTP), "http");
	cr_assert_eq(service_parse("smtp", &service), -1);
	cr_assert_eq(service_parse("", &service), -1);
}

Test(service, names_text_lists_every_row)
{
	char *names = service_names_text();

	cr_assert_str_eq(names, "echo, dns, ntp, http, tls or quic");
	free(names);
}

/* Every row can be spoken: encoders and parsers present, a transport. */
Test(service, every_row_is_complete)
{
	const struct service_ops *ops;
	size_t i;

	for (i = 0; i < service_count(); i++) {
		ops = service_ops((enum service)i);
		cr_assert(ops->udp || ops->tcp, "%s: no transport", ops->name);
		cr_assert_not_null(ops->request_encode);
		cr_assert_not_null(ops->reply_match);
		cr_assert_not_null(ops->request_answer);
	}
}

/* No two rows own a default port, and each runs over its ports' proto. */
Test(service, default_ports_owned_once)
{
	const struct service_port *p, *q;
	const struct service_ops *a, *b;
	size_t i, j;

	for (i = 0; i < service_count(); i++) {
		a = service_ops((enum service)i);
		for (p = a->default_ports; p->port != 0; p++) {
			cr_assert(p->proto == PROTO_UDP ? a->udp : a->tcp,
				  "%s owns %s/%u but does not run over it",
				  a->name, proto_name(p->proto), p->port);
			cr_assert_eq(service_default(p->proto, p->port),
				     (enum service)i);
			for (j = i + 1; j < service_count(); j++) {
				b = service_ops((enum service)j);
				for (q = b->default_ports; q->port != 0; q++)
					cr_assert(q->proto != p->proto ||
							  q->port != p->port,
						  "%s and %s both own %s/%u",
						  a->name, b->name,
						  proto_name(p->proto),
						  p->port);
			}
		}
	}
}

Test(service, defaults_match_design)
{
	cr_assert_eq(service_default(PROTO_TCP, 80), SERVICE_HTTP);
	cr_assert_eq(service_default(PROTO_UDP, 53), SERVICE_DNS);
	cr_assert_eq(service_default(PROTO_TCP, 53), SERVICE_DNS);
	cr_assert_eq(service_default(PROTO_UDP, 123), SERVICE_NTP);
	cr_assert_eq(service_default(PROTO_UDP, 80), SERVICE_ECHO);
	cr_assert_eq(service_default(PROTO_TCP, 123), SERVICE_ECHO);
	cr_assert_eq(service_default(PROTO_TCP, 7000), SERVICE_ECHO);
	cr_assert_str_eq(service_name(service_default(PROTO_TCP, 443)), "tls");
	cr_assert_str_eq(service_name(service_default(PROTO_UDP, 443)), "quic");
}

/* What each row says about closing and NAT evidence. */
Test(service, capabilities)
{
	cr_assert_not(service_ops(SERVICE_ECHO)->server_closes);
	cr_assert_not(service_ops(SERVICE_DNS)->server_closes);
	cr_assert(service_ops(SERVICE_HTTP)->server_closes);
	cr_assert(service_ops(SERVICE_ECHO)->reply_says_observed);
	cr_assert(service_ops(SERVICE_DNS)->reply_says_observed);
	cr_assert_not(service_ops(SERVICE_NTP)->reply_says_observed);
	cr_assert(service_ops(SERVICE_HTTP)->reply_says_observed);
}

Test(service, help_lists_rows_with_their_ports)
{
	char *text = service_help_text("  ");

	cr_assert_str_eq(text,
			 "  echo  udp, tcp; the default for other ports\n"
			 "  dns   udp, tcp; the default for udp/53, tcp/53\n"
			 "  ntp   udp; the default for udp/123\n"
			 "  http  tcp; the default for tcp/80\n"
			 "  tls   tcp; the default for tcp/443\n"
			 "  quic  udp; the default for udp/443\n");
	free(text);
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

/* The same nonce gives the same bytes, in any chunking; another, others. */
Test(service, nonce_bytes_are_a_function_of_the_nonce)
{
	uint64_t a = 42, b = 42, c = 43;
	uint8_t x[24], y[24], z[24];

	service_nonce_bytes(&a, x, sizeof x);
	service_nonce_bytes(&b, y, 8);
	service_nonce_bytes(&b, y + 8, 16);
	service_nonce_bytes(&c, z, sizeof z);
	cr_assert_eq(memcmp(x, y, sizeof x), 0);
	cr_assert_eq(a, b);
	cr_assert_neq(memcmp(x, z, sizeof x), 0);
	cr_assert_neq(memcmp(x, x + 8, 8), 0);
}

Test(service, identity_packs_big_endian_and_back)
{
	struct probe_id id = {0};
	struct request_info info = {0};
	uint8_t packed[SERVICE_IDENTITY_SIZE];

	id.session = 0xa1b2c3d4;
	id.seq = 0x01020304;
	id.sport = 49152;
	id.attempt = 7;
	memcpy(id.token, "\x11\x22\x33\x44\x55\x66\x77\x88", 8);
	service_identity_pack(&id, packed);
	cr_assert_eq(SERVICE_IDENTITY_SIZE, 19);
	cr_assert_eq(memcmp(packed,
			    "\xa1\xb2\xc3\xd4\x01\x02\x03\x04\xc0\x00\x07"
			    "\x11\x22\x33\x44\x55\x66\x77\x88",
			    19),
		     0);
	service_identity_unpack(packed, &info);
	cr_assert(info.identified);
	cr_assert_eq(info.session, id.session);
	cr_assert_eq(info.seq, id.seq);
	cr_assert_eq(info.sport, id.sport);
	cr_assert_eq(info.attempt, id.attempt);
	cr_assert_eq(memcmp(info.token, id.token, 8), 0);
}
