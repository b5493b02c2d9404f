/* Unit tests for common/http.c: the probe's GET, the agent's 200, parsing. */
/* Byte-exact requests and replies, including what a hostile peer may send. */
#include <arpa/inet.h>
#include <criterion/criterion.h>
#include <string.h>

#include "common/service.h"
#include "tests/unit/fixture_service.h"

/* The module's row, as common/service.c's table holds it. */
extern const struct service_ops http_service;

TestSuite(http, .init = service_setup);

static enum answer_status
answer(const char *req, char *out, size_t *outlen, struct request_info *info)
{
	memset(info, 0, sizeof *info);
	return http_service.request_answer(
		PROTO_TCP, (const uint8_t *)req, strlen(req), &ctx, info,
		(uint8_t *)out, SERVICE_MAX_MESSAGE, outlen);
}

Test(http, probe_request_is_exact)
{
	struct probe_id id = fixture_probe("http", true);
	char buf[512];
	size_t len;

	len = http_service.request_encode(&id, PROTO_TCP, (uint8_t *)buf,
					  sizeof buf);
	buf[len] = '\0';
	cr_assert_str_eq(buf, "GET /nacl-probe/deadbeef/40000/9/1/"
			      "0102030405060708 HTTP/1.1\r\n"
			      "Host: 198.18.2.1\r\n"
			      "User-Agent: nacl-probe/0.1\r\nAccept: */*\r\n"
			      "Connection: close\r\n\r\n");
	cr_assert_eq(http_service.request_encode(&id, PROTO_UDP, (uint8_t *)buf,
						 sizeof buf),
		     0);
}

Test(http, agent_answers_200_naming_the_source)
{
	struct probe_id id = fixture_probe("http", true);
	struct request_info info;
	struct reply_info reply;
	char req[512], out[SERVICE_MAX_MESSAGE];
	size_t len, outlen;

	len = http_service.request_encode(&id, PROTO_TCP, (uint8_t *)req,
					  sizeof req);
	req[len] = '\0';
	cr_assert_eq(answer(req, out, &outlen, &info), ANSWER_REPLY);
	out[outlen] = '\0';
	cr_assert_str_eq(out, "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n"
			      "Content-Length: 32\r\nConnection: close\r\n\r\n"
			      "seen from 198.18.1.1 port 40000\n");
	cr_assert(info.identified);
	cr_assert_eq(info.session, 0xdeadbeef);
	cr_assert_eq(info.sport, 40000);
	cr_assert_eq(http_service.reply_match(&id, PROTO_TCP, (uint8_t *)out,
					      outlen, false, &reply),
		     REPLY_MATCH);
	cr_assert_eq(reply.observed_port, 40000);
	/* Every shorter prefix waits for more; at EOF it is no reply. */
	cr_assert_eq(http_service.reply_match(&id, PROTO_TCP, (uint8_t *)out,
					      outlen - 1, false, &reply),
		     REPLY_INCOMPLETE);
	cr_assert_eq(http_service.reply_match(&id, PROTO_TCP, (uint8_t *)out,
					      20, false, &reply),
		     REPLY_INCOMPLETE);
}

Test(http, curl_request_gets_a_200_unidentified)
{
	struct request_info info;
	char out[SERVICE_MAX_MESSAGE];
	size_t outlen;

	cr_assert_eq(answer("GET / HTTP/1.1\r\nHost: 198.18.2.1\r\n"
			    "User-Agent: curl/7.88.1\r\nAccept: */*\r\n\r\n",
			    out, &outlen, &info),
		     ANSWER_REPLY);
	cr_assert_not(info.identified);
	cr_assert_eq(strncmp(out, "HTTP/1.1 200 OK\r\n", 17), 0);
}

Test(http, tiny_request_gets_a_reply_within_64_bytes_of_it)
{
	static const char req[] = "GET / HTTP/1.0\r\n\r\n";
	struct request_info info;
	char out[SERVICE_MAX_MESSAGE];
	size_t outlen;

	cr_assert_eq(answer(req, out, &outlen, &info), ANSWER_REPLY);
	out[outlen] = '\0';
	cr_assert_str_eq(out, "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n"
			      "Connection: close\r\n\r\n");
	cr_assert_leq(outlen, sizeof req - 1 + SERVICE_MAX_GROWTH);
}

Test(http, head_gets_no_body)
{
	struct request_info info;
	char out[SERVICE_MAX_MESSAGE];
	size_t outlen;

	cr_assert_eq(answer("HEAD /nacl-probe/00000001/1024/0/1/"
			    "0102030405060708 HTTP/1.1\r\n"
			    "Host: x\r\n\r\n",
			    out, &outlen, &info),
		     ANSWER_REPLY);
	out[outlen] = '\0';
	cr_assert_str_eq(out,
			 "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n"
			 "Content-Length: 32\r\nConnection: close\r\n\r\n");
	cr_assert(info.identified);
	cr_assert_eq(info.sport, 1024);
	cr_assert_eq(memcmp(info.token, "\x01\x02\x03\x04\x05\x06\x07\x08", 8),
		     0);
}

