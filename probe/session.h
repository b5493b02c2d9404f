/* The probe's session with an agent: the control connection it owns, from
 * a source port the run does not sweep, kept alive during the sweep. */
/* Blocking before and after the sweep; on the sweep's event loop while it
 * runs (keepalives, docs/design.md §Control channel). */
#ifndef NACL_PROBE_SESSION_H
#define NACL_PROBE_SESSION_H

#include <event2/event.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "common/auth.h"
#include "common/checkspec.h"
#include "common/control_msg.h"
#include "common/portrange.h"
#include "common/seenlog.h"

/* How long a control SYN may go unanswered before another source port. */
#define PROBE_SESSION_SYN_WAIT_MS 2000
#define PROBE_SESSION_MAX_SPORTS 8

struct probe_session_params {
	const struct sockaddr *agent; /* with its control port */
	const struct sockaddr *bind; /* NULL or AF_UNSPEC: routing decides */
	const struct auth_key *key; /* NULL: an --open agent */
	const struct check_list *checks;
	const struct range_list *sports;
	const struct range_list *avoid; /* every source port the run sweeps */
	uint16_t control_sport; /* --control-sport, 0: none */
	size_t planned; /* (check, source port) pairs the sweep sends */
};

struct probe_session_info {
	uint32_t session;
	bool keyed; /* probes carry tokens made with session_key */
	uint8_t session_key[AUTH_SESSION_KEY_SIZE];
	unsigned max_rate; /* the agent's replies per second per source */
	uint64_t max_seen;
	enum evidence evidence;
	char evidence_note[CONTROL_NOTE_MAX];
	uint32_t listen_backlog, syn_backlog, syncookies;
	struct sockaddr_storage local; /* our address toward the agent */
	uint16_t control_sport; /* the source port that reached the agent */
	/* Source ports whose SYN-ACK never came: the return path to them is
	 * blocked (evidence of its own). */
	uint16_t failed_sports[PROBE_SESSION_MAX_SPORTS];
	size_t nfailed;
};

struct probe_session;

/*
 * Connects (trying source ports in other ranges when no SYN-ACK comes back
 * within PROBE_SESSION_SYN_WAIT_MS), authenticates and opens a session.
 * Blocking. NULL with *cause (malloc'd) naming the agent, the ports tried
 * and what the NACLs must allow.
 */
struct probe_session *
probe_session_open(const struct probe_session_params *params,
		   struct probe_session_info *info, char **cause);
/* Keepalives on base while the sweep runs: lost(arg, cause) once when the
 * connection breaks or five pongs are missed (cause freed after); while
 * path_out(arg) says the whole path is out (the sweep's canaries fail),
 * missed pongs are waited out as long as the agent waits for ours
 * (CONTROL_KEEPALIVE_MISSES intervals). path_out may be NULL. */
void probe_session_watch(struct probe_session *ps, struct event_base *base,
			 void (*lost)(void *arg, const char *cause),
			 bool (*path_out)(void *arg), void *arg);
void probe_session_unwatch(struct probe_session *ps);
/* The seen-log now (blocking; may be asked more than once); 0, or -1 with
 * *cause. seen_report_free() *out. */
int probe_session_seen(struct probe_session *ps, struct seen_report *out,
		       char **cause);
/* Closes the session and the connection, and frees; NULL is a no-op. */
void probe_session_close(struct probe_session *ps);

#endif
