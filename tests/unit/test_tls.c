/* Unit tests for common/tls.c: the probe's ClientHello, the agent's alert,
 * and which server records answer. */
/* Byte-exact where the wire is fixed; a ClientHello openssl s_client sent is
 * answered as any real client's. */
#include <arpa/inet.h>
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "common/service.h"
#include "tests/unit/fixture_service.h"

/* The module's row, as common/service.c's table holds it. */
extern const struct service_ops tls_service;

/* Where a ClientHello's parts start: record and handshake headers,
 * legacy_version, random, then the session id's length. */
#define SID_AT 43
#define EXTENSIONS_AT (SID_AT + 1 + 32 + 10 + 2)

/* What `openssl s_client -connect ... -servername www.example.test` (OpenSSL
 * 3.0) sent first. */
static const char openssl_hello_hex[] =
	"160301013d0100013903037389d6cd60f74a3339785c7d7b0143c54001303a86"
	"53761555587f5e03b2a7722020fa8157d659569bb09288728e3fac1606f25375"
	"6d9b39ea2b5da41f57544be6003e130213031301c02cc030009fcca9cca8ccaa"
	"c02bc02f009ec024c028006bc023c0270067c00ac0140039c009c0130033009d"
	"009c003d003c0035002f00ff010000b20000001500130000107777772e657861"
	"6d706c652e74657374000b000403000102000a00160014001d0017001e001900"
	"1801000101010201030104002300000016000000170000000d002a0028040305"
	"030603080708080809080a080b08040805080604010501060103030301030204"
	"0205020602002b0009080304030303020301002d00020101003300260024001d"
	"0020c62288d225b22fe570ed4f12861a5a0ee389863958267aea29436a1379da"
	"4940";

TestSuite(tls, .init = service_setup);

static size_t
unhex(const char *hex, uint8_t *out, size_t size)
{
	size_t n = 0;
	unsigned v;

	while (hex[0] != '\0' && n < size && sscanf(hex, "%2x", &v) == 1) {
		out[n++] = (uint8_t)v;
		hex += 2;
	}
	return n;
}

static unsigned
get16(const uint8_t *p)
{
	return (unsigned)p[0] << 8 | p[1];
}

/*
 * The data of extension type in a ClientHello of len bytes, or NULL; the
 * extensions must fill the message exactly.
 */
static const uint8_t *
extension(const uint8_t *hello, size_t len, unsigned type, size_t *ext_len)
{
	const uint8_t *found = NULL;
	size_t at = EXTENSIONS_AT;

	cr_assert_eq(get16(hello + EXTENSIONS_AT - 2), len - EXTENSIONS_AT);
	while (at < len) {
		cr_assert_leq(at + 4, len);
		if (get16(hello + at) == type) {
			found = hello + at + 4;
			*ext_len = get16(hello + at + 2);
		}
		at += 4 + get16(hello + at + 2);
	}
	cr_assert_eq(at, len, "extensions overrun the message");
	return found;
}

/* Asserts that the hello has extension type, starting with the size bytes
 * of want; returns the extension's length. */
static size_t
assert_extension(const uint8_t *hello, size_t len, unsigned type,
		 const char *want, size_t size)
{
	size_t ext_len;
	const uint8_t *ext = extension(hello, len, type, &ext_len);

	cr_assert_not_null(ext, "no extension %#x", type);
	cr_assert_eq(memcmp(ext, want, size), 0, "extension %#x", type);
	return ext_len;
}

Test(tls, client_hello_framing_and_identity)
{
	struct probe_id id = fixture_probe("tls", true);
	uint8_t req[1024];
	size_t n;

	n = tls_service.request_encode(&id, PROTO_TCP, req, sizeof req);
	cr_assert_gt(n, 0);
	cr_assert_eq(memcmp(req, "\x16\x03\x01", 3), 0);
	cr_assert_eq(get16(req + 3), n - 5);
	cr_assert_eq(req[5], 1); /* client_hello */
	cr_assert_eq((size_t)req[6] << 16 | get16(req + 7), n - 9);
	cr_assert_eq(get16(req + 9), 0x0303);
	cr_assert_eq(req[SID_AT], 32);
	cr_assert_eq(memcmp(req + SID_AT + 1,
			    "np\xa1\xb2\xc3\xd4\x01\x02\x03\x04\xc0\x00\x02"
			    "\x11\x22\x33\x44\x55\x66\x77\x88",
			    21),
		     0);
	cr_assert_eq(memcmp(req + SID_AT + 33,
			    "\x00\x06\x13\x01\x13\x02\x13\x03\x01\x00", 10),
		     0);
	cr_assert_eq(assert_extension(req, n, 0x0000,
				      "\x00\x12\x00\x00\x0fnacl-probe.test",
				      20),
		     2 + 1 + 2 + 15);
}

