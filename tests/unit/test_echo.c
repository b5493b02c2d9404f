/* Unit tests for common/echo: the probe identity header and the observed
 * source. */
/* Pure buffers in, fields out: round trips, both families, every rejection. */
#include <arpa/inet.h>
#include <criterion/criterion.h>
#include <string.h>

#include "common/echo.h"

TestSuite(echo);

static struct echo_header
sample_header(uint16_t length)
{
	struct echo_header h;

	memset(&h, 0, sizeof h);
	h.type = ECHO_REQUEST;
	h.attempt = 2;
	h.session = 0xdeadbeef;
	h.seq = 123456;
	h.sport = 40000;
	h.dport = 7000;
	h.length = length;
	return h;
}

static void
set_ipv4(struct sockaddr_storage *ss, const char *addr, uint16_t port)
{
	struct sockaddr_in *sin = (struct sockaddr_in *)ss;

	memset(ss, 0, sizeof *ss);
	sin->sin_family = AF_INET;
	sin->sin_port = htons(port);
	cr_assert_eq(inet_pton(AF_INET, addr, &sin->sin_addr), 1);
}

static void
set_ipv6(struct sockaddr_storage *ss, const char *addr, uint16_t port)
{
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ss;

	memset(ss, 0, sizeof *ss);
	sin6->sin6_family = AF_INET6;
	sin6->sin6_port = htons(port);
	cr_assert_eq(inet_pton(AF_INET6, addr, &sin6->sin6_addr), 1);
}

static void
assert_decode_error(const uint8_t *buf, size_t len, const char *expected)
{
	struct echo_header h;
	const char *cause = NULL;

	cr_assert_eq(echo_decode(buf, len, &h, &cause), -1);
	cr_assert_not_null(cause);
	cr_assert_str_eq(cause, expected);
}

Test(echo, request_round_trips_every_field)
{
	struct echo_header h = sample_header(64), out;
	uint8_t buf[ECHO_MAX_SIZE];
	const char *cause = NULL;
	size_t i, len;

	memset(buf, 0xaa, sizeof buf);
	len = echo_encode(&h, buf, sizeof buf);
	cr_assert_eq(len, 64);
	cr_assert_eq(memcmp(buf, "NPRB", 4), 0);
	for (i = ECHO_HEADER_SIZE; i < 64; i++)
		cr_assert_eq(buf[i], 0, "padding byte %zu", i);
	cr_assert_eq(buf[64], 0xaa);
	cr_assert_eq(echo_decode(buf, len, &out, &cause), 0);
	cr_assert_eq(out.type, ECHO_REQUEST);
	cr_assert_eq(out.attempt, 2);
	cr_assert_eq(out.session, 0xdeadbeef);
	cr_assert_eq(out.seq, 123456);
	cr_assert_eq(out.sport, 40000);
	cr_assert_eq(out.dport, 7000);
	cr_assert_eq(out.length, 64);
	cr_assert_eq(out.observed.ss_family, AF_UNSPEC);
}

Test(echo, length_below_header_is_raised_to_header_size)
{
	struct echo_header h = sample_header(0), out;
	uint8_t buf[64];
	const char *cause = NULL;

	cr_assert_eq(echo_encode(&h, buf, sizeof buf), ECHO_HEADER_SIZE);
	cr_assert_eq(echo_decode(buf, ECHO_HEADER_SIZE, &out, &cause), 0);
	cr_assert_eq(out.length, ECHO_HEADER_SIZE);
}

Test(echo, fields_are_big_endian_at_fixed_offsets)
{
	struct echo_header h = sample_header(ECHO_HEADER_SIZE);
	uint8_t buf[ECHO_HEADER_SIZE];

	echo_encode(&h, buf, sizeof buf);
	cr_assert_eq(buf[4], ECHO_VERSION);
	cr_assert_eq(buf[5], ECHO_REQUEST);
	cr_assert_eq(buf[6], 2);
	cr_assert_eq(buf[7], 0);
	cr_assert_eq(buf[8], 0xde);
	cr_assert_eq(buf[11], 0xef);
	cr_assert_eq(buf[16], 40000 >> 8);
	cr_assert_eq(buf[17], 40000 & 0xff);
	cr_assert_eq(buf[20], 0);
	cr_assert_eq(buf[21], ECHO_HEADER_SIZE);
}

