/* Unit tests for common/auth.c: key files, proofs, session keys, tokens. */
/* Key files are made in a temporary folder with the modes under test. */
#include <criterion/criterion.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/auth.h"

static char dir[64];

static void
setup(void)
{
	strcpy(dir, "/tmp/nacl-auth-XXXXXX");
	cr_assert_not_null(mkdtemp(dir));
	cr_assert_eq(auth_init(), 0);
}

static void
teardown(void)
{
	char cmd[128];

	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	cr_assert_eq(system(cmd), 0);
}

TestSuite(auth, .init = setup, .fini = teardown);

static char *
key_file(const char *name, const char *content, mode_t mode)
{
	static char path[128];
	int fd;

	snprintf(path, sizeof path, "%s/%s", dir, name);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	cr_assert_geq(fd, 0);
	cr_assert_eq(write(fd, content, strlen(content)),
		     (ssize_t)strlen(content));
	close(fd);
	cr_assert_eq(chmod(path, mode), 0);
	return path;
}

static void
assert_load_error(const char *path, const char *expected)
{
	struct auth_key key;
	char *cause = NULL;

	cr_assert_eq(auth_key_load(path, &key, &cause), -1);
	cr_assert_str_eq(cause, expected);
	cr_assert_null(key.bytes);
	free(cause);
}

Test(auth, generated_key_loads_without_its_newline)
{
	struct auth_key key;
	char path[128], *cause = NULL;
	struct stat st;

	snprintf(path, sizeof path, "%s/new.key", dir);
	cr_assert_eq(auth_key_generate(path, &cause), 0);
	cr_assert_eq(stat(path, &st), 0);
	cr_assert_eq(st.st_mode & 0777, 0600);
	cr_assert_eq(st.st_size, 65);
	cr_assert_eq(auth_key_load(path, &key, &cause), 0);
	cr_assert_eq(key.len, 64);
	auth_key_free(&key);
	auth_key_free(&key); /* a no-op the second time */
}

Test(auth, generate_never_overwrites)
{
	char *path = key_file("there.key", "x", 0600), *cause = NULL;
	char expected[256];

	cr_assert_eq(auth_key_generate(path, &cause), -1);
	snprintf(expected, sizeof expected,
		 "cannot create key file %s: File exists (an existing key is "
		 "never overwritten)",
		 path);
	cr_assert_str_eq(cause, expected);
	free(cause);
}

Test(auth, key_readable_by_others_is_refused)
{
	char *path = key_file("loose.key",
			      "0123456789abcdef0123456789abcdef0123", 0644);
	char expected[256];

	snprintf(expected, sizeof expected,
		 "key file %s is readable or writable by others (mode 0644): "
		 "run 'chmod 600' (or 640 for a group that must read it) on "
		 "it",
		 path);
	assert_load_error(path, expected);
}

Test(auth, key_writable_by_its_group_is_refused)
{
	char *path = key_file("group.key",
			      "0123456789abcdef0123456789abcdef0123", 0660);
	char expected[256];

	snprintf(expected, sizeof expected,
		 "key file %s is writable by its group (mode 0660): run 'chmod "
		 "600' (or 640 for a group that must read it) on it",
		 path);
	assert_load_error(path, expected);
}

/* The kubelet's Secret: agent.key -> ..data/agent.key, ..data ->
 * ..2026_11_20_10_00_00.1/, the file 0440 for the pod's fsGroup. */
Test(auth, a_secret_reached_through_symlinks_loads)
{
	char stamp[160], data[160], link[160], *path;
	struct auth_key key;
	char *cause = NULL;

	snprintf(stamp, sizeof stamp, "%s/..2026_11_20_10_00_00.1", dir);
	cr_assert_eq(mkdir(stamp, 0755), 0);
	path = key_file("..2026_11_20_10_00_00.1/agent.key",
			"0123456789abcdef0123456789abcdef0123\n", 0440);
	(void)path;
	snprintf(data, sizeof data, "%s/..data", dir);
	cr_assert_eq(symlink("..2026_11_20_10_00_00.1", data), 0);
	snprintf(link, sizeof link, "%s/agent.key", dir);
	cr_assert_eq(symlink("..data/agent.key", link), 0);
	cr_assert_eq(auth_key_load(link, &key, &cause), 0, "%s",
		     cause ? cause : "");
	cr_assert_eq(key.len, 36);
	auth_key_free(&key);
}

