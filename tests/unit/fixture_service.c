/* The probe ids the tests of the service modules encode: one row a suite,
 * so that each suite's wire bytes stay those its tests assert. */
#include <criterion/criterion.h>
#include <string.h>

#include "tests/unit/fixture_service.h"

static const struct {
	const char *suite;
	struct probe_id id;
} probes[] = {
	{"dns",
	 {.session = 0x01020304,
	  .seq = 77,
	  .attempt = 2,
	  .sport = 40000,
	  .dport = 53,
	  .dns_name = "example.com",
	  .nonce = 0x1234,
	  .token = "\xa1\xb2\xc3\xd4\xe5\xf6\x07\x18"}},
	{"http",
	 {.session = 0xdeadbeef,
	  .seq = 9,
	  .attempt = 1,
	  .sport = 40000,
	  .dport = 80,
	  .host = "198.18.2.1",
	  .token = "\x01\x02\x03\x04\x05\x06\x07\x08"}},
	{"ntp",
	 {.session = 0xa1b2c3d4,
	  .seq = 1234,
	  .attempt = 3,
	  .sport = 49152,
	  .dport = 123,
	  .nonce = FIXTURE_NTP_NOW | 0x55,
	  .token = "\x11\x22\x33\x44\x55\x66\x77\x88"}},
	{"quic",
	 {.session = 0xa1b2c3d4,
	  .seq = 0x01020304,
	  .attempt = 2,
	  .sport = 49152,
	  .dport = 443,
	  .nonce = 0x1122334455667788ULL,
	  .token = "\x11\x22\x33\x44\x55\x66\x77\x88"}},
	{"tls",
	 {.session = 0xa1b2c3d4,
	  .seq = 0x01020304,
	  .attempt = 2,
	  .sport = 49152,
	  .dport = 443,
	  .dns_name = "www.example.test.",
	  .host = "198.18.2.1",
	  .nonce = 0x1122334455667788ULL,
	  .token = "\x11\x22\x33\x44\x55\x66\x77\x88"}},
};

struct probe_id
fixture_probe(const char *suite, bool agent)
{
	struct probe_id id;

	for (size_t i = 0; i < sizeof probes / sizeof probes[0]; i++) {
		if (strcmp(probes[i].suite, suite) != 0)
			continue;
		id = probes[i].id;
		id.agent = agent;
		if (agent && id.dns_name != NULL)
			id.dns_name = "nacl-probe.test";
		return id;
	}
	cr_assert_fail("no probe id for suite %s", suite);
	return (struct probe_id){0};
}
