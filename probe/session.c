/* The probe's session with an agent: the control connection it owns, from
 * a source port the run does not sweep, kept alive during the sweep. */
/* One input buffer serves the blocking requests and the watched sweep, so a
 * pong that arrives late is never taken for a reply. */
#include "probe/session.h"

#include <errno.h>
#include <event2/buffer.h>
#include <poll.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include "common/control.h"
#include "common/log.h"
#include "common/netaddr.h"
#include "common/wire.h"
#include "common/xmalloc.h"

/* A busy agent (many sessions at once) may take a while to answer. */
#define SESSION_REQUEST_TIMEOUT_MS 30000
#define SESSION_CLOSE_TIMEOUT_MS 5000
/* Fewer unswept source ports than this to try for the control connection:
 * swept ones follow. */
#define SESSION_UNSWEPT_ENOUGH 3
/* Pongs missed before the agent counts as lost: an agent that dies closes
 * the connection at once; this is for a host gone silent, and on a busy
 * host (fifty probes beside a loaded CI) three seconds came and went
 * without the agent being scheduled. */
#define SESSION_MISSED_PONGS 5
#define PROBE_VERSION "nacl-probe/0.2"

struct probe_session {
	int fd;
	char where[NETADDR_STRLEN + 8];
	struct evbuffer *in;
	struct check_list checks;
	size_t nsports;
	uint32_t session;
	uint32_t keepalive_ms;
	/* While watched: pings sent since the last pong, the first's time. */
	struct event *read_event, *ping_event;
	unsigned unanswered;
	uint64_t first_unanswered_ms;
	void (*lost)(void *arg, const char *cause);
	bool (*path_out)(void *arg);
	void *lost_arg;
	bool broken; /* lost: nothing more is said on it */
};

static uint64_t
session_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

/* Waits for events on fd until deadline (monotonic ms); -1 ETIMEDOUT. */
static int
session_wait(int fd, short events, uint64_t deadline)
{
	struct pollfd pfd = {fd, events, 0};
	uint64_t now = session_now_ms();
	int rc;

	if (now >= deadline) {
		errno = ETIMEDOUT;
		return -1;
	}
	rc = poll(&pfd, 1, (int)(deadline - now));
	if (rc == 0)
		errno = ETIMEDOUT;
	return rc > 0 ? 0 : -1;
}

/* A port of [from, to] not in avoid, starting at a random one; 0 if none. */
static uint16_t
session_pick_port(uint16_t from, uint16_t to, const struct range_list *avoid,
		  const uint16_t *taken, size_t ntaken)
{
	uint32_t span = (uint32_t)to - from + 1, r, i;
	uint16_t port;
	size_t k;

	if (getrandom(&r, sizeof r, 0) != sizeof r)
		r = (uint32_t)session_now_ms();
	for (i = 0; i < span; i++) {
		port = (uint16_t)(from + (r + i) % span);
		if (avoid != NULL && range_list_contains(avoid, port))
			continue;
		for (k = 0; k < ntaken && taken[k] != port; k++)
			;
		if (k == ntaken)
			return port;
	}
	return 0;
}

/* The kernel's ephemeral range, as the first place to look. */
static void
session_ephemeral_range(uint16_t *from, uint16_t *to)
{
	FILE *f = fopen("/proc/sys/net/ipv4/ip_local_port_range", "r");
	unsigned lo = 32768, hi = 60999;

	if (f != NULL) {
		if (fscanf(f, "%u %u", &lo, &hi) != 2 || lo == 0 ||
		    hi > 65535 || lo > hi) {
			lo = 32768;
			hi = 60999;
		}
		fclose(f);
	}
	*from = (uint16_t)lo;
	*to = (uint16_t)hi;
}

/* One port of the kernel's ephemeral range [from, to], one below 32768 and
 * one in 61000-65535, outside avoid (NULL: anywhere) and out[0..n): the
 * new n. */
static size_t
session_pick_spread(const struct range_list *avoid, uint16_t from, uint16_t to,
		    uint16_t *out, size_t n)
{
	uint16_t port;

	if ((port = session_pick_port(from, to, avoid, out, n)) != 0)
		out[n++] = port;
	if ((port = session_pick_port(1024, 32767, avoid, out, n)) != 0 ||
	    (port = session_pick_port(512, 1023, avoid, out, n)) != 0)
		out[n++] = port;
	if ((port = session_pick_port(61000, 65535, avoid, out, n)) != 0)
		out[n++] = port;
	return n;
}