Test(tls, client_hello_offers_tls13_with_an_x25519_share)
{
	struct probe_id id = fixture_probe("tls", false);
	uint8_t req[1024];
	size_t n, len;

	n = tls_service.request_encode(&id, PROTO_TCP, req, sizeof req);
	/* supported_versions, supported_groups, key_share */
	cr_assert_eq(assert_extension(req, n, 0x002b, "\x02\x03\x04", 3), 3);
	assert_extension(req, n, 0x000a, "\x00\x04\x00\x1d\x00\x17", 6);
	cr_assert_not_null(extension(req, n, 0x000d, &len));
	cr_assert_eq(
		assert_extension(req, n, 0x0033, "\x00\x24\x00\x1d\x00\x20", 6),
		2 + 2 + 2 + 32);
}

Test(tls, agentless_hello_has_no_identity_and_the_name_without_its_dot)
{
	struct probe_id id = fixture_probe("tls", false);
	uint8_t req[1024];
	size_t n;

	n = tls_service.request_encode(&id, PROTO_TCP, req, sizeof req);
	cr_assert_eq(req[SID_AT], 32);
	cr_assert_neq(memcmp(req + SID_AT + 1, "np", 2), 0);
	assert_extension(req, n, 0x0000, "\x00\x13\x00\x00\x10www.example.test",
			 21);
}

Test(tls, no_server_name_for_the_root_or_none)
{
	struct probe_id id = fixture_probe("tls", false);
	uint8_t req[1024];
	size_t n, len;

	id.dns_name = ".";
	n = tls_service.request_encode(&id, PROTO_TCP, req, sizeof req);
	cr_assert_null(extension(req, n, 0x0000, &len));
	id.dns_name = NULL;
	n = tls_service.request_encode(&id, PROTO_TCP, req, sizeof req);
	cr_assert_null(extension(req, n, 0x0000, &len));
}

Test(tls, the_nonce_decides_the_random_bytes)
{
	struct probe_id id = fixture_probe("tls", true);
	uint8_t a[1024], b[1024];
	size_t na, nb;

	na = tls_service.request_encode(&id, PROTO_TCP, a, sizeof a);
	nb = tls_service.request_encode(&id, PROTO_TCP, b, sizeof b);
	cr_assert_eq(na, nb);
	cr_assert_eq(memcmp(a, b, na), 0);
	id.nonce++;
	nb = tls_service.request_encode(&id, PROTO_TCP, b, sizeof b);
	cr_assert_eq(na, nb);
	cr_assert_neq(memcmp(a + 11, b + 11, 32), 0); /* random */
	cr_assert_eq(memcmp(a + SID_AT + 1, b + SID_AT + 1, 21), 0);
}

Test(tls, no_request_over_udp_or_into_a_short_buffer)
{
	struct probe_id id = fixture_probe("tls", true);
	uint8_t req[1024];

	service_assert_request_needs(
		&tls_service, &id, PROTO_TCP,
		tls_service.request_encode(&id, PROTO_TCP, req, sizeof req));
}

Test(tls, agent_answers_an_alert_and_reads_the_identity)
{
	struct probe_id id = fixture_probe("tls", true);
	struct request_info info = {0};
	struct reply_info reply;
	uint8_t req[1024], out[64];
	size_t n, outlen;

	n = tls_service.request_encode(&id, PROTO_TCP, req, sizeof req);
	cr_assert_eq(tls_service.request_answer(PROTO_TCP, req, n, &ctx, &info,
						out, sizeof out, &outlen),
		     ANSWER_REPLY);
	cr_assert_eq(outlen, 7);
	cr_assert_eq(memcmp(out, "\x15\x03\x03\x00\x02\x02\x28", 7), 0);
	service_assert_identity(&info, &id);
	cr_assert_eq(tls_service.reply_match(&id, PROTO_TCP, out, outlen, false,
					     &reply),
		     REPLY_MATCH);
	cr_assert_eq(reply.observed_port, 0);
}

Test(tls, a_real_clients_hello_is_answered_unidentified)
{
	struct request_info info = {0};
	uint8_t req[1024], out[64];
	size_t n, outlen;

	n = unhex(openssl_hello_hex, req, sizeof req);
	cr_assert_eq(n, 322);
	cr_assert_eq(tls_service.request_answer(PROTO_TCP, req, n, &ctx, &info,
						out, sizeof out, &outlen),
		     ANSWER_REPLY);
	cr_assert_eq(outlen, 7);
	cr_assert_not(info.identified);
}