Test(http, incomplete_and_hostile_requests)
{
	struct request_info info;
	char out[SERVICE_MAX_MESSAGE], big[SERVICE_MAX_MESSAGE + 1];
	size_t outlen;

	cr_assert_eq(
		answer("GET / HTTP/1.1\r\nHost: x\r\n", out, &outlen, &info),
		ANSWER_INCOMPLETE);
	cr_assert_eq(answer("POST / HTTP/1.1\r\n\r\n", out, &outlen, &info),
		     ANSWER_INVALID);
	cr_assert_eq(answer("GET / SMTP/1.1\r\n\r\n", out, &outlen, &info),
		     ANSWER_INVALID);
	cr_assert_eq(answer("GET /\r\n\r\n", out, &outlen, &info),
		     ANSWER_INVALID);
	cr_assert_eq(
		answer("GET / HTTP/1.1 extra\r\n\r\n", out, &outlen, &info),
		ANSWER_INVALID);
	cr_assert_eq(answer("GET / HTTP/1.1\n\r\n\r\n", out, &outlen, &info),
		     ANSWER_INVALID);
	memset(big, 'a', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	cr_assert_eq(answer(big, out, &outlen, &info), ANSWER_INVALID);
	/* Identity with trailing bytes, or a port out of range, is none. */
	cr_assert_eq(
		answer("GET /nacl-probe/00000001/1024/0/1x HTTP/1.1\r\n\r\n",
		       out, &outlen, &info),
		ANSWER_REPLY);
	cr_assert_not(info.identified);
	cr_assert_eq(
		answer("GET /nacl-probe/00000001/70000/0/1 HTTP/1.1\r\n\r\n",
		       out, &outlen, &info),
		ANSWER_REPLY);
	cr_assert_not(info.identified);
}

static enum reply_status
match(bool agent, const char *reply, bool eof, uint16_t *observed)
{
	struct probe_id id = fixture_probe("http", agent);
	struct reply_info info;
	enum reply_status rc;

	rc = http_service.reply_match(&id, PROTO_TCP, (const uint8_t *)reply,
				      strlen(reply), eof, &info);
	*observed = info.observed_port;
	return rc;
}

Test(http, any_status_from_a_real_server_is_a_reply)
{
	/* What a server without an agent sent, whether the stream ended. */
	static const struct {
		const char *reply;
		bool eof;
		enum reply_status status;
	} cases[] = {
		{"HTTP/1.1 404 Not Found\r\n", false, REPLY_MATCH},
		{"HTTP/1.0 503\r\n", false, REPLY_MATCH},
		{"HTTP/1.1 200 OK", false, REPLY_INCOMPLETE},
		{"HTTP/1.1 200 OK", true, REPLY_INVALID},
		{"SSH-2.0-OpenSSH\r\n", false, REPLY_INVALID},
		{"HTTP/2.0 200 OK\r\n", false, REPLY_INVALID},
		{"HTTP/1.1 20 OK\r\n", false, REPLY_INVALID},
	};
	uint16_t observed;

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
		cr_assert_eq(
			match(false, cases[i].reply, cases[i].eof, &observed),
			cases[i].status, "case %zu: %s, eof %d", i,
			cases[i].reply, cases[i].eof);
}

Test(http, agent_reply_needs_its_body_or_eof)
{
	uint16_t observed;

	cr_assert_eq(match(true,
			   "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nab",
			   false, &observed),
		     REPLY_INCOMPLETE);
	cr_assert_eq(match(true, "HTTP/1.1 200 OK\r\n\r\nseen from x port 7\n",
			   false, &observed),
		     REPLY_INCOMPLETE);
	cr_assert_eq(match(true, "HTTP/1.1 200 OK\r\n\r\nseen from x port 7\n",
			   true, &observed),
		     REPLY_MATCH);
	cr_assert_eq(observed, 7);
	cr_assert_eq(match(true, "HTTP/1.1 200 OK\r\nContent-Length: x\r\n\r\n",
			   false, &observed),
		     REPLY_INVALID);
	cr_assert_eq(match(true,
			   "HTTP/1.1 200 OK\r\ncontent-length: 1\r\n"
			   "Content-Length: 2\r\n\r\nab",
			   false, &observed),
		     REPLY_INVALID);
	cr_assert_eq(
		match(true,
		      "HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n",
		      false, &observed),
		REPLY_MATCH);
	cr_assert_eq(observed, 0);
}