Test(echo, ipv4_observed_address_round_trips)
{
	struct echo_header h = sample_header(48), out;
	const struct sockaddr_in *sin = (const void *)&out.observed;
	uint8_t buf[64];
	const char *cause = NULL;
	char text[INET_ADDRSTRLEN];

	h.type = ECHO_REPLY;
	set_ipv4(&h.observed, "198.18.1.1", 40001);
	echo_encode(&h, buf, sizeof buf);
	cr_assert_eq(buf[7], 4);
	cr_assert_eq(echo_decode(buf, 48, &out, &cause), 0);
	cr_assert_eq(out.type, ECHO_REPLY);
	cr_assert_eq(out.observed.ss_family, AF_INET);
	cr_assert_eq(ntohs(sin->sin_port), 40001);
	inet_ntop(AF_INET, &sin->sin_addr, text, sizeof text);
	cr_assert_str_eq(text, "198.18.1.1");
}

Test(echo, ipv6_observed_address_round_trips)
{
	struct echo_header h = sample_header(ECHO_HEADER_SIZE), out;
	const struct sockaddr_in6 *sin6 = (const void *)&out.observed;
	uint8_t buf[ECHO_HEADER_SIZE];
	const char *cause = NULL;
	char text[INET6_ADDRSTRLEN];

	h.type = ECHO_REPLY;
	set_ipv6(&h.observed, "2001:db8:1::1", 65535);
	echo_encode(&h, buf, sizeof buf);
	cr_assert_eq(buf[7], 6);
	cr_assert_eq(echo_decode(buf, sizeof buf, &out, &cause), 0);
	cr_assert_eq(out.observed.ss_family, AF_INET6);
	cr_assert_eq(ntohs(sin6->sin6_port), 65535);
	inet_ntop(AF_INET6, &sin6->sin6_addr, text, sizeof text);
	cr_assert_str_eq(text, "2001:db8:1::1");
}

Test(echo, short_buffer_is_refused)
{
	struct echo_header h = sample_header(ECHO_HEADER_SIZE);
	uint8_t buf[ECHO_HEADER_SIZE];

	echo_encode(&h, buf, sizeof buf);
	assert_decode_error(buf, ECHO_HEADER_SIZE - 1,
			    "shorter than the echo header");
	assert_decode_error(buf, 0, "shorter than the echo header");
}

Test(echo, bad_magic_is_refused)
{
	struct echo_header h = sample_header(ECHO_HEADER_SIZE);
	uint8_t buf[ECHO_HEADER_SIZE];

	echo_encode(&h, buf, sizeof buf);
	buf[0] = 'X';
	assert_decode_error(buf, sizeof buf, "not an echo message (bad magic)");
}

Test(echo, bad_version_is_refused)
{
	struct echo_header h = sample_header(ECHO_HEADER_SIZE);
	uint8_t buf[ECHO_HEADER_SIZE];

	echo_encode(&h, buf, sizeof buf);
	buf[4] = ECHO_VERSION + 1;
	assert_decode_error(buf, sizeof buf, "unsupported echo version");
}

Test(echo, bad_type_is_refused)
{
	struct echo_header h = sample_header(ECHO_HEADER_SIZE);
	uint8_t buf[ECHO_HEADER_SIZE];

	echo_encode(&h, buf, sizeof buf);
	buf[5] = 3;
	assert_decode_error(buf, sizeof buf, "unknown echo message type");
	buf[5] = 0;
	assert_decode_error(buf, sizeof buf, "unknown echo message type");
}

Test(echo, length_below_header_size_is_refused)
{
	struct echo_header h = sample_header(ECHO_HEADER_SIZE);
	uint8_t buf[ECHO_HEADER_SIZE];

	echo_encode(&h, buf, sizeof buf);
	buf[20] = 0;
	buf[21] = ECHO_HEADER_SIZE - 1;
	assert_decode_error(buf, sizeof buf, "echo length field out of range");
}

Test(echo, length_above_maximum_is_refused)
{
	struct echo_header h = sample_header(ECHO_HEADER_SIZE);
	uint8_t buf[ECHO_MAX_SIZE + 1];

	memset(buf, 0, sizeof buf);
	echo_encode(&h, buf, sizeof buf);
	buf[20] = (ECHO_MAX_SIZE + 1) >> 8;
	buf[21] = (ECHO_MAX_SIZE + 1) & 0xff;
	assert_decode_error(buf, sizeof buf, "echo length field out of range");
}