/*
 * Source ports to try, in order: --control-sport, then a spread of ports
 * the run does not sweep, never twice. A sweep of nearly every port leaves
 * few such ports (only 512-1023 beside 1024-65535), which the common NACL
 * that lets replies back to 1024-65535 alone blocks: then a spread of
 * swept ports follows (the control connection goes to another port of the
 * agent: it shares no 4-tuple with the probes).
 */
static size_t
session_candidates(const struct probe_session_params *p, uint16_t *out)
{
	uint16_t from, to;
	size_t n = 0;

	if (p->control_sport != 0)
		out[n++] = p->control_sport;
	session_ephemeral_range(&from, &to);
	n = session_pick_spread(p->avoid, from, to, out, n);
	if (n - (p->control_sport != 0) < SESSION_UNSWEPT_ENOUGH)
		n = session_pick_spread(NULL, from, to, out, n);
	return n;
}

/* One connection attempt from sport: the fd, or -1 with errno (ETIMEDOUT
 * when no SYN-ACK came in time). */
static int
session_connect_from(const struct probe_session_params *p, uint16_t sport)
{
	struct sockaddr_storage local;
	socklen_t len = sizeof(int);
	int fd, error = 0, one = 1;

	memset(&local, 0, sizeof local);
	if (p->bind != NULL && p->bind->sa_family != AF_UNSPEC)
		memcpy(&local, p->bind, netaddr_len(p->bind));
	else
		local.ss_family = p->agent->sa_family;
	netaddr_set_port((struct sockaddr *)&local, sport);
	fd = socket(p->agent->sa_family,
		    SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	/* Another probe on this host may sweep this port: its sockets take
	 * SO_REUSEADDR too, so both binds succeed (distinct 4-tuples). */
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	if (bind(fd, (struct sockaddr *)&local,
		 netaddr_len((struct sockaddr *)&local)) != 0)
		goto fail;
	if (connect(fd, p->agent, netaddr_len(p->agent)) != 0) {
		if (errno != EINPROGRESS ||
		    session_wait(fd, POLLOUT,
				 session_now_ms() +
					 PROBE_SESSION_SYN_WAIT_MS) != 0 ||
		    getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &len) != 0)
			goto fail;
		if (error != 0) {
			errno = error;
			goto fail;
		}
	}
	return fd;
fail:
	error = errno;
	close(fd);
	errno = error;
	return -1;
}

static char *
session_port_list(const uint16_t *ports, size_t n)
{
	char *text = xstrdup("");
	size_t i;

	for (i = 0; i < n; i++)
		xappendf(&text, "%s%u", i ? ", " : "", ports[i]);
	return text;
}

/* Connects from the first candidate port that gets a SYN-ACK back. */
static int
session_connect(struct probe_session *ps, const struct probe_session_params *p,
		struct probe_session_info *info, char **cause)
{
	uint16_t ports[PROBE_SESSION_MAX_SPORTS];
	size_t n = session_candidates(p, ports), i;
	char *tried;
	int fd = -1;

