/* Shared-key authentication: key files, the control channel's mutual HMAC
 * proofs, probe tokens. */
/* Nothing here is home-made crypto: HMAC-SHA-256, randomness and comparison are
 * libsodium's. */
#include "common/auth.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/wire.h"
#include "common/xmalloc.h"

int
auth_init(void)
{
	return sodium_init() < 0 ? -1 : 0;
}

/* " (reached through symlinks: REAL)" when path is not the file itself. */
static void
auth_key_where(const char *path, char *buf, size_t size)
{
	char *real = realpath(path, NULL);

	if (real != NULL && strcmp(real, path) != 0)
		snprintf(buf, size, " (reached through symlinks: %s)", real);
	else
		buf[0] = '\0';
	free(real);
}

int
auth_key_load(const char *path, struct auth_key *key, char **cause)
{
	uint8_t buf[AUTH_KEY_MAX + 2];
	char where[PATH_MAX + 40];
	struct stat st;
	ssize_t n;
	size_t len = 0;
	int fd;

	memset(key, 0, sizeof *key);
	/* Symlinks are followed (a Kubernetes Secret is agent.key ->
	 * ..data/agent.key -> ..TIMESTAMP/agent.key): what is judged is the
	 * file finally opened. */
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		*cause = xasprintf("cannot open key file %s: %s", path,
				   strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		auth_key_where(path, where, sizeof where);
		*cause = xasprintf("key file %s%s is not a regular file", path,
				   where);
		close(fd);
		return -1;
	}
	/* Group-readable is fine (a Secret mounted with fsGroup); group
	 * write or any access by others is not. */
	if (st.st_mode & 027) {
		auth_key_where(path, where, sizeof where);
		*cause = xasprintf("key file %s%s is %s by %s (mode %04o): run "
				   "'chmod 600' (or 640 for a group that "
				   "must read it) on it",
				   path, where,
				   st.st_mode & 007 ? "readable or writable"
						    : "writable",
				   st.st_mode & 007 ? "others" : "its group",
				   (unsigned)(st.st_mode & 07777));
		close(fd);
		return -1;
	}
	while ((n = read(fd, buf + len, sizeof buf - len)) > 0)
		len += (size_t)n;
	close(fd);
	if (n < 0) {
		*cause = xasprintf("cannot read key file %s: %s", path,
				   strerror(errno));
		sodium_memzero(buf, sizeof buf);
		return -1;
	}
	while (len > 0 && (buf[len - 1] == '\n' || buf[len - 1] == '\r'))
		len--;
	if (len < AUTH_KEY_MIN || len > AUTH_KEY_MAX) {
		*cause =
			xasprintf("key file %s holds %zu bytes: a key is %d to "
				  "%d bytes; make one with 'nacl-agent "
				  "--gen-key FILE'",
				  path, len, AUTH_KEY_MIN, AUTH_KEY_MAX);
		sodium_memzero(buf, sizeof buf);
		return -1;
	}
	key->bytes = xmalloc(len);
	memcpy(key->bytes, buf, len);
	key->len = len;
	sodium_memzero(buf, sizeof buf);
	return 0;
}

int
auth_key_generate(const char *path, char **cause)
{
	uint8_t raw[32];
	char hex[sizeof raw * 2 + 2];
	size_t len;
	int fd;

	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW,
		  0600);
	if (fd < 0) {
		*cause = xasprintf("cannot create key file %s: %s%s", path,
				   strerror(errno),
				   errno == EEXIST ? " (an existing key is "
						     "never overwritten)"
						   : "");
		return -1;
	}
	randombytes_buf(raw, sizeof raw);
	sodium_bin2hex(hex, sizeof hex, raw, sizeof raw);
	len = strlen(hex);
	hex[len++] = '\n';
	if (write(fd, hex, len) != (ssize_t)len || fsync(fd) != 0) {
		*cause = xasprintf("cannot write key file %s: %s", path,
				   strerror(errno));
		close(fd);
		unlink(path);
		return -1;
	}
	sodium_memzero(raw, sizeof raw);
	sodium_memzero(hex, sizeof hex);
	if (close(fd) != 0) {
		*cause = xasprintf("cannot write key file %s: %s", path,
				   strerror(errno));
		unlink(path);
		return -1;
	}
	return 0;
}

void
auth_key_free(struct auth_key *key)
{
	if (key->bytes != NULL) {
		sodium_memzero(key->bytes, key->len);
		free(key->bytes);
	}
	key->bytes = NULL;
	key->len = 0;
}

void
auth_nonce(uint8_t nonce[AUTH_NONCE_SIZE])
{
	randombytes_buf(nonce, AUTH_NONCE_SIZE);
}