Test(echo, length_past_the_buffer_is_refused)
{
	struct echo_header h = sample_header(100), out;
	uint8_t buf[100];
	const char *cause = NULL;

	echo_encode(&h, buf, sizeof buf);
	/* Only the header arrived, and it claims 100 bytes. */
	cr_assert_eq(echo_decode(buf, ECHO_HEADER_SIZE, &out, &cause), -1,
		     "a header-only message claiming 100 bytes was accepted");
}

Test(echo, bad_observed_family_is_refused)
{
	struct echo_header h = sample_header(ECHO_HEADER_SIZE);
	uint8_t buf[ECHO_HEADER_SIZE];

	echo_encode(&h, buf, sizeof buf);
	buf[7] = 5;
	assert_decode_error(buf, sizeof buf, "bad observed address family");
}

Test(echo, encode_never_writes_past_size)
{
	struct echo_header h = sample_header(ECHO_HEADER_SIZE);
	uint8_t buf[64];
	size_t i;

	memset(buf, 0xaa, sizeof buf);
	echo_encode(&h, buf, 20);
	for (i = 20; i < sizeof buf; i++)
		cr_assert_eq(buf[i], 0xaa, "byte %zu past size 20 was written",
			     i);
}

Test(echo, encode_clips_length_to_the_buffer)
{
	struct echo_header h = sample_header(200), out;
	uint8_t buf[100];
	const char *cause = NULL;

	cr_assert_eq(echo_encode(&h, buf, sizeof buf), 100);
	cr_assert_eq(echo_decode(buf, sizeof buf, &out, &cause), 0);
	cr_assert_eq(out.length, 100);
}

Test(echo, make_reply_keeps_length_and_identity)
{
	struct echo_header h = sample_header(100), out;
	struct sockaddr_storage observed;
	const struct sockaddr_in *sin = (const void *)&out.observed;
	uint8_t buf[100];
	const char *cause = NULL;
	char text[INET_ADDRSTRLEN];

	memset(buf, 0, sizeof buf);
	echo_encode(&h, buf, sizeof buf);
	buf[60] = 0x5a; /* payload bytes survive */
	set_ipv4(&observed, "198.18.1.1", 1025);
	echo_make_reply(buf, sizeof buf, (const struct sockaddr *)&observed);
	cr_assert_eq(echo_decode(buf, sizeof buf, &out, &cause), 0);
	cr_assert_eq(out.type, ECHO_REPLY);
	cr_assert_eq(out.length, 100);
	cr_assert_eq(out.session, 0xdeadbeef);
	cr_assert_eq(out.seq, 123456);
	cr_assert_eq(out.attempt, 2);
	cr_assert_eq(out.sport, 40000);
	cr_assert_eq(out.dport, 7000);
	cr_assert_eq(out.observed.ss_family, AF_INET);
	cr_assert_eq(ntohs(sin->sin_port), 1025);
	inet_ntop(AF_INET, &sin->sin_addr, text, sizeof text);
	cr_assert_str_eq(text, "198.18.1.1");
	cr_assert_eq(buf[60], 0x5a);
}

Test(echo, make_reply_with_ipv6_source)
{
	struct echo_header h = sample_header(ECHO_HEADER_SIZE), out;
	struct sockaddr_storage observed;
	const struct sockaddr_in6 *sin6 = (const void *)&out.observed;
	uint8_t buf[ECHO_HEADER_SIZE];
	const char *cause = NULL;
	char text[INET6_ADDRSTRLEN];

	echo_encode(&h, buf, sizeof buf);
	set_ipv6(&observed, "2001:db8:1::1", 50000);
	echo_make_reply(buf, sizeof buf, (const struct sockaddr *)&observed);
	cr_assert_eq(echo_decode(buf, sizeof buf, &out, &cause), 0);
	cr_assert_eq(out.length, ECHO_HEADER_SIZE);
	cr_assert_eq(out.observed.ss_family, AF_INET6);
	cr_assert_eq(ntohs(sin6->sin6_port), 50000);
	inet_ntop(AF_INET6, &sin6->sin6_addr, text, sizeof text);
	cr_assert_str_eq(text, "2001:db8:1::1");
}

Test(echo, make_reply_leaves_short_buffer_alone)
{
	uint8_t buf[10];

	memset(buf, 0x11, sizeof buf);
	echo_make_reply(buf, sizeof buf, NULL);
	cr_assert_eq(buf[5], 0x11);
}