	for (i = 0; i < n; i++) {
		fd = session_connect_from(p, ports[i]);
		if (fd >= 0)
			break;
		if (errno == ETIMEDOUT) {
			info->failed_sports[info->nfailed++] = ports[i];
			log_info("control connection to %s from source port "
				 "%u: no SYN-ACK within %d ms; trying another",
				 ps->where, ports[i],
				 PROBE_SESSION_SYN_WAIT_MS);
			continue;
		}
		/* This port is not ours to take: another socket holds it, or
		 * the last run's connection from it to the agent is still in
		 * TIME_WAIT (connect says EADDRNOTAVAIL: the same 4-tuple). */
		if (errno == EADDRINUSE || errno == EADDRNOTAVAIL ||
		    errno == EACCES)
			continue;
		*cause = xasprintf("cannot reach the agent's control port at "
				   "%s from source port %u: %s (is nacl-agent "
				   "running there, with this --control-port?)",
				   ps->where, ports[i], strerror(errno));
		return -1;
	}
	if (fd < 0) {
		tried = session_port_list(ports, n);
		*cause = xasprintf(
			"cannot reach the agent's control port at %s: no "
			"SYN-ACK came back to source ports %s within %d s "
			"each. The forward path may drop the SYN, or the "
			"return path the SYN-ACK to those ports: the NACLs "
			"must allow TCP to the control port and back to one "
			"of them (--control-sport PORT names one)",
			ps->where, tried, PROBE_SESSION_SYN_WAIT_MS / 1000);
		free(tried);
		return -1;
	}
	ps->fd = fd;
	info->control_sport = ports[i];
	if (info->nfailed > 0) {
		tried = session_port_list(info->failed_sports, info->nfailed);
		log_warn("control connection to %s: no SYN-ACK came back to "
			 "source port%s %s; port %u worked: the return path "
			 "to %s is blocked",
			 ps->where, info->nfailed > 1 ? "s" : "", tried,
			 ports[i], tried);
		free(tried);
	} else
		log_info("control connection to %s from source port %u",
			 ps->where, ports[i]);
	return 0;
}

static int
session_send(struct probe_session *ps, const struct control_msg *msg,
	     uint64_t deadline, char **cause)
{
	size_t len, done = 0;
	uint8_t *frame = control_msg_encode(msg, &len, cause);
	ssize_t n;

	if (frame == NULL)
		return -1;
	while (done < len) {
		n = send(ps->fd, frame + done, len - done,
			 MSG_NOSIGNAL | MSG_DONTWAIT);
		if (n > 0) {
			done += (size_t)n;
			continue;
		}
		if ((n < 0 && errno != EAGAIN && errno != EINTR) ||
		    session_wait(ps->fd, POLLOUT, deadline) != 0) {
			*cause = xasprintf("control channel to the agent at %s "
					   "failed: %s",
					   ps->where, strerror(errno));
			free(frame);
			return -1;
		}
	}
	free(frame);
	return 0;
}

/*
 * The next frame of ps->in, decoded: 1 with *msg, 0 when incomplete, -1 with
 * *cause. A "seen" is checked against the session's checks.
 */
static int
session_next_frame(struct probe_session *ps, struct control_msg *msg,
		   char **cause)
{
	struct seen_expect expect = {&ps->checks, ps->nsports};
	size_t len = evbuffer_get_length(ps->in), need, consumed;
	uint8_t header[4];
	char *why = NULL;
	cJSON *json;
	int rc;

	if (len < 4)
		return 0;
	evbuffer_copyout(ps->in, header, 4);
	need = 4 + (size_t)wire_get32(header);
	if (need > 4 + CONTROL_MAX_MESSAGE)
		need = 4; /* the decoder refuses it */
	if (len < need)
		return 0;
	switch (control_frame_decode(evbuffer_pullup(ps->in, (ssize_t)need),
				     need, CONTROL_MAX_MESSAGE, &consumed,
				     &json, &why)) {
	case CONTROL_DECODE_NEED_MORE:
		return 0;
	case CONTROL_DECODE_ERROR:
		*cause = xasprintf("bad message from the agent at %s: %s",
				   ps->where, why);
		free(why);
		return -1;
	case CONTROL_DECODE_MESSAGE:
		break;
	}
	evbuffer_drain(ps->in, consumed);
	rc = control_msg_from_json(json, CONTROL_FROM_AGENT, &expect, msg,
				   &why);
	cJSON_Delete(json);
	if (rc != 0) {
		*cause = xasprintf("bad message from the agent at %s: %s",
				   ps->where, why);
		free(why);
		return -1;
	}
	return 1;
}

/* Reads what the socket holds into ps->in: >0 bytes, 0 on EOF, -1 error
 * (EAGAIN included). */
static int
session_fill(struct probe_session *ps)
{
	return evbuffer_read(ps->in, ps->fd, 65536);
}

