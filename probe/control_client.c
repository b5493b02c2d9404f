/* The probe's side of the control channel: blocking requests with deadlines. */
/* Frames are the ones common/control.c defines; replies are read whole before
 * decoding. */
#include "probe/control_client.h"

#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/control.h"
#include "common/log.h"
#include "common/netaddr.h"
#include "common/xmalloc.h"
#include "probe/sweep.h"

struct control_client {
	int fd;
	int timeout_ms;
	char where[NETADDR_STRLEN + 8];
};

static int
control_client_wait(struct control_client *c, short events, uint64_t deadline)
{
	struct pollfd pfd = {c->fd, events, 0};
	uint64_t now = sweep_now_ns();
	int rc;

	if (now >= deadline) {
		errno = ETIMEDOUT;
		return -1;
	}
	rc = poll(&pfd, 1, (int)((deadline - now) / 1000000u) + 1);
	if (rc == 0)
		errno = ETIMEDOUT;
	return rc > 0 ? 0 : -1;
}

struct control_client *
control_client_connect(const struct sockaddr *agent,
		       const struct sockaddr *bind_addr, int timeout_ms,
		       char **cause)
{
	struct control_client *c = xcalloc(1, sizeof *c);
	uint64_t deadline = sweep_now_ns() + (uint64_t)timeout_ms * 1000000u;
	char text[NETADDR_STRLEN];
	socklen_t len = sizeof(int);
	int one = 1, error = 0;

	c->timeout_ms = timeout_ms;
	snprintf(c->where, sizeof c->where, "%s%s%s:%u",
		 agent->sa_family == AF_INET6 ? "[" : "",
		 netaddr_format(agent, text),
		 agent->sa_family == AF_INET6 ? "]" : "", netaddr_port(agent));
	c->fd = socket(agent->sa_family,
		       SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (c->fd < 0)
		goto fail;
	/* Its ephemeral port may be one the TCP sweep binds later. */
	setsockopt(c->fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	if (bind_addr != NULL && bind_addr->sa_family != AF_UNSPEC &&
	    bind(c->fd, bind_addr, netaddr_len(bind_addr)) != 0)
		goto fail;
	if (connect(c->fd, agent, netaddr_len(agent)) != 0) {
		if (errno != EINPROGRESS)
			goto fail;
		if (control_client_wait(c, POLLOUT, deadline) != 0)
			goto fail;
		if (getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &error, &len) != 0)
			goto fail;
		if (error != 0) {
			errno = error;
			goto fail;
		}
	}
	return c;
fail:
	*cause = xasprintf("cannot reach the agent's control port at %s: %s "
			   "(is nacl-agent running there, and does the path "
			   "allow TCP to that port?)",
			   c->where, strerror(errno));
	control_client_free(c);
	return NULL;
}

static int
control_client_io(struct control_client *c, uint8_t *buf, size_t len,
		  bool sending, uint64_t deadline)
{
	size_t done = 0;
	ssize_t n;

	while (done < len) {
		if (sending)
			n = send(c->fd, buf + done, len - done,
				 MSG_NOSIGNAL | MSG_DONTWAIT);
		else
			n = recv(c->fd, buf + done, len - done, MSG_DONTWAIT);
		if (n > 0) {
			done += (size_t)n;
			continue;
		}
		if (n == 0) {
			errno = ECONNRESET;
			return -1;
		}
		if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
			return -1;
		if (control_client_wait(c, sending ? POLLOUT : POLLIN,
					deadline) != 0)
			return -1;
	}
	return 0;
}

cJSON *
control_client_request(struct control_client *c, cJSON *msg, const char *expect,
		       char **cause)
{
	uint64_t deadline = sweep_now_ns() + (uint64_t)c->timeout_ms * 1000000u;
	uint8_t *frame, header[4];
	size_t len, body, consumed;
	cJSON *reply = NULL;
	const cJSON *text;
	char *why = NULL;

	frame = control_frame_encode(msg, &len, cause);
	cJSON_Delete(msg);
	if (frame == NULL)
		return NULL;
	if (control_client_io(c, frame, len, true, deadline) != 0 ||
	    control_client_io(c, header, 4, false, deadline) != 0) {
		free(frame);
		goto io_fail;
	}
	free(frame);
	body = (size_t)header[0] << 24 | (size_t)header[1] << 16 |
	       (size_t)header[2] << 8 | header[3];
	if (body > CONTROL_MAX_MESSAGE)
		body = 0; /* the decoder refuses it below */
	frame = xmalloc(4 + body);
	memcpy(frame, header, 4);
	if (control_client_io(c, frame + 4, body, false, deadline) != 0) {
		free(frame);
		goto io_fail;
	}
	if (control_frame_decode(frame, 4 + body, &consumed, &reply, &why) !=
	    CONTROL_DECODE_MESSAGE) {
		*cause = xasprintf("bad reply from the agent at %s: %s",
				   c->where, why ? why : "truncated message");
		free(why);
		free(frame);
		return NULL;
	}
	free(frame);
	if (strcmp(control_message_type(reply), "error") == 0) {
		text = cJSON_GetObjectItemCaseSensitive(reply, "message");
		*cause = xasprintf("the agent at %s refused: %s", c->where,
				   cJSON_IsString(text) ? text->valuestring
							: "(no message)");
		cJSON_Delete(reply);
		return NULL;
	}
	if (strcmp(control_message_type(reply), expect) != 0) {
		*cause = xasprintf("unexpected reply '%s' from the agent at %s "
				   "(expected '%s')",
				   control_message_type(reply), c->where,
				   expect);
		cJSON_Delete(reply);
		return NULL;
	}
	return reply;
io_fail:
	*cause = xasprintf("control channel to the agent at %s failed: %s",
			   c->where, strerror(errno));
	return NULL;
}

static bool
control_client_hex(const cJSON *msg, const char *name, uint8_t *out, size_t len)
{
	const cJSON *hex = cJSON_GetObjectItemCaseSensitive(msg, name);

	return cJSON_IsString(hex) &&
	       auth_unhex(hex->valuestring, out, len) == 0;
}

int
control_client_authenticate(struct control_client *c,
			    const struct auth_key *key,
			    struct control_auth *auth, char **cause)
{
	uint8_t probe_nonce[AUTH_NONCE_SIZE], agent_nonce[AUTH_NONCE_SIZE];
	uint8_t proof[AUTH_PROOF_SIZE];
	char hex[AUTH_PROOF_SIZE * 2 + 1];
	const cJSON *mode, *rate;
	cJSON *msg, *reply;

	memset(auth, 0, sizeof *auth);
	msg = control_message_new("hello");
	cJSON_AddStringToObject(msg, "client", "nacl-probe/0.1");
	if (key != NULL) {
		auth_nonce(probe_nonce);
		auth_hex(probe_nonce, AUTH_NONCE_SIZE, hex);
		cJSON_AddStringToObject(msg, "nonce", hex);
	}
	reply = control_client_request(c, msg, "hello", cause);
	if (reply == NULL)
		return -1;
	rate = cJSON_GetObjectItemCaseSensitive(reply, "max_rate");
	if (cJSON_IsNumber(rate) && rate->valuedouble >= 0 &&
	    rate->valuedouble <= 1e9)
		auth->max_rate = (unsigned)rate->valuedouble;
	mode = cJSON_GetObjectItemCaseSensitive(reply, "auth");
	if (cJSON_IsString(mode) && strcmp(mode->valuestring, "open") == 0) {
		if (key != NULL)
			log_warn("the agent at %s runs --open: its answers do "
				 "not depend on our key",
				 c->where);
		cJSON_Delete(reply);
		return 0;
	}
	if (!cJSON_IsString(mode) ||
	    strcmp(mode->valuestring, "hmac-sha256") != 0 ||
	    !control_client_hex(reply, "nonce", agent_nonce, AUTH_NONCE_SIZE) ||
	    !control_client_hex(reply, "proof", proof, AUTH_PROOF_SIZE)) {
		*cause = xasprintf("the agent at %s asks for an "
				   "authentication this probe does not speak",
				   c->where);
		cJSON_Delete(reply);
		return -1;
	}
	cJSON_Delete(reply);
	if (key == NULL) {
		*cause = xasprintf("authentication failed: the agent at %s "
				   "requires a key: run with --key-file FILE "
				   "(a copy of the agent's key)",
				   c->where);
		return -1;
	}
	if (!auth_proof_verify(key, "agent", probe_nonce, agent_nonce, proof)) {
		*cause = xasprintf("authentication failed: the key did not "
				   "match (the agent at %s could not prove it "
				   "holds our key)",
				   c->where);
		return -1;
	}
	auth_proof(key, "probe", probe_nonce, agent_nonce, proof);
	auth_hex(proof, AUTH_PROOF_SIZE, hex);
	msg = control_message_new("auth");
	cJSON_AddStringToObject(msg, "proof", hex);
	reply = control_client_request(c, msg, "authenticated", cause);
	if (reply == NULL)
		return -1;
	cJSON_Delete(reply);
	auth_session_key(key, probe_nonce, agent_nonce, auth->session_key);
	auth->keyed = true;
	return 0;
}

void
control_client_local(const struct control_client *c,
		     struct sockaddr_storage *ss)
{
	socklen_t len = sizeof *ss;

	memset(ss, 0, sizeof *ss);
	getsockname(c->fd, (struct sockaddr *)ss, &len);
}

void
control_client_free(struct control_client *c)
{
	if (c == NULL)
		return;
	if (c->fd >= 0)
		close(c->fd);
	free(c);
}
