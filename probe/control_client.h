/* The probe's side of the control channel: blocking requests with deadlines. */
/* Used only before and after the sweep, so plain blocking I/O keeps it simple.
 */
#ifndef NACL_PROBE_CONTROL_CLIENT_H
#define NACL_PROBE_CONTROL_CLIENT_H

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <sys/socket.h>

#include "common/auth.h"

struct control_client;

/*
 * Connects to the agent's control port within timeout_ms (from bind when its
 * family is set). NULL with *cause (malloc'd) naming the address and why.
 */
struct control_client *control_client_connect(const struct sockaddr *agent,
					      const struct sockaddr *bind,
					      int timeout_ms, char **cause);
/*
 * Sends msg (consumed) and reads one reply, which must have type expect; an
 * "error" reply becomes *cause. Returns the reply (cJSON_Delete it) or NULL.
 */
cJSON *control_client_request(struct control_client *c, cJSON *msg,
			      const char *expect, char **cause);
/* What authentication established. */
struct control_auth {
	bool keyed; /* tokens required: session_key is set */
	uint8_t session_key[AUTH_SESSION_KEY_SIZE];
	unsigned max_rate; /* the agent's replies per second per source */
};

/*
 * hello, then (with a key) the mutual proof: the agent proves it holds key,
 * then the probe does. key may be NULL for an --open agent. Returns 0, or -1
 * with *cause (malloc'd) saying which side's key did not match.
 */
int control_client_authenticate(struct control_client *c,
				const struct auth_key *key,
				struct control_auth *auth, char **cause);
/* The local address the connection uses (the probe's address toward the agent).
 */
void control_client_local(const struct control_client *c,
			  struct sockaddr_storage *ss);
void control_client_free(struct control_client *c);

#endif