/* Sends msg (if any) and reads the reply of type expect, skipping pongs. */
static int
session_request(struct probe_session *ps, const struct control_msg *msg,
		enum control_msg_type expect, struct control_msg *reply,
		int timeout_ms, char **cause)
{
	uint64_t deadline = session_now_ms() + (uint64_t)timeout_ms;
	int rc, n;

	if (msg != NULL && session_send(ps, msg, deadline, cause) != 0)
		return -1;
	for (;;) {
		rc = session_next_frame(ps, reply, cause);
		if (rc < 0)
			return -1;
		if (rc == 0) {
			n = session_fill(ps);
			if (n > 0)
				continue;
			if (n == 0) {
				errno = ECONNRESET;
				goto io_fail;
			}
			if ((errno != EAGAIN && errno != EINTR) ||
			    session_wait(ps->fd, POLLIN, deadline) != 0)
				goto io_fail;
			continue;
		}
		if (reply->type == CONTROL_MSG_PONG)
			continue;
		if (reply->type == CONTROL_MSG_ERROR) {
			*cause = xasprintf("the agent at %s refused: %s",
					   ps->where, reply->u.error);
			control_msg_free(reply);
			return -1;
		}
		if (reply->type != expect) {
			*cause = xasprintf("unexpected reply '%s' from the "
					   "agent at %s (expected '%s')",
					   control_msg_type_name(reply->type),
					   ps->where,
					   control_msg_type_name(expect));
			control_msg_free(reply);
			return -1;
		}
		return 0;
	}
io_fail:
	*cause = xasprintf("control channel to the agent at %s failed: %s",
			   ps->where, strerror(errno));
	return -1;
}

/* hello, then (with a key) the mutual proof: the agent proves it holds the
 * key first, then the probe does. */
static int
session_authenticate(struct probe_session *ps, const struct auth_key *key,
		     struct probe_session_info *info, char **cause)
{
	struct control_msg msg = {.type = CONTROL_MSG_HELLO}, reply;
	const struct control_agent_hello *ah = &reply.u.agent_hello;
	uint8_t probe_nonce[AUTH_NONCE_SIZE];

	snprintf(msg.u.hello.client, sizeof msg.u.hello.client, "%s",
		 PROBE_VERSION);
	if (key != NULL) {
		auth_nonce(probe_nonce);
		msg.u.hello.keyed = true;
		memcpy(msg.u.hello.nonce, probe_nonce, sizeof probe_nonce);
	}
	if (session_request(ps, &msg, CONTROL_MSG_AGENT_HELLO, &reply,
			    SESSION_REQUEST_TIMEOUT_MS, cause) != 0)
		return -1;
	info->max_rate = ah->max_rate;
	if (ah->open) {
		if (key != NULL)
			log_warn("the agent at %s runs --open: its answers do "
				 "not depend on our key",
				 ps->where);
		return 0;
	}
	if (key == NULL) {
		*cause = xasprintf("authentication failed: the agent at %s "
				   "requires a key: run with --key-file FILE "
				   "(a copy of the agent's key)",
				   ps->where);
		return -1;
	}
	if (!auth_proof_verify(key, "agent", probe_nonce, ah->nonce,
			       ah->proof)) {
		*cause = xasprintf("authentication failed: the key did not "
				   "match (the agent at %s could not prove it "
				   "holds our key)",
				   ps->where);
		return -1;
	}
	auth_session_key(key, probe_nonce, ah->nonce, info->session_key);
	msg.type = CONTROL_MSG_AUTH;
	auth_proof(key, "probe", probe_nonce, ah->nonce, msg.u.proof);
	if (session_request(ps, &msg, CONTROL_MSG_AUTHENTICATED, &reply,
			    SESSION_REQUEST_TIMEOUT_MS, cause) != 0)
		return -1;
	info->keyed = true;
	return 0;
}

static int
session_open_session(struct probe_session *ps,
		     const struct probe_session_params *p,
		     struct probe_session_info *info, char **cause)
{
	struct control_msg msg = {.type = CONTROL_MSG_OPEN}, reply;
	const struct control_opened *o = &reply.u.opened;