static void
auth_hmac(const uint8_t *key, size_t key_len, const char *role,
	  const uint8_t *a, size_t a_len, const uint8_t *b, size_t b_len,
	  uint8_t out[crypto_auth_hmacsha256_BYTES])
{
	crypto_auth_hmacsha256_state state;

	crypto_auth_hmacsha256_init(&state, key, key_len);
	/* The role and its terminating NUL keep the uses apart. */
	crypto_auth_hmacsha256_update(&state, (const uint8_t *)role,
				      strlen(role) + 1);
	crypto_auth_hmacsha256_update(&state, a, a_len);
	if (b != NULL)
		crypto_auth_hmacsha256_update(&state, b, b_len);
	crypto_auth_hmacsha256_final(&state, out);
	sodium_memzero(&state, sizeof state);
}

void
auth_proof(const struct auth_key *key, const char *role,
	   const uint8_t probe_nonce[AUTH_NONCE_SIZE],
	   const uint8_t agent_nonce[AUTH_NONCE_SIZE],
	   uint8_t proof[AUTH_PROOF_SIZE])
{
	auth_hmac(key->bytes, key->len, role, probe_nonce, AUTH_NONCE_SIZE,
		  agent_nonce, AUTH_NONCE_SIZE, proof);
}

bool
auth_proof_verify(const struct auth_key *key, const char *role,
		  const uint8_t probe_nonce[AUTH_NONCE_SIZE],
		  const uint8_t agent_nonce[AUTH_NONCE_SIZE],
		  const uint8_t proof[AUTH_PROOF_SIZE])
{
	uint8_t expected[AUTH_PROOF_SIZE];
	bool ok;

	auth_proof(key, role, probe_nonce, agent_nonce, expected);
	ok = sodium_memcmp(expected, proof, AUTH_PROOF_SIZE) == 0;
	sodium_memzero(expected, sizeof expected);
	return ok;
}

void
auth_session_key(const struct auth_key *key,
		 const uint8_t probe_nonce[AUTH_NONCE_SIZE],
		 const uint8_t agent_nonce[AUTH_NONCE_SIZE],
		 uint8_t session_key[AUTH_SESSION_KEY_SIZE])
{
	auth_hmac(key->bytes, key->len, "session", probe_nonce, AUTH_NONCE_SIZE,
		  agent_nonce, AUTH_NONCE_SIZE, session_key);
}

/*
 * A token is libsodium's crypto_shorthash (SipHash-2-4, a MAC built for
 * short inputs, with exactly the 64 bits that fit every protocol) keyed with
 * the session key's first 128 bits: a twentieth of an HMAC's cost, on every
 * probe the probe sends and the agent checks.
 */
_Static_assert(crypto_shorthash_BYTES == AUTH_TOKEN_SIZE,
	       "a token is one SipHash output");
_Static_assert(crypto_shorthash_KEYBYTES <= AUTH_SESSION_KEY_SIZE,
	       "the session key holds a SipHash key");

static void
auth_token_full(const uint8_t session_key[AUTH_SESSION_KEY_SIZE],
		const struct auth_token_input *in,
		uint8_t token[AUTH_TOKEN_SIZE])
{
	uint8_t msg[14];

	msg[0] = (uint8_t)in->proto;
	wire_put16(msg + 1, in->dport);
	wire_put16(msg + 3, in->sport);
	wire_put32(msg + 5, in->session);
	wire_put32(msg + 9, in->seq);
	msg[13] = in->attempt;
	crypto_shorthash(token, msg, sizeof msg, session_key);
}

void
auth_token(const uint8_t session_key[AUTH_SESSION_KEY_SIZE],
	   const struct auth_token_input *in, uint8_t token[AUTH_TOKEN_SIZE])
{
	auth_token_full(session_key, in, token);
}

bool
auth_token_verify(const uint8_t session_key[AUTH_SESSION_KEY_SIZE],
		  const struct auth_token_input *in,
		  const uint8_t token[AUTH_TOKEN_SIZE])
{
	uint8_t expected[AUTH_TOKEN_SIZE];

	auth_token_full(session_key, in, expected);
	return sodium_memcmp(expected, token, AUTH_TOKEN_SIZE) == 0;
}

void
auth_hex(const uint8_t *bin, size_t len, char *out)
{
	sodium_bin2hex(out, len * 2 + 1, bin, len);
}

int
auth_unhex(const char *hex, uint8_t *bin, size_t len)
{
	size_t got = 0;
	const char *end = NULL;

	if (strlen(hex) != len * 2 ||
	    sodium_hex2bin(bin, len, hex, len * 2, NULL, &got, &end) != 0 ||
	    got != len || *end != '\0')
		return -1;
	return 0;
}
