/* Shared-key authentication: key files, the control channel's mutual HMAC
 * proofs, probe tokens. */
/* All crypto is libsodium's HMAC-SHA-256, SipHash-2-4 and randombytes;
 * comparisons are constant-time. */
#ifndef NACL_AUTH_H
#define NACL_AUTH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/proto.h"

#define AUTH_KEY_MIN 32
#define AUTH_KEY_MAX 4096
#define AUTH_NONCE_SIZE 32
#define AUTH_PROOF_SIZE 32
#define AUTH_SESSION_KEY_SIZE 32
/* The MAC every probe carries (SipHash-2-4): 64 bits fit every protocol. */
#define AUTH_TOKEN_SIZE 8

struct auth_key {
	uint8_t *bytes;
	size_t len;
};

/* Makes libsodium ready; -1 when it cannot be (no randomness). */
int auth_init(void);
/*
 * Reads a key file: at least AUTH_KEY_MIN bytes (a trailing newline is not
 * part of the key). Symlinks are followed; the file finally opened must be
 * a regular file others cannot read or write and its group cannot write
 * (group-readable is fine: a Secret mounted with fsGroup). Returns 0, or -1
 * with *cause (malloc'd) naming the file and what to do. auth_key_free() it.
 */
int auth_key_load(const char *path, struct auth_key *key, char **cause);
/* Creates path (mode 0600, never over an existing file) with a new random
 * key: 32 random bytes as 64 hex digits and a newline. */
int auth_key_generate(const char *path, char **cause);
/* Wipes and frees; auth_key_free on an empty key is a no-op. */
void auth_key_free(struct auth_key *key);

void auth_nonce(uint8_t nonce[AUTH_NONCE_SIZE]);
/* HMAC(key, role || probe nonce || agent nonce): role "agent" or "probe". */
void auth_proof(const struct auth_key *key, const char *role,
		const uint8_t probe_nonce[AUTH_NONCE_SIZE],
		const uint8_t agent_nonce[AUTH_NONCE_SIZE],
		uint8_t proof[AUTH_PROOF_SIZE]);
/* Constant-time check of a proof. */
bool auth_proof_verify(const struct auth_key *key, const char *role,
		       const uint8_t probe_nonce[AUTH_NONCE_SIZE],
		       const uint8_t agent_nonce[AUTH_NONCE_SIZE],
		       const uint8_t proof[AUTH_PROOF_SIZE]);
/* The session's own key, derived from the shared key and both nonces. */
void auth_session_key(const struct auth_key *key,
		      const uint8_t probe_nonce[AUTH_NONCE_SIZE],
		      const uint8_t agent_nonce[AUTH_NONCE_SIZE],
		      uint8_t session_key[AUTH_SESSION_KEY_SIZE]);

/* What a probe's token vouches for. */
struct auth_token_input {
	enum proto proto;
	uint16_t dport;
	uint16_t sport; /* as the probe bound it */
	uint32_t session;
	uint32_t seq;
	uint8_t attempt;
};

void auth_token(const uint8_t session_key[AUTH_SESSION_KEY_SIZE],
		const struct auth_token_input *in,
		uint8_t token[AUTH_TOKEN_SIZE]);
bool auth_token_verify(const uint8_t session_key[AUTH_SESSION_KEY_SIZE],
		       const struct auth_token_input *in,
		       const uint8_t token[AUTH_TOKEN_SIZE]);

/* Hex for JSON: out gets 2 * len + 1 bytes. */
void auth_hex(const uint8_t *bin, size_t len, char *out);
/* Exactly len bytes from 2 * len hex digits; -1 otherwise. */
int auth_unhex(const char *hex, uint8_t *bin, size_t len);

#endif