	netaddr_format((struct sockaddr *)&info->local, msg.u.open.probe_addr);
	msg.u.open.ports = *p->checks;
	msg.u.open.sports = *p->sports;
	msg.u.open.planned = p->planned;
	msg.u.open.keepalive_ms = ps->keepalive_ms;
	/* msg borrows the caller's lists: not freed here. */
	if (session_request(ps, &msg, CONTROL_MSG_OPENED, &reply,
			    SESSION_REQUEST_TIMEOUT_MS, cause) != 0)
		return -1;
	ps->session = info->session = o->session;
	info->keyed = info->keyed && o->keyed;
	info->max_rate = o->max_rate;
	info->max_seen = o->max_seen;
	info->evidence = o->evidence;
	memcpy(info->evidence_note, o->evidence_note,
	       sizeof info->evidence_note);
	info->listen_backlog = o->listen_backlog;
	info->syn_backlog = o->syn_backlog;
	info->syncookies = o->syncookies;
	if (o->evidence == EVIDENCE_SOCKET)
		log_warn("the agent at %s has no packet capture (%s): "
			 "directions rest on what its sockets saw",
			 ps->where, o->evidence_note);
	return 0;
}

struct probe_session *
probe_session_open(const struct probe_session_params *p,
		   struct probe_session_info *info, char **cause)
{
	struct probe_session *ps = xcalloc(1, sizeof *ps);
	char text[NETADDR_STRLEN];
	socklen_t len = sizeof info->local;

	memset(info, 0, sizeof *info);
	ps->fd = -1;
	ps->in = xcheck(evbuffer_new());
	ps->keepalive_ms = CONTROL_DEFAULT_KEEPALIVE_MS;
	ps->nsports = range_list_size(p->sports);
	ps->checks.count = p->checks->count;
	ps->checks.checks = xreallocarray(NULL, p->checks->count + 1,
					  sizeof *p->checks->checks);
	memcpy(ps->checks.checks, p->checks->checks,
	       p->checks->count * sizeof *p->checks->checks);
	snprintf(ps->where, sizeof ps->where, "%s%s%s:%u",
		 p->agent->sa_family == AF_INET6 ? "[" : "",
		 netaddr_format(p->agent, text),
		 p->agent->sa_family == AF_INET6 ? "]" : "",
		 netaddr_port(p->agent));
	if (session_connect(ps, p, info, cause) != 0)
		goto fail;
	getsockname(ps->fd, (struct sockaddr *)&info->local, &len);
	if (session_authenticate(ps, p->key, info, cause) != 0 ||
	    session_open_session(ps, p, info, cause) != 0)
		goto fail;
	return ps;
fail:
	sodium_memzero(info->session_key, sizeof info->session_key);
	ps->session = 0;
	probe_session_close(ps);
	return NULL;
}

/* Once: stops watching and tells the owner. */
static void
session_lost(struct probe_session *ps, char *cause)
{
	void (*lost)(void *, const char *) = ps->lost;

	probe_session_unwatch(ps);
	ps->lost = NULL;
	ps->broken = true;
	if (lost != NULL)
		lost(ps->lost_arg, cause);
	free(cause);
}

static void
session_read_callback(evutil_socket_t fd, short what, void *arg)
{
	struct probe_session *ps = arg;
	struct control_msg msg;
	char *cause = NULL;
	int n, rc;

	(void)fd;
	(void)what;
	n = session_fill(ps);
	if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) {
		session_lost(ps, xasprintf("the agent at %s closed the control "
					   "connection%s%s",
					   ps->where, n < 0 ? ": " : "",
					   n < 0 ? strerror(errno) : ""));
		return;
	}
	while ((rc = session_next_frame(ps, &msg, &cause)) == 1) {
		if (msg.type == CONTROL_MSG_PONG) {
			ps->unanswered = 0;
			continue;
		}
		cause = msg.type == CONTROL_MSG_ERROR
				? xasprintf(
					  "the agent at %s ended the session: "
					  "%s",
					  ps->where, msg.u.error)
				: xasprintf("unexpected '%s' from the agent at "
					    "%s during the sweep",
					    control_msg_type_name(msg.type),
					    ps->where);
		control_msg_free(&msg);
		session_lost(ps, cause);
		return;
	}
	if (rc < 0)
		session_lost(ps, cause);
}

/*
 * Every keepalive interval: a ping. The agent is lost when five pings in a
 * row went unanswered for five intervals (while the path is out, as many as
 * the agent waits for ours: a 3 s outage is no lost agent); pings this
 * probe did not send (its own loop stalled) are never counted against the
 * agent.
 */
