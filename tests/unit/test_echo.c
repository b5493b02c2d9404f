/* Unit tests for common/echo: the probe identity header and the observed
 * source. */
/* Pure buffers in, fields out: round trips, both families, every rejection. */
#include <arpa/inet.h>
#include <criterion/criterion.h>
#include <string.h>

#include "common/echo.h"

TestSuite(echo);

/* A request of length bytes; assert_sample_identity checks its identity. */
static struct echo_header
sample_header(uint16_t length)
{
	struct echo_header h;

	memset(&h, 0, sizeof h);
	h.type = ECHO_REQUEST;
	h.length = length;
	h.attempt = 2;
	h.session = 0xdeadbeef;
	h.seq = 123456;
	h.sport = 40000;
	h.dport = 7000;
	return h;
}

/* Asserts that h carries sample_header's identity. */
static void
assert_sample_identity(const struct echo_header *h)
{
	cr_assert_eq(h->attempt, 2);
	cr_assert_eq(h->session, 0xdeadbeef);
	cr_assert_eq(h->seq, 123456);
	cr_assert_eq(h->sport, 40000);
	cr_assert_eq(h->dport, 7000);
}

/* addr (IPv4, or IPv6 where it holds a colon) and port into *ss. */
static void
set_address(struct sockaddr_storage *ss, const char *addr, uint16_t port)
{
	struct sockaddr_in *sin = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ss;

	memset(ss, 0, sizeof *ss);
	if (strchr(addr, ':') != NULL) {
		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons(port);
		cr_assert_eq(inet_pton(AF_INET6, addr, &sin6->sin6_addr), 1);
	} else {
		sin->sin_family = AF_INET;
		sin->sin_port = htons(port);
		cr_assert_eq(inet_pton(AF_INET, addr, &sin->sin_addr), 1);
	}
}

/* Asserts that h's observed source is addr (as set_address reads it), port. */
static void
assert_observed(const struct echo_header *h, const char *addr, uint16_t port)
{
	const struct sockaddr_in *sin = (const void *)&h->observed;
	const struct sockaddr_in6 *sin6 = (const void *)&h->observed;
	char text[INET6_ADDRSTRLEN];

	if (strchr(addr, ':') != NULL) {
		cr_assert_eq(h->observed.ss_family, AF_INET6);
		cr_assert_eq(ntohs(sin6->sin6_port), port);
		inet_ntop(AF_INET6, &sin6->sin6_addr, text, sizeof text);
	} else {
		cr_assert_eq(h->observed.ss_family, AF_INET);
		cr_assert_eq(ntohs(sin->sin_port), port);
		inet_ntop(AF_INET, &sin->sin_addr, text, sizeof text);
	}
	cr_assert_str_eq(text, addr);
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
	assert_sample_identity(&out);
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
	uint8_t buf[64];
	const char *cause = NULL;

	h.type = ECHO_REPLY;
	set_address(&h.observed, "198.18.1.1", 40001);
	echo_encode(&h, buf, sizeof buf);
	cr_assert_eq(buf[7], 4);
	cr_assert_eq(echo_decode(buf, 48, &out, &cause), 0);
	cr_assert_eq(out.type, ECHO_REPLY);
	assert_observed(&out, "198.18.1.1", 40001);
}

Test(echo, ipv6_observed_address_round_trips)
{
	struct echo_header h = sample_header(ECHO_HEADER_SIZE), out;
	uint8_t buf[ECHO_HEADER_SIZE];
	const char *cause = NULL;

	h.type = ECHO_REPLY;
	set_address(&h.observed, "2001:db8:1::1", 65535);
	echo_encode(&h, buf, sizeof buf);
	cr_assert_eq(buf[7], 6);
	cr_assert_eq(echo_decode(buf, sizeof buf, &out, &cause), 0);
	assert_observed(&out, "2001:db8:1::1", 65535);
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

/* A valid header of ECHO_HEADER_SIZE bytes with one field spoiled: the
 * byte at `at` (or the 16-bit field there, width 2) set to value. */
Test(echo, spoiled_fields_are_refused)
{
	static const struct {
		const char *name;
		size_t at, width;
		uint16_t value;
		const char *error;
	} cases[] = {
		{"bad magic", 0, 1, 'X', "not an echo message (bad magic)"},
		{"bad version", 4, 1, ECHO_VERSION + 1,
		 "unsupported echo version"},
		{"type 3", 5, 1, 3, "unknown echo message type"},
		{"type 0", 5, 1, 0, "unknown echo message type"},
		{"length below the header", 20, 2, ECHO_HEADER_SIZE - 1,
		 "echo length field out of range"},
		{"observed family 5", 7, 1, 5, "bad observed address family"},
	};
	struct echo_header h = sample_header(ECHO_HEADER_SIZE), out;
	uint8_t buf[ECHO_HEADER_SIZE];
	const char *cause;

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		size_t at = cases[i].at;

		echo_encode(&h, buf, sizeof buf);
		if (cases[i].width == 2)
			buf[at++] = (uint8_t)(cases[i].value >> 8);
		buf[at] = (uint8_t)cases[i].value;
		cause = NULL;
		cr_assert_eq(echo_decode(buf, sizeof buf, &out, &cause), -1,
			     "case %s accepted", cases[i].name);
		cr_assert_not_null(cause, "case %s", cases[i].name);
		cr_assert_str_eq(cause, cases[i].error, "case %s",
				 cases[i].name);
	}
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
	uint8_t buf[100];
	const char *cause = NULL;

	memset(buf, 0, sizeof buf);
	echo_encode(&h, buf, sizeof buf);
	buf[60] = 0x5a; /* payload bytes survive */
	set_address(&observed, "198.18.1.1", 1025);
	echo_make_reply(buf, sizeof buf, (const struct sockaddr *)&observed);
	cr_assert_eq(echo_decode(buf, sizeof buf, &out, &cause), 0);
	cr_assert_eq(out.type, ECHO_REPLY);
	cr_assert_eq(out.length, 100);
	assert_sample_identity(&out);
	assert_observed(&out, "198.18.1.1", 1025);
	cr_assert_eq(buf[60], 0x5a);
}

Test(echo, make_reply_with_ipv6_source)
{
	struct echo_header h = sample_header(ECHO_HEADER_SIZE), out;
	struct sockaddr_storage observed;
	uint8_t buf[ECHO_HEADER_SIZE];
	const char *cause = NULL;

	echo_encode(&h, buf, sizeof buf);
	set_address(&observed, "2001:db8:1::1", 50000);
	echo_make_reply(buf, sizeof buf, (const struct sockaddr *)&observed);
	cr_assert_eq(echo_decode(buf, sizeof buf, &out, &cause), 0);
	cr_assert_eq(out.length, ECHO_HEADER_SIZE);
	assert_observed(&out, "2001:db8:1::1", 50000);
}

Test(echo, make_reply_leaves_short_buffer_alone)
{
	uint8_t buf[10];

	memset(buf, 0x11, sizeof buf);
	echo_make_reply(buf, sizeof buf, NULL);
	cr_assert_eq(buf[5], 0x11);
}
