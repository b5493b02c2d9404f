/* TLS 1.3 (RFC 8446) over TCP: the probe's ClientHello, any TLS record back
 * as its answer, and the agent's alert, as pure functions over buffers. */
/* A probe's identity rides in the ClientHello's legacy_session_id: "np",
 * session, sequence, source port, attempt and token; the rest is random. */
#include <sodium.h>
#include <string.h>

#include "common/service.h"
#include "common/wire.h"

#define TLS_RECORD_ALERT 21
#define TLS_RECORD_HANDSHAKE 22
#define TLS_HANDSHAKE_CLIENT_HELLO 1
#define TLS_HANDSHAKE_SERVER_HELLO 2
/* A plaintext record holds at most 2^14 bytes, a protected one 256 more. */
#define TLS_MAX_RECORD (16384 + 256)
#define TLS_RANDOM_SIZE 32
#define TLS_SESSION_ID_SIZE 32
#define TLS_ID_MAGIC "np"
/* Record header, handshake header, legacy_version, random. */
#define TLS_SESSION_ID_AT (5 + 4 + 2 + TLS_RANDOM_SIZE)

/* Bytes written into a buffer that may be too small: len grows anyway, so
 * one check at the end tells. */
struct tls_writer {
	uint8_t *buf;
	size_t size, len;
};

static void
tls_put(struct tls_writer *w, const void *data, size_t n)
{
	if (w->len + n <= w->size)
		memcpy(w->buf + w->len, data, n);
	w->len += n;
}

static void
tls_put8(struct tls_writer *w, unsigned v)
{
	uint8_t b = (uint8_t)v;

	tls_put(w, &b, 1);
}

static void
tls_put16(struct tls_writer *w, unsigned v)
{
	uint8_t b[2];

	wire_put16(b, (uint16_t)v);
	tls_put(w, b, 2);
}

/* Starts a length field of n bytes; tls_end fills it in. */
static size_t
tls_begin(struct tls_writer *w, size_t n)
{
	size_t at = w->len;

	while (n-- > 0)
		tls_put8(w, 0);
	return at;
}

static void
tls_end(struct tls_writer *w, size_t at, size_t n)
{
	size_t value = w->len - at - n, i;

	if (w->len > w->size)
		return;
	for (i = 0; i < n; i++)
		w->buf[at + i] = (uint8_t)(value >> 8 * (n - 1 - i));
}

/* The legacy_session_id of id: its identity with an agent. */
static void
tls_session_id(const struct probe_id *id, uint64_t *state,
	       uint8_t sid[TLS_SESSION_ID_SIZE])
{
	service_nonce_bytes(state, sid, TLS_SESSION_ID_SIZE);
	if (!id->agent)
		return;
	memcpy(sid, TLS_ID_MAGIC, 2);
	service_identity_pack(id, sid + 2);
}

/* server_name (RFC 6066): the DNS name without its final dot; none for the
 * root or a name too long for it. */
static void
tls_put_server_name(struct tls_writer *w, const char *name)
{
	size_t n = name != NULL ? strlen(name) : 0, ext, list, host;

	if (n > 0 && name[n - 1] == '.')
		n--;
	if (n == 0 || n > 253)
		return;
	tls_put16(w, 0);
	ext = tls_begin(w, 2);
	list = tls_begin(w, 2);
	tls_put8(w, 0); /* host_name */
	host = tls_begin(w, 2);
	tls_put(w, name, n);
	tls_end(w, host, 2);
	tls_end(w, list, 2);
	tls_end(w, ext, 2);
}

/* The extensions a TLS 1.3 client sends: name, groups, signature schemes,
 * version, PSK modes and an X25519 key share. */
static void
tls_put_extensions(struct tls_writer *w, const struct probe_id *id,
		   uint64_t *state)
{
	static const uint8_t fixed[] = {
		0x00, 0x0a, 0x00, 0x06, 0x00, 0x04, 0x00, 0x1d, 0x00,
		0x17, 0x00, 0x0d, 0x00, 0x12, 0x00, 0x10, 0x04, 0x03,
		0x08, 0x04, 0x04, 0x01, 0x05, 0x03, 0x08, 0x05, 0x05,
		0x01, 0x08, 0x06, 0x06, 0x01, 0x00, 0x2b, 0x00, 0x03,
		0x02, 0x03, 0x04, 0x00, 0x2d, 0x00, 0x02, 0x01, 0x01,
	};
	uint8_t secret[crypto_scalarmult_curve25519_SCALARBYTES];
	uint8_t share[crypto_scalarmult_curve25519_BYTES];
	size_t ext;

	tls_put_server_name(w, id->dns_name);
	tls_put(w, fixed, sizeof fixed);
	/* A real public key: servers refuse a low-order point. */
	service_nonce_bytes(state, secret, sizeof secret);
	if (crypto_scalarmult_curve25519_base(share, secret) != 0)
		service_nonce_bytes(state, share, sizeof share);
	tls_put16(w, 0x33);
	ext = tls_begin(w, 2);
	tls_put16(w, 2 + 2 + sizeof share);
	tls_put16(w, 0x1d);
	tls_put16(w, sizeof share);
	tls_put(w, share, sizeof share);
	tls_end(w, ext, 2);
}

