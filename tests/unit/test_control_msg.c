/* Unit tests for common/control_msg.c: every control message through its
 * encoder and decoder, and refusals that name the member. */
/* Frames are decoded from the bytes the encoder wrote, as on the wire. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "common/control.h"
#include "common/control_msg.h"

TestSuite(control_msg);

/* msg through a frame and back, as sent from side from. */
static void
round_trip(const struct control_msg *msg, enum control_side from,
	   const struct seen_expect *expect, struct control_msg *out)
{
	size_t len, consumed;
	char *cause = NULL;
	uint8_t *frame = control_msg_encode(msg, &len, &cause);
	cJSON *json = NULL;

	cr_assert_not_null(frame, "%s", cause);
	cr_assert_eq(control_frame_decode(frame, len, CONTROL_MAX_MESSAGE,
					  &consumed, &json, &cause),
		     CONTROL_DECODE_MESSAGE);
	cr_assert_eq(control_msg_from_json(json, from, expect, out, &cause), 0,
		     "%s", cause);
	cr_assert_eq(out->type, msg->type);
	cJSON_Delete(json);
	free(frame);
}

static void
expect_refused(const char *json_text, enum control_side from,
	       const char *expected)
{
	cJSON *json = cJSON_Parse(json_text);
	struct control_msg msg;
	char *cause = NULL;

	cr_assert_not_null(json, "test JSON does not parse: %s", json_text);
	cr_assert_eq(control_msg_from_json(json, from, NULL, &msg, &cause), -1,
		     "%s was accepted", json_text);
	cr_assert_str_eq(cause, expected);
	free(cause);
	cJSON_Delete(json);
}

Test(control_msg, hellos_round_trip_on_each_side)
{
	struct control_msg msg = {.type = CONTROL_MSG_HELLO}, out;

	strcpy(msg.u.hello.client, "nacl-probe/0.2");
	msg.u.hello.keyed = true;
	memset(msg.u.hello.nonce, 0xab, sizeof msg.u.hello.nonce);
	round_trip(&msg, CONTROL_FROM_PROBE, NULL, &out);
	cr_assert_str_eq(out.u.hello.client, "nacl-probe/0.2");
	cr_assert(out.u.hello.keyed);
	cr_assert_eq(
		memcmp(out.u.hello.nonce, msg.u.hello.nonce, AUTH_NONCE_SIZE),
		0);

	memset(&msg, 0, sizeof msg);
	msg.type = CONTROL_MSG_AGENT_HELLO;
	strcpy(msg.u.agent_hello.agent, "nacl-agent/0.2");
	msg.u.agent_hello.max_rate = 100000;
	memset(msg.u.agent_hello.proof, 0x11, AUTH_PROOF_SIZE);
	round_trip(&msg, CONTROL_FROM_AGENT, NULL, &out);
	cr_assert_not(out.u.agent_hello.open);
	cr_assert_eq(out.u.agent_hello.max_rate, 100000);
	cr_assert_eq(out.u.agent_hello.proof[31], 0x11);
	msg.u.agent_hello.open = true;
	round_trip(&msg, CONTROL_FROM_AGENT, NULL, &out);
	cr_assert(out.u.agent_hello.open);
}

