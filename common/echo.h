/* The echo service's wire header: a probe's identity and what the agent saw. */
/* Pure encode/decode over buffers, so it is unit-tested without sockets. */
#ifndef NACL_ECHO_H
#define NACL_ECHO_H

#include <netinet/in.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#define ECHO_MAGIC "NPRB"
#define ECHO_VERSION 1
#define ECHO_HEADER_SIZE 48
#define ECHO_MAX_SIZE 1472

enum echo_type { ECHO_REQUEST = 1, ECHO_REPLY = 2 };

struct echo_header {
	enum echo_type type;
	uint8_t attempt;
	uint32_t session;
	uint32_t seq;
	uint16_t sport; /* the source port the probe bound */
	uint16_t dport; /* the port the probe sent to */
	uint16_t length; /* whole message, header included */
	uint8_t token[8]; /* the session's proof (common/auth.h) */
	/* Filled in replies: the source the agent observed (NAT detection). */
	struct sockaddr_storage observed;
};

/* Writes a header (and zero padding up to h->length) into buf. */
size_t echo_encode(const struct echo_header *h, uint8_t *buf, size_t size);
/*
 * Decodes the header at buf. Returns 0, or -1 with *cause set to a static
 * sentence (wrong magic or version, short, length past the buffer).
 */
int echo_decode(const uint8_t *buf, size_t len, struct echo_header *h,
		const char **cause);
/*
 * Turns the request in buf (len bytes, already decoded) into its reply in
 * place: type and observed source. The reply is never longer than the request.
 */
void echo_make_reply(uint8_t *buf, size_t len, const struct sockaddr *observed);

#endif