Test(auth, refusals_name_the_file_behind_the_symlinks)
{
	char target[160], link[160], expected[512];
	char *path = key_file("real.key",
			      "0123456789abcdef0123456789abcdef0123", 0604);

	snprintf(target, sizeof target, "%s", path);
	snprintf(link, sizeof link, "%s/link.key", dir);
	cr_assert_eq(symlink("real.key", link), 0);
	snprintf(expected, sizeof expected,
		 "key file %s (reached through symlinks: %s) is readable or "
		 "writable by others (mode 0604): run 'chmod 600' (or 640 for "
		 "a group that must read it) on it",
		 link, target);
	assert_load_error(link, expected);
	snprintf(link, sizeof link, "%s/dir.key", dir);
	cr_assert_eq(symlink(".", link), 0);
	snprintf(expected, sizeof expected,
		 "key file %s (reached through symlinks: %s) is not a regular "
		 "file",
		 link, dir);
	assert_load_error(link, expected);
}

Test(auth, short_key_is_refused)
{
	char *path = key_file("short.key", "0123456789abcdef0123456789abcde\n",
			      0600);
	char expected[256];

	snprintf(expected, sizeof expected,
		 "key file %s holds 31 bytes: a key is 32 to 4096 bytes; make "
		 "one with 'nacl-agent --gen-key FILE'",
		 path);
	assert_load_error(path, expected);
}

Test(auth, missing_key_file_is_named)
{
	char path[128], expected[256];

	snprintf(path, sizeof path, "%s/none.key", dir);
	snprintf(expected, sizeof expected,
		 "cannot open key file %s: No such file or directory", path);
	assert_load_error(path, expected);
}

static struct auth_key
test_key(const char *text)
{
	struct auth_key key = {(uint8_t *)strdup(text), strlen(text)};

	return key;
}

Test(auth, proofs_verify_only_with_the_same_key_role_and_nonces)
{
	struct auth_key key = test_key("0123456789abcdef0123456789abcdef");
	struct auth_key other = test_key("0123456789abcdef0123456789abcdeX");
	uint8_t pn[AUTH_NONCE_SIZE] = {1}, an[AUTH_NONCE_SIZE] = {2};
	uint8_t proof[AUTH_PROOF_SIZE];

	auth_proof(&key, "agent", pn, an, proof);
	cr_assert(auth_proof_verify(&key, "agent", pn, an, proof));
	cr_assert_not(auth_proof_verify(&other, "agent", pn, an, proof));
	cr_assert_not(auth_proof_verify(&key, "probe", pn, an, proof));
	cr_assert_not(auth_proof_verify(&key, "agent", an, pn, proof));
	proof[31] ^= 1;
	cr_assert_not(auth_proof_verify(&key, "agent", pn, an, proof));
	auth_key_free(&key);
	auth_key_free(&other);
}

Test(auth, session_keys_differ_per_nonce_pair)
{
	struct auth_key key = test_key("0123456789abcdef0123456789abcdef");
	uint8_t pn[AUTH_NONCE_SIZE] = {1}, an[AUTH_NONCE_SIZE] = {2};
	uint8_t a[AUTH_SESSION_KEY_SIZE], b[AUTH_SESSION_KEY_SIZE];

	auth_session_key(&key, pn, an, a);
	an[0] = 3;
	auth_session_key(&key, pn, an, b);
	cr_assert_neq(memcmp(a, b, sizeof a), 0);
	auth_key_free(&key);
}

Test(auth, tokens_bind_every_field)
{
	uint8_t key[AUTH_SESSION_KEY_SIZE] = {9}, token[AUTH_TOKEN_SIZE];
	struct auth_token_input in = {PROTO_UDP, 53, 40000, 0xabcdef01, 7, 1};
	struct auth_token_input changed;

	auth_token(key, &in, token);
	cr_assert(auth_token_verify(key, &in, token));
	changed = in;
	changed.session++;
	cr_assert_not(auth_token_verify(key, &changed, token));
	changed = in;
	changed.proto = PROTO_TCP;
	cr_assert_not(auth_token_verify(key, &changed, token));
	key[0] = 8;
	cr_assert_not(auth_token_verify(key, &in, token));
}

Test(auth, hex_round_trip_and_bad_hex)
{
	uint8_t bin[4] = {0xde, 0xad, 0xbe, 0xef}, back[4];
	char hex[9];

	auth_hex(bin, 4, hex);
	cr_assert_str_eq(hex, "deadbeef");
	cr_assert_eq(auth_unhex(hex, back, 4), 0);
	cr_assert_eq(memcmp(bin, back, 4), 0);
	cr_assert_eq(auth_unhex("deadbee", back, 4), -1);
	cr_assert_eq(auth_unhex("deadbeefaa", back, 4), -1);
	cr_assert_eq(auth_unhex("deadbeeg", back, 4), -1);
}