Test(control_msg, open_and_opened_round_trip)
{
	struct control_msg msg = {.type = CONTROL_MSG_OPEN}, out;
	char *cause = NULL;

	strcpy(msg.u.open.probe_addr, "2001:db8:1::1");
	cr_assert_eq(
		check_list_parse("udp/53,tcp/80", &msg.u.open.ports, &cause),
		0);
	cr_assert_eq(range_list_parse("1025-5000,49152-65535",
				      &msg.u.open.sports, 1, &cause),
		     0);
	msg.u.open.planned = 2 * (3976 + 16384);
	msg.u.open.keepalive_ms = 1000;
	round_trip(&msg, CONTROL_FROM_PROBE, NULL, &out);
	cr_assert_str_eq(out.u.open.probe_addr, "2001:db8:1::1");
	cr_assert_eq(out.u.open.ports.count, 2);
	cr_assert_eq(out.u.open.ports.checks[1].proto, PROTO_TCP);
	cr_assert_eq(out.u.open.ports.checks[1].port, 80);
	cr_assert_eq(range_list_size(&out.u.open.sports), 3976 + 16384);
	cr_assert_eq(out.u.open.planned, 40720);
	cr_assert_eq(out.u.open.keepalive_ms, 1000);
	control_msg_free(&out);
	control_msg_free(&msg);

	memset(&msg, 0, sizeof msg);
	msg.type = CONTROL_MSG_OPENED;
	msg.u.opened.session = 0x80000001u;
	msg.u.opened.keyed = true;
	msg.u.opened.max_seen = 387072;
	msg.u.opened.evidence = EVIDENCE_SOCKET;
	strcpy(msg.u.opened.evidence_note, "no CAP_NET_RAW");
	msg.u.opened.listen_backlog = 4096;
	msg.u.opened.syn_backlog = 2048;
	msg.u.opened.syncookies = 1;
	round_trip(&msg, CONTROL_FROM_AGENT, NULL, &out);
	cr_assert_eq(out.u.opened.session, 0x80000001u);
	cr_assert(out.u.opened.keyed);
	cr_assert_eq(out.u.opened.max_seen, 387072);
	cr_assert_eq(out.u.opened.evidence, EVIDENCE_SOCKET);
	cr_assert_str_eq(out.u.opened.evidence_note, "no CAP_NET_RAW");
	cr_assert_eq(out.u.opened.syn_backlog, 2048);
	cr_assert_eq(out.u.opened.syncookies, 1);
}

Test(control_msg, small_messages_round_trip)
{
	static const enum control_msg_type sessions[] = {
		CONTROL_MSG_SEEN_QUERY, CONTROL_MSG_CLOSE, CONTROL_MSG_CLOSED};
	struct control_msg msg = {.type = CONTROL_MSG_PING}, out;
	size_t i;

	msg.u.t = 123456789;
	round_trip(&msg, CONTROL_FROM_PROBE, NULL, &out);
	cr_assert_eq(out.u.t, 123456789);
	msg.type = CONTROL_MSG_PONG;
	round_trip(&msg, CONTROL_FROM_AGENT, NULL, &out);
	cr_assert_eq(out.u.t, 123456789);
	for (i = 0; i < 3; i++) {
		memset(&msg, 0, sizeof msg);
		msg.type = sessions[i];
		msg.u.session = 42;
		round_trip(&msg,
			   i == 2 ? CONTROL_FROM_AGENT : CONTROL_FROM_PROBE,
			   NULL, &out);
		cr_assert_eq(out.u.session, 42);
	}
	control_msg_error(&msg, "no such session on this connection");
	round_trip(&msg, CONTROL_FROM_AGENT, NULL, &out);
	cr_assert_str_eq(out.u.error, "no such session on this connection");
	control_msg_free(&out);
	control_msg_free(&msg);
	memset(&msg, 0, sizeof msg);
	msg.type = CONTROL_MSG_AUTHENTICATED;
	round_trip(&msg, CONTROL_FROM_AGENT, NULL, &out);
}

Test(control_msg, seen_round_trips_with_the_session_expected)
{
	struct control_msg msg = {.type = CONTROL_MSG_SEEN}, out;
	struct check_list checks = {NULL, 0}, reversed = {NULL, 0};
	struct seen_expect expect = {&reversed, 100};
	char *cause = NULL;

	cr_assert_eq(check_list_parse("udp/7000,tcp/7000", &checks, &cause), 0);
	cr_assert_eq(check_list_parse("tcp/7000,udp/7000", &reversed, &cause),
		     0);
	seen_report_init(&msg.u.seen, &checks, 100);
	msg.u.seen.session = 9;
	seen_report_set(&msg.u.seen, 0, SEEN_WIRE_IN, 99);
	seen_report_set(&msg.u.seen, 1, SEEN_WIRE_OUT, 3);
	round_trip(&msg, CONTROL_FROM_AGENT, &expect, &out);
	/* Put in the session's order: tcp first. */
	cr_assert_eq(out.u.seen.checks[0].proto, PROTO_TCP);
	cr_assert(seen_report_get(&out.u.seen, 0, SEEN_WIRE_OUT, 3));
	cr_assert(seen_report_get(&out.u.seen, 1, SEEN_WIRE_IN, 99));
	control_msg_free(&out);
	control_msg_free(&msg);
	check_list_free(&checks);
	check_list_free(&reversed);
}