static size_t
tls_request_encode(const struct probe_id *id, enum proto proto, uint8_t *buf,
		   size_t size)
{
	static const uint8_t suites[] = {0x00, 0x06, 0x13, 0x01, 0x13,
					 0x02, 0x13, 0x03, 0x01, 0x00};
	struct tls_writer w = {buf, size, 0};
	uint8_t random[TLS_RANDOM_SIZE], sid[TLS_SESSION_ID_SIZE];
	uint64_t state = id->nonce;
	size_t record, handshake, extensions;

	if (proto != PROTO_TCP || sodium_init() < 0)
		return 0;
	service_nonce_bytes(&state, random, sizeof random);
	tls_session_id(id, &state, sid);
	tls_put8(&w, TLS_RECORD_HANDSHAKE);
	tls_put16(&w, 0x0301); /* as TLS 1.3 clients send for middleboxes */
	record = tls_begin(&w, 2);
	tls_put8(&w, TLS_HANDSHAKE_CLIENT_HELLO);
	handshake = tls_begin(&w, 3);
	tls_put16(&w, 0x0303); /* legacy_version: TLS 1.2 */
	tls_put(&w, random, sizeof random);
	tls_put8(&w, sizeof sid);
	tls_put(&w, sid, sizeof sid);
	/* TLS_AES_128_GCM_SHA256, _256_GCM_SHA384, CHACHA20_POLY1305_SHA256;
	 * compression: null only. */
	tls_put(&w, suites, sizeof suites);
	extensions = tls_begin(&w, 2);
	tls_put_extensions(&w, id, &state);
	tls_end(&w, extensions, 2);
	tls_end(&w, handshake, 3);
	tls_end(&w, record, 2);
	return w.len <= size ? w.len : 0;
}

/*
 * Reads the TLS record header at buf: 1 with *type and *record_len, 0 when
 * fewer than 5 bytes tell, -1 when buf starts with no TLS record.
 */
static int
tls_record_header(const uint8_t *buf, size_t len, unsigned *type,
		  size_t *record_len)
{
	if (len < 5)
		return 0;
	*type = buf[0];
	*record_len = (size_t)buf[3] << 8 | buf[4];
	if (buf[1] != 3 || buf[2] > 4 || *record_len == 0 ||
	    *record_len > TLS_MAX_RECORD)
		return -1;
	return 1;
}

/* Any TLS record a server starts with answers: its ServerHello (or
 * HelloRetryRequest), or an alert. */
static enum reply_status
tls_reply_match(const struct probe_id *id, enum proto proto, const uint8_t *buf,
		size_t len, bool eof, struct reply_info *info)
{
	size_t record_len;
	unsigned type;
	int header;

	(void)id;
	info->observed_port = 0;
	if (proto != PROTO_TCP)
		return REPLY_INVALID;
	header = tls_record_header(buf, len, &type, &record_len);
	if (header < 0)
		return REPLY_INVALID;
	if (header == 0 || len < 5 + (type == TLS_RECORD_ALERT ? 2 : (size_t)1))
		return eof ? REPLY_INVALID : REPLY_INCOMPLETE;
	if (type == TLS_RECORD_ALERT)
		return record_len == 2 && (buf[5] == 1 || buf[5] == 2)
			       ? REPLY_MATCH
			       : REPLY_INVALID;
	if (type == TLS_RECORD_HANDSHAKE)
		return buf[5] == TLS_HANDSHAKE_SERVER_HELLO ? REPLY_MATCH
							    : REPLY_INVALID;
	return REPLY_INVALID;
}

/* Reads the identity from a legacy_session_id, if it carries one. */
static void
tls_parse_identity(const uint8_t *sid, size_t len, struct request_info *info)
{
	if (len != TLS_SESSION_ID_SIZE || memcmp(sid, TLS_ID_MAGIC, 2) != 0)
		return;
	service_identity_unpack(sid + 2, info);
}

/*
 * A ClientHello gets a fatal handshake_failure alert: 7 bytes, nothing
 * secret. The whole first record is read first (or as much as the agent
 * holds), so the client is not reset while still sending.
 */
static enum answer_status
tls_request_answer(enum proto proto, const uint8_t *req, size_t len,
		   const struct answer_context *ctx, struct request_info *info,
		   uint8_t *out, size_t size, size_t *outlen)
{
	/* An alert record (TLS 1.2 on the wire): fatal, handshake_failure. */
	static const uint8_t alert[7] = "\x15\x03\x03\x00\x02\x02\x28";
	size_t record_len, sid_len;
	unsigned type;
	int header;

	(void)ctx;
	if (proto != PROTO_TCP)
		return ANSWER_INVALID;
	header = tls_record_header(req, len, &type, &record_len);
	if (header == 0)
		return ANSWER_INCOMPLETE;
	if (header < 0 || type != TLS_RECORD_HANDSHAKE ||
	    record_len < TLS_SESSION_ID_AT - 5 + 1)
		return ANSWER_INVALID;
	if (len < 5 + record_len && len < SERVICE_MAX_MESSAGE)
		return ANSWER_INCOMPLETE;
	if (len < TLS_SESSION_ID_AT + 1 ||
	    req[5] != TLS_HANDSHAKE_CLIENT_HELLO || req[9] != 3)
		return ANSWER_INVALID;
	sid_len = req[TLS_SESSION_ID_AT];
	if (sid_len > TLS_SESSION_ID_SIZE ||
	    TLS_SESSION_ID_AT + 1 + sid_len > 5 + record_len ||
	    TLS_SESSION_ID_AT + 1 + sid_len > len || size < sizeof alert)
		return ANSWER_INVALID;
	tls_parse_identity(req + TLS_SESSION_ID_AT + 1, sid_len, info);
	memcpy(out, alert, sizeof alert);
	*outlen = sizeof alert;
	return ANSWER_REPLY;
}

const struct service_ops tls_service = {
	.name = "tls",
	.udp = false,
	.tcp = true,
	.default_ports = {{PROTO_TCP, 443}},
	/* A real server waits for the client's next flight. */
	.server_closes = false,
	/* An alert has no room for the source the agent saw. */
	.reply_says_observed = false,
	.request_encode = tls_request_encode,
	.reply_match = tls_reply_match,
	.request_answer = tls_request_answer,
};
