/* HTTP/1.1: the probe's GET and the agent's 200, both parsed as pure functions.
 */
/* Hand-written rather than evhttp: the probe needs its own bound, reusable
 * sockets, and the agent must keep every reply within 64 bytes of its request,
 * which evhttp's added headers would break. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/netaddr.h"
#include "common/service.h"

#define HTTP_PATH_PREFIX "/nacl-probe/"

static size_t
http_request_encode(const struct probe_id *id, enum proto proto, uint8_t *buf,
		    size_t size)
{
	char path[96], token[AUTH_TOKEN_SIZE * 2 + 1];
	int n;

	if (proto != PROTO_TCP)
		return 0;
	auth_hex(id->token, AUTH_TOKEN_SIZE, token);
	if (id->agent)
		snprintf(path, sizeof path, HTTP_PATH_PREFIX "%08x/%u/%u/%u/%s",
			 id->session, id->sport, id->seq, id->attempt, token);
	else
		strcpy(path, "/");
	n = snprintf((char *)buf, size,
		     "GET %s HTTP/1.1\r\nHost: %s\r\n"
		     "User-Agent: nacl-probe/0.1\r\nAccept: */*\r\n"
		     "Connection: close\r\n\r\n",
		     path, id->host != NULL ? id->host : "localhost");
	return n > 0 && (size_t)n < size ? (size_t)n : 0;
}

/* The end of the header block ("\r\n\r\n"), or NULL. */
static const uint8_t *
http_head_end(const uint8_t *buf, size_t len)
{
	size_t i;

	for (i = 0; i + 3 < len; i++)
		if (memcmp(buf + i, "\r\n\r\n", 4) == 0)
			return buf + i + 4;
	return NULL;
}

/* Parses "HTTP/1.x NNN reason\r\n"; the status code, or -1. */
static int
http_status_line(const uint8_t *buf, size_t len, size_t *line_len)
{
	const uint8_t *eol = memchr(buf, '\n', len);
	int code;

	if (eol == NULL || eol == buf || eol[-1] != '\r')
		return -1;
	*line_len = (size_t)(eol - buf) + 1;
	if (*line_len < 14 || memcmp(buf, "HTTP/1.", 7) != 0 ||
	    (buf[7] != '0' && buf[7] != '1') || buf[8] != ' ' ||
	    !isdigit(buf[9]) || !isdigit(buf[10]) || !isdigit(buf[11]) ||
	    (buf[12] != ' ' && buf[12] != '\r'))
		return -1;
	code = (buf[9] - '0') * 100 + (buf[10] - '0') * 10 + (buf[11] - '0');
	return code >= 100 ? code : -1;
}

/*
 * The Content-Length of the header block head..end: 0 and *present false
 * when absent, -1 when malformed or given twice with different values.
 */
static long
http_content_length(const uint8_t *head, const uint8_t *end, bool *present)
{
	static const char name[] = "content-length:";
	const uint8_t *line = head, *eol;
	long value = 0, v;
	size_t i;

	*present = false;
	for (; line < end; line = eol + 1) {
		eol = memchr(line, '\n', (size_t)(end - line));
		if (eol == NULL)
			break;
		if ((size_t)(eol - line) < sizeof name - 1)
			continue;
		for (i = 0; i < sizeof name - 1; i++)
			if (tolower(line[i]) != name[i])
				break;
		if (i < sizeof name - 1)
			continue;
		for (i = sizeof name - 1; line + i < eol && line[i] == ' '; i++)
			;
		if (line + i >= eol || !isdigit(line[i]))
			return -1;
		for (v = 0; line + i < eol && isdigit(line[i]); i++) {
			v = v * 10 + (line[i] - '0');
			if (v > 1000000000L)
				return -1;
		}
		if (line[i] != '\r' || (*present && v != value))
			return -1;
		value = v;
		*present = true;
	}
	return value;
}

static enum reply_status
http_reply_match(const struct probe_id *id, enum proto proto,
		 const uint8_t *buf, size_t len, bool eof,
		 struct reply_info *info)
{
	const uint8_t *end;
	size_t line_len, body_len;
	long content_length;
	bool present;
	char body[128];
	unsigned port;
	int code;