Test(tls, agent_waits_for_the_whole_first_record)
{
	struct probe_id id = fixture_probe("tls", true);
	uint8_t req[1024];
	size_t n, cut;

	n = tls_service.request_encode(&id, PROTO_TCP, req, sizeof req);
	for (cut = 0; cut < n; cut++)
		cr_assert_eq(service_answer_status(&tls_service, PROTO_TCP, req,
						   cut, 64),
			     ANSWER_INCOMPLETE, "%zu of %zu bytes", cut, n);
}

static void
assert_not_a_request(const uint8_t *req, size_t len)
{
	struct request_info info = {0};
	uint8_t out[64];
	size_t outlen;

	cr_assert_eq(tls_service.request_answer(PROTO_TCP, req, len, &ctx,
						&info, out, sizeof out,
						&outlen),
		     ANSWER_INVALID);
	cr_assert_not(info.identified);
}

Test(tls, what_is_not_a_client_hello_gets_nothing)
{
	struct probe_id id = fixture_probe("tls", true);
	uint8_t req[1024];
	size_t n;

	assert_not_a_request((const uint8_t *)"GET / HTTP/1.1\r\n\r\n", 18);
	/* application_data, a ServerHello, an SSLv3 length of 0 */
	assert_not_a_request((const uint8_t *)"\x17\x03\x03\x00\x01\x00", 6);
	n = tls_service.request_encode(&id, PROTO_TCP, req, sizeof req);
	req[5] = 2;
	assert_not_a_request(req, n);
	req[5] = 1;
	req[SID_AT] = 33;
	assert_not_a_request(req, n);
	assert_not_a_request((const uint8_t *)"\x16\x03\x01\x00\x00", 5);
	req[SID_AT] = 32;
	cr_assert_eq(service_answer_status(&tls_service, PROTO_UDP, req, n, 64),
		     ANSWER_INVALID);
}

static void
assert_reply(const char *bytes, size_t len, bool eof, enum reply_status want)
{
	struct probe_id id = fixture_probe("tls", false);
	struct reply_info reply;

	cr_assert_eq(tls_service.reply_match(&id, PROTO_TCP,
					     (const uint8_t *)bytes, len, eof,
					     &reply),
		     want, "%zu bytes, eof %d", len, eof);
}

Test(tls, any_server_hello_or_alert_answers)
{
	/* A ServerHello's first bytes are enough: the rest may not fit. */
	assert_reply("\x16\x03\x03\x00\x7a\x02", 6, false, REPLY_MATCH);
	/* protocol_version from a TLS 1.0 server */
	assert_reply("\x15\x03\x01\x00\x02\x02\x46", 7, false, REPLY_MATCH);
	assert_reply("\x15\x03\x03\x00\x02\x01\x00", 7, true, REPLY_MATCH);
	assert_reply("\x15\x03\x03\x00", 4, false, REPLY_INCOMPLETE);
	assert_reply("\x15\x03\x03\x00\x02\x02", 6, false, REPLY_INCOMPLETE);
	assert_reply("\x15\x03\x03\x00\x02\x02", 6, true, REPLY_INVALID);
	assert_reply("", 0, true, REPLY_INVALID);
}

Test(tls, other_bytes_do_not_answer)
{
	assert_reply("HTTP/1.1 400 Bad Request\r\n", 26, false, REPLY_INVALID);
	assert_reply("\x15\x03\x03\x00\x03\x02\x28\x00", 8, false,
		     REPLY_INVALID);
	assert_reply("\x15\x03\x03\x00\x02\x03\x28", 7, false, REPLY_INVALID);
	assert_reply("\x16\x03\x03\x00\x04\x0b", 6, false, REPLY_INVALID);
	assert_reply("\x17\x03\x03\x00\x10\x00", 6, false, REPLY_INVALID);
	assert_reply("\x16\x02\x00\x00\x10\x02", 6, false, REPLY_INVALID);
}

Test(tls, row_capabilities)
{
	service_assert_row(&tls_service, "tls", false, true, PROTO_TCP, 443);
	/* nginx waits for the client's next flight after its ServerHello. */
	cr_assert_not(tls_service.server_closes);
	/* An alert cannot say which source the agent saw: the seen-log does. */
	cr_assert_not(tls_service.reply_says_observed);
}