static void
session_ping_callback(evutil_socket_t fd, short what, void *arg)
{
	struct probe_session *ps = arg;
	struct control_msg ping = {.type = CONTROL_MSG_PING};
	uint64_t now = session_now_ms();
	unsigned missed = SESSION_MISSED_PONGS;
	char *cause = NULL;

	(void)fd;
	(void)what;
	/* A stalled loop may run this before the read event: read first. */
	if (ps->unanswered > 0) {
		session_read_callback(ps->fd, EV_READ, ps);
		if (ps->read_event == NULL)
			return; /* lost while reading */
	}
	if (ps->path_out != NULL && ps->path_out(ps->lost_arg))
		missed = CONTROL_KEEPALIVE_MISSES;
	if (ps->unanswered >= missed &&
	    now - ps->first_unanswered_ms >=
		    (uint64_t)ps->keepalive_ms * missed) {
		session_lost(ps,
			     xasprintf("the agent at %s answered none of "
				       "%u keepalives in %.1f s",
				       ps->where, ps->unanswered,
				       (double)(now - ps->first_unanswered_ms) /
					       1000.0));
		return;
	}
	ping.u.t = now;
	if (session_send(ps, &ping, now + ps->keepalive_ms, &cause) != 0) {
		session_lost(ps, cause);
		return;
	}
	if (ps->unanswered++ == 0)
		ps->first_unanswered_ms = now;
}

void
probe_session_watch(struct probe_session *ps, struct event_base *base,
		    void (*lost)(void *arg, const char *cause),
		    bool (*path_out)(void *arg), void *arg)
{
	struct timeval every = {ps->keepalive_ms / 1000,
				(suseconds_t)(ps->keepalive_ms % 1000) * 1000};

	probe_session_unwatch(ps);
	ps->lost = lost;
	ps->path_out = path_out;
	ps->lost_arg = arg;
	ps->unanswered = 0;
	ps->read_event = event_new(base, ps->fd, EV_READ | EV_PERSIST,
				   session_read_callback, ps);
	ps->ping_event =
		event_new(base, -1, EV_PERSIST, session_ping_callback, ps);
	event_add(ps->read_event, NULL);
	event_add(ps->ping_event, &every);
	session_ping_callback(-1, EV_TIMEOUT, ps);
}

void
probe_session_unwatch(struct probe_session *ps)
{
	if (ps == NULL)
		return;
	if (ps->read_event != NULL)
		event_free(ps->read_event);
	if (ps->ping_event != NULL)
		event_free(ps->ping_event);
	ps->read_event = ps->ping_event = NULL;
}

int
probe_session_seen(struct probe_session *ps, struct seen_report *out,
		   char **cause)
{
	struct control_msg msg = {.type = CONTROL_MSG_SEEN_QUERY}, reply;

	msg.u.session = ps->session;
	if (session_request(ps, &msg, CONTROL_MSG_SEEN, &reply,
			    SESSION_REQUEST_TIMEOUT_MS, cause) != 0)
		return -1;
	if (reply.u.seen.session != ps->session) {
		*cause =
			xasprintf("the agent at %s sent the seen-log of "
				  "session %08x, not ours (%08x)",
				  ps->where, reply.u.seen.session, ps->session);
		control_msg_free(&reply);
		return -1;
	}
	*out = reply.u.seen;
	return 0;
}

void
probe_session_close(struct probe_session *ps)
{
	struct control_msg msg = {.type = CONTROL_MSG_CLOSE}, reply;
	char *cause = NULL;

	if (ps == NULL)
		return;
	probe_session_unwatch(ps);
	if (ps->session != 0 && ps->fd >= 0 && !ps->broken) {
		msg.u.session = ps->session;
		if (session_request(ps, &msg, CONTROL_MSG_CLOSED, &reply,
				    SESSION_CLOSE_TIMEOUT_MS, &cause) != 0) {
			log_warn("closing the session: %s", cause);
			free(cause);
		} else
			control_msg_free(&reply);
	}
	if (ps->fd >= 0)
		close(ps->fd);
	evbuffer_free(ps->in);
	check_list_free(&ps->checks);
	free(ps);
}