Test(control_msg, types_are_known_per_side)
{
	expect_refused("{\"v\":2,\"type\":\"opened\",\"session\":1}",
		       CONTROL_FROM_PROBE,
		       "unknown message type 'opened' from the probe: expected "
		       "hello, auth, open, ping, seen or close");
	expect_refused("{\"v\":2,\"type\":\"ping\",\"t\":1}",
		       CONTROL_FROM_AGENT,
		       "unknown message type 'ping' from the agent: expected "
		       "hello, authenticated, opened, pong, seen, closed or "
		       "error");
}

Test(control_msg, bad_members_are_named)
{
	expect_refused("{\"type\":\"hello\",\"client\":7}", CONTROL_FROM_PROBE,
		       "'hello' member \"client\" must be a string of at most "
		       "63 bytes");
	expect_refused("{\"type\":\"hello\",\"client\":\"x\",\"nonce\":\"ab\"}",
		       CONTROL_FROM_PROBE,
		       "'hello' member \"nonce\" must be 64 hex digits");
	expect_refused("{\"type\":\"hello\",\"agent\":\"a\",\"auth\":\"rsa\","
		       "\"max_rate\":0}",
		       CONTROL_FROM_AGENT,
		       "'hello' member \"auth\" is 'rsa': expected "
		       "\"hmac-sha256\" or \"open\"");
	expect_refused("{\"type\":\"open\",\"probe_addr\":\"198.18.1.1\","
		       "\"sports\":\"40000-40999\",\"planned\":2000,"
		       "\"keepalive_ms\":1000,\"ports\":[[\"udp\",70000]]}",
		       CONTROL_FROM_PROBE,
		       "'open' member \"ports\" must hold [\"udp\"|\"tcp\", "
		       "1-65535] pairs");
	expect_refused("{\"type\":\"open\",\"probe_addr\":\"198.18.1.1\","
		       "\"sports\":\"40000-40999\",\"planned\":2000,"
		       "\"keepalive_ms\":1000,\"ports\":[[\"udp\",7],"
		       "[\"udp\",7]]}",
		       CONTROL_FROM_PROBE,
		       "'open' member \"ports\" names udp/7 twice");
	expect_refused("{\"type\":\"open\",\"probe_addr\":\"198.18.1.1\","
		       "\"sports\":\"0-5\",\"planned\":2000,"
		       "\"keepalive_ms\":1000,\"ports\":[[\"udp\",7]]}",
		       CONTROL_FROM_PROBE,
		       "'open' member \"sports\": bad port range '0-5' in "
		       "'0-5': expected PORT, FROM-TO with 1 <= FROM <= TO <= "
		       "65535 or a preset (linux, linux-legacy, windows, "
		       "windows-legacy, nat-gateway, elb, all), "
		       "comma-separated");
	expect_refused("{\"type\":\"open\",\"probe_addr\":\"198.18.1.1\","
		       "\"sports\":\"1-5\",\"planned\":2000,"
		       "\"keepalive_ms\":10,\"ports\":[[\"udp\",7]]}",
		       CONTROL_FROM_PROBE,
		       "'open' member \"keepalive_ms\" must be from 100 to "
		       "60000");
	expect_refused("{\"type\":\"opened\",\"session\":0,\"keyed\":true,"
		       "\"max_rate\":0,\"max_seen\":1,\"evidence\":\"capture\","
		       "\"evidence_note\":\"\",\"listen_backlog\":1,"
		       "\"syn_backlog\":1,\"syncookies\":1}",
		       CONTROL_FROM_AGENT,
		       "'opened' member \"session\" must be from 1 to "
		       "4294967295");
	expect_refused("{\"type\":\"close\",\"session\":1.5}",
		       CONTROL_FROM_PROBE,
		       "'close' member \"session\" must be a whole number from "
		       "0 to 4294967295");
	expect_refused("{\"type\":\"error\"}", CONTROL_FROM_AGENT,
		       "'error' member \"message\" must be a string of at most "
		       "1023 bytes");
}