	info->observed_port = 0;
	if (proto != PROTO_TCP)
		return REPLY_INVALID;
	if (memchr(buf, '\n', len) == NULL)
		return eof || len >= SERVICE_MAX_MESSAGE ? REPLY_INVALID
							 : REPLY_INCOMPLETE;
	code = http_status_line(buf, len, &line_len);
	if (code < 0)
		return REPLY_INVALID;
	/* Any HTTP response shows the path is open; the agent's says more. */
	if (!id->agent)
		return REPLY_MATCH;
	end = http_head_end(buf, len);
	if (end == NULL)
		return eof || len >= SERVICE_MAX_MESSAGE ? REPLY_INVALID
							 : REPLY_INCOMPLETE;
	content_length = http_content_length(buf + line_len, end, &present);
	if (content_length < 0)
		return REPLY_INVALID;
	body_len = len - (size_t)(end - buf);
	if (present && body_len < (size_t)content_length && !eof)
		return REPLY_INCOMPLETE;
	if (!present && !eof)
		return REPLY_INCOMPLETE;
	if (present && body_len > (size_t)content_length)
		body_len = (size_t)content_length;
	if (code == 200 && body_len < sizeof body) {
		memcpy(body, end, body_len);
		body[body_len] = '\0';
		if (sscanf(body, "seen from %*s port %u", &port) == 1 &&
		    port > 0 && port <= 65535)
			info->observed_port = (uint16_t)port;
	}
	return REPLY_MATCH;
}

static void
http_parse_identity(const char *target, struct request_info *info)
{
	unsigned session, sport, seq, attempt;
	char hex[AUTH_TOKEN_SIZE * 2 + 1];
	uint8_t token[AUTH_TOKEN_SIZE];
	int n = 0;

	if (strncmp(target, HTTP_PATH_PREFIX, sizeof HTTP_PATH_PREFIX - 1) != 0)
		return;
	if (sscanf(target + sizeof HTTP_PATH_PREFIX - 1,
		   "%8x/%5u/%10u/%3u/%16[0-9a-f]%n", &session, &sport, &seq,
		   &attempt, hex, &n) != 5 ||
	    target[sizeof HTTP_PATH_PREFIX - 1 + (size_t)n] != '\0' ||
	    sport == 0 || sport > 65535 || attempt > 255 ||
	    auth_unhex(hex, token, AUTH_TOKEN_SIZE) != 0)
		return;
	service_identity_set(info, session, (uint16_t)sport, seq,
			     (uint8_t)attempt, token);
}

static size_t
http_write_reply(const struct answer_context *ctx, bool head, bool full,
		 uint8_t *out, size_t size)
{
	char addr[NETADDR_STRLEN], body[96];
	int n, body_len;

	if (!full)
		n = snprintf((char *)out, size,
			     "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n"
			     "Connection: close\r\n\r\n");
	else {
		body_len = snprintf(body, sizeof body, "seen from %s port %u\n",
				    netaddr_format(ctx->peer, addr),
				    netaddr_port(ctx->peer));
		n = snprintf(
			(char *)out, size,
			"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n"
			"Content-Length: %d\r\nConnection: close\r\n\r\n%s",
			body_len, head ? "" : body);
	}
	return n > 0 && (size_t)n < size ? (size_t)n : 0;
}

static enum answer_status
http_request_answer(enum proto proto, const uint8_t *req, size_t len,
		    const struct answer_context *ctx, struct request_info *info,
		    uint8_t *out, size_t size, size_t *outlen)
{
	char method[8], target[256], version[16];
	const uint8_t *end, *eol;
	size_t line;
	bool head;

	if (proto != PROTO_TCP)
		return ANSWER_INVALID;
	end = http_head_end(req, len);
	if (end == NULL)
		return len >= SERVICE_MAX_MESSAGE ? ANSWER_INVALID
						  : ANSWER_INCOMPLETE;
	eol = memchr(req, '\n', len);
	line = (size_t)(eol - req);
	if (line < 2 || req[line - 1] != '\r' || memchr(req, '\0', line))
		return ANSWER_INVALID;
	{
		char text[sizeof target + 32];
		int n = 0;

		if (line - 1 >= sizeof text)
			return ANSWER_INVALID;
		memcpy(text, req, line - 1);
		text[line - 1] = '\0';
		if (sscanf(text, "%7s %255s %15s%n", method, target, version,
			   &n) != 3 ||
		    text[n] != '\0' || strncmp(version, "HTTP/1.", 7) != 0)
			return ANSWER_INVALID;
	}
	if (strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0)
		return ANSWER_INVALID;
	head = strcmp(method, "HEAD") == 0;
	http_parse_identity(target, info);
	*outlen = http_write_reply(ctx, head, true, out, size);
	/* Never more than 64 bytes above the request: drop the body first. */
	if (*outlen == 0 || *outlen > (size_t)(end - req) + SERVICE_MAX_GROWTH)
		*outlen = http_write_reply(ctx, head, false, out, size);
	return *outlen > 0 ? ANSWER_REPLY : ANSWER_INVALID;
}

const struct service_ops http_service = {
	.name = "http",
	.udp = false,
	.tcp = true,
	.default_ports = {{PROTO_TCP, 80}},
	.server_closes = true,
	.reply_says_observed = true,
	.request_encode = http_request_encode,
	.reply_match = http_reply_match,
	.request_answer = http_request_answer,
};
