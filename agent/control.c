/* The agent's control server: sessions are opened, kept alive, queried and
 * closed here (docs/design.md §Control channel). */
/* One control_conn per client, one bufferevent each, torn down by
 * control_conn_free(); every state change goes through
 * control_conn_set_state(). */
#include <errno.h>
#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/listener.h>
#include <netinet/in.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <sys/queue.h>
#include <unistd.h>

#include "agent/agent.h"
#include "common/control.h"
#include "common/control_msg.h"
#include "common/log.h"
#include "common/netaddr.h"
#include "common/wire.h"
#include "common/xmalloc.h"

#define AGENT_VERSION "nacl-agent/0.2"

enum control_state {
	CONTROL_NEW, /* waiting for hello, unauthenticated */
	CONTROL_CHALLENGED, /* hello answered, waiting for the probe's proof */
	CONTROL_READY, /* authenticated (or --open): sessions allowed */
	CONTROL_CLOSING, /* a last message is flushing; then freed */
};

static const char *const control_state_names[] = {
	"new",
	"challenged",
	"ready",
	"closing",
};

/* Warnings that strangers can repeat at will, each limited on its own. */
enum control_warning {
	CONTROL_WARN_SIZE, /* a frame over its limit */
	CONTROL_WARN_MESSAGE, /* bad JSON, a bad member */
	CONTROL_WARN_DEADLINE, /* not authenticated in time */
	CONTROL_WARN_ALLOW, /* not in --allow */
	CONTROL_WARN_EVICT, /* closed to make room */
	CONTROL_WARN_FULL, /* too many authenticated connections */
	CONTROL_WARN_COUNT,
};

struct control_conn;

struct control_server {
	struct agent *agent;
	struct evconnlistener **listeners;
	size_t nlisteners;
	LIST_HEAD(, control_conn) conns;
	size_t nunauth, nready, max_ready;
	struct event *idle_timer;
	struct warn_limit warn[CONTROL_WARN_COUNT];
};

struct control_conn {
	struct control_server *server;
	struct agent *agent;
	struct bufferevent *bev;
	struct sockaddr_storage peer;
	char peer_text[NETADDR_STRLEN];
	enum control_state state;
	struct session *session; /* one per connection at most */
	uint32_t keepalive_ms; /* as its session's open declared */
	uint8_t probe_nonce[AUTH_NONCE_SIZE];
	uint8_t agent_nonce[AUTH_NONCE_SIZE];
	uint8_t session_key[AUTH_SESSION_KEY_SIZE];
	/* Until authenticated (from the connection), and while a message is
	 * half-read. */
	struct event *deadline;
	uint64_t accepted_ns, active_ns;
	LIST_ENTRY(control_conn) entry;
};

static bool
control_state_unauthenticated(enum control_state state)
{
	return state == CONTROL_NEW || state == CONTROL_CHALLENGED;
}

/* The one way a connection changes state: counts follow, and the largest
 * frame it may send. */
static void
control_conn_set_state(struct control_conn *c, enum control_state state)
{
	struct control_server *server = c->server;
	size_t limit;

	if (c->state == state)
		return;
	log_debug("control %s: %s -> %s", c->peer_text,
		  control_state_names[c->state], control_state_names[state]);
	if (control_state_unauthenticated(c->state))
		server->nunauth--;
	else if (c->state == CONTROL_READY)
		server->nready--;
	if (control_state_unauthenticated(state))
		server->nunauth++;
	else if (state == CONTROL_READY)
		server->nready++;
	c->state = state;
	limit = state == CONTROL_READY ? CONTROL_MAX_MESSAGE
				       : CONTROL_MAX_HELLO;
	/* Reading stops at the largest frame allowed: no more is buffered. */
	bufferevent_setwatermark(c->bev, EV_READ, 0, limit + 4);
	if (state == CONTROL_READY)
		evtimer_del(c->deadline);
}

static void
control_conn_free(struct control_conn *c)
{
	struct session *s = c->session;

	if (s != NULL) {
		log_info("session %08x from %s ended with its connection: "
			 "%llu requests seen",
			 s->id, c->peer_text, (unsigned long long)s->requests);
		session_close(&c->agent->sessions, s);
		c->session = NULL;
		capture_update(c->agent->capture);
	}
	if (c->state == CONTROL_CHALLENGED)
		log_warn("control %s: left without proving the key: "
			 "authentication refused (its key differs?)",
			 c->peer_text);
	control_conn_set_state(c, CONTROL_CLOSING);
	LIST_REMOVE(c, entry);
	event_free(c->deadline);
	bufferevent_free(c->bev);
	sodium_memzero(c->session_key, sizeof c->session_key);
	free(c);
}

/* Flushes what is queued (an error message), then closes. */
static void
control_conn_close(struct control_conn *c)
{
	control_conn_set_state(c, CONTROL_CLOSING);
	bufferevent_disable(c->bev, EV_READ);
	if (evbuffer_get_length(bufferevent_get_output(c->bev)) == 0)
		control_conn_free(c);
}

static void
control_send(struct control_conn *c, const struct control_msg *msg)
{
	char *cause = NULL;
	uint8_t *frame;
	size_t len;

	frame = control_msg_encode(msg, &len, &cause);
	if (frame == NULL) {
		log_warn("control %s: %s", c->peer_text, cause);
		free(cause);
		return;
	}
	bufferevent_write(c->bev, frame, len);
	free(frame);
}

static void
control_send_error(struct control_conn *c, const char *text)
{
	struct control_msg msg;

	control_msg_error(&msg, text);
	control_send(c, &msg);
	control_msg_free(&msg);
}

/* Refuses and closes: for what only a broken or hostile client sends. */
static void
control_refuse(struct control_conn *c, const char *text)
{
	control_send_error(c, text);
	control_conn_close(c);
}

static void
control_handle_hello(struct control_conn *c, const struct control_hello *h)
{
	const struct agent_options *o = &c->agent->options;
	struct control_msg reply = {.type = CONTROL_MSG_AGENT_HELLO};
	struct control_agent_hello *ah = &reply.u.agent_hello;
	struct timeval deadline = {CONTROL_HELLO_DEADLINE_SEC, 0};

	if (c->state != CONTROL_NEW) {
		control_refuse(c, "hello was already said");
		return;
	}
	snprintf(ah->agent, sizeof ah->agent, "%s", AGENT_VERSION);
	ah->max_rate = o->reply_rate;
	if (o->open) {
		ah->open = true;
		control_send(c, &reply);
		control_conn_set_state(c, CONTROL_READY);
		return;
	}
	if (!h->keyed) {
		log_warn("control %s: hello without a nonce: this agent "
			 "needs a probe with --key-file",
			 c->peer_text);
		control_refuse(c, "this agent requires authentication: "
				  "run nacl-probe with --key-file");
		return;
	}
	/* The agent proves it holds the key first; the probe answers. */
	memcpy(c->probe_nonce, h->nonce, sizeof c->probe_nonce);
	auth_nonce(c->agent_nonce);
	auth_proof(&o->key, "agent", c->probe_nonce, c->agent_nonce, ah->proof);
	memcpy(ah->nonce, c->agent_nonce, sizeof ah->nonce);
	control_send(c, &reply);
	control_conn_set_state(c, CONTROL_CHALLENGED);
	/* The proof gets its own deadline, as the hello had. */
	evtimer_add(c->deadline, &deadline);
}

static void
control_handle_auth(struct control_conn *c, const uint8_t *proof)
{
	const struct agent_options *o = &c->agent->options;
	struct control_msg reply = {.type = CONTROL_MSG_AUTHENTICATED};

	if (c->state != CONTROL_CHALLENGED) {
		control_refuse(c, "auth comes once, after hello");
		return;
	}
	if (!auth_proof_verify(&o->key, "probe", c->probe_nonce, c->agent_nonce,
			       proof)) {
		log_warn("control %s: authentication refused: the probe's key "
			 "does not match",
			 c->peer_text);
		control_refuse(c, "authentication failed: the probe's key "
				  "does not match this agent's");
		return;
	}
	if (c->server->nready >= c->server->max_ready) {
		agent_warn_limited(&c->server->warn[CONTROL_WARN_FULL],
				   "control %s: refused: %zu authenticated "
				   "connections open",
				   c->peer_text, c->server->nready);
		control_refuse(c, "too many control connections on this "
				  "agent; try again later");
		return;
	}
	auth_session_key(&o->key, c->probe_nonce, c->agent_nonce,
			 c->session_key);
	control_send(c, &reply);
	control_conn_set_state(c, CONTROL_READY);
}

/* The served subset of ports (with the agent's services), or -1 with an
 * error naming the ones it does not serve. */
static int
control_served_ports(struct control_conn *c, const struct check_list *asked,
		     struct check_list *list)
{
	const struct check_list *served = &c->agent->options.ports;
	char *missing = NULL, *next;
	size_t i;
	int idx;

	for (i = 0; i < asked->count; i++) {
		const struct check_spec *spec = &asked->checks[i];

		idx = check_list_find(served, spec->proto, spec->port);
		if (idx < 0) {
			next = xasprintf("%s%s%s/%u", missing ? missing : "",
					 missing ? "," : "",
					 proto_name(spec->proto), spec->port);
			free(missing);
			missing = next;
			continue;
		}
		list->checks = xreallocarray(list->checks, list->count + 1,
					     sizeof *list->checks);
		list->checks[list->count++] = served->checks[idx];
	}
	if (missing == NULL)
		return 0;
	next = xasprintf("this agent does not serve %s; start it with "
			 "--ports covering them",
			 missing);
	control_send_error(c, next);
	free(next);
	free(missing);
	check_list_free(list);
	return -1;
}

/* A whole number from a sysctl file, or fallback. */
static uint32_t
control_sysctl(const char *path, uint32_t fallback)
{
	unsigned long value;
	FILE *f = fopen(path, "r");
	int n;

	if (f == NULL)
		return fallback;
	n = fscanf(f, "%lu", &value);
	fclose(f);
	return n == 1 ? (uint32_t)value : fallback;
}

static void
control_opened_fill(struct control_conn *c, const struct session *s,
		    struct control_opened *o)
{
	const struct agent *agent = c->agent;
	uint32_t somaxconn;

	o->session = s->id;
	o->keyed = s->keyed;
	o->max_rate = agent->options.reply_rate;
	o->max_seen = agent->options.max_seen;
	o->evidence =
		agent->capture != NULL ? EVIDENCE_CAPTURE : EVIDENCE_SOCKET;
	snprintf(o->evidence_note, sizeof o->evidence_note, "%s",
		 agent->capture != NULL ? "" : agent->capture_note);
	somaxconn = control_sysctl("/proc/sys/net/core/somaxconn", 4096);
	o->listen_backlog = somaxconn < 65535 ? somaxconn : 65535;
	o->syn_backlog =
		control_sysctl("/proc/sys/net/ipv4/tcp_max_syn_backlog", 0);
	o->syncookies = control_sysctl("/proc/sys/net/ipv4/tcp_syncookies", 1);
}

static void
control_handle_open(struct control_conn *c, const struct control_open *open)
{
	struct agent *agent = c->agent;
	struct control_msg reply = {.type = CONTROL_MSG_OPENED};
	struct check_list ports = {NULL, 0};
	struct sockaddr_storage probe_addr;
	size_t entries;
	socklen_t len;
	struct session *s;
	char *cause = NULL, *text;

	if (c->session != NULL) {
		control_send_error(c, "this connection has a session "
				      "already: one per connection");
		return;
	}
	if (netaddr_parse(open->probe_addr, 0, &probe_addr, &len, &cause) !=
	    0) {
		text = xasprintf("'open' member \"probe_addr\": %s", cause);
		control_send_error(c, text);
		free(text);
		free(cause);
		return;
	}
	if (control_served_ports(c, &open->ports, &ports) != 0)
		return;
	entries = ports.count * range_list_size(&open->sports);
	if (open->planned > agent->options.max_seen ||
	    entries > agent->options.max_seen) {
		text = xasprintf("this session plans %llu (check, source "
				 "port) pairs over %zu entries, more than "
				 "this agent's --max-seen %zu: start "
				 "nacl-agent with --max-seen %llu or more, or "
				 "sweep fewer ports",
				 (unsigned long long)open->planned, entries,
				 agent->options.max_seen,
				 (unsigned long long)(open->planned > entries
							      ? open->planned
							      : entries));
		log_warn("control %s: session refused: %s", c->peer_text, text);
		control_send_error(c, text);
		free(text);
		check_list_free(&ports);
		return;
	}
	/* What the host holds now belongs to the sessions already open. */
	capture_drain(agent->capture);
	halfopen_poll(agent->halfopen);
	s = session_open(&agent->sessions, c, (struct sockaddr *)&probe_addr,
			 (struct sockaddr *)&c->peer, &ports, &open->sports,
			 agent->options.open ? NULL : c->session_key);
	check_list_free(&ports);
	if (s == NULL) {
		log_warn("control %s: session refused: %zu sessions open "
			 "(--max-sessions)",
			 c->peer_text, agent->sessions.max);
		control_send_error(c, "too many sessions open on this agent; "
				      "try again later");
		return;
	}
	c->session = s;
	c->keepalive_ms = open->keepalive_ms;
	halfopen_forget(agent->halfopen, s);
	capture_update(agent->capture);
	agent_counters(agent, s, &s->start, s->overflows_start);
	log_info("session %08x opened by %s (probe %s, %zu ports, %llu "
		 "planned, %s evidence)",
		 s->id, c->peer_text, open->probe_addr, s->ports.count,
		 (unsigned long long)open->planned,
		 agent->capture != NULL ? "capture" : "socket");
	control_opened_fill(c, s, &reply.u.opened);
	control_send(c, &reply);
}

static bool
control_own_session(struct control_conn *c, uint32_t id)
{
	if (c->session != NULL && c->session->id == id)
		return true;
	control_send_error(c, "no such session on this connection");
	return false;
}

/* Everything the host holds for the session now: waiting datagrams and
 * packets, half-open entries; then the losses since it opened. */
static void
control_seen_fill(struct control_conn *c, struct seen_report *out)
{
	struct agent *agent = c->agent;
	struct session *s = c->session;
	struct seen_losses now, *l = &s->seen.losses;
	uint64_t *overflows;
	size_t i;

	for (i = 0; i < agent->nresponders; i++)
		responder_drain(agent->responders[i]);
	capture_drain(agent->capture);
	halfopen_poll(agent->halfopen);
	overflows = xcalloc(s->ports.count + 1, sizeof *overflows);
	agent_counters(agent, s, &now, overflows);
	memset(l, 0, sizeof *l);
	for (i = 0; i < s->ports.count; i++) {
		s->seen.checks[i].socket_overflows =
			overflows[i] - s->overflows_start[i];
		l->socket_overflows += s->seen.checks[i].socket_overflows;
	}
	l->listen_overflows = now.listen_overflows - s->start.listen_overflows;
	l->listen_drops = now.listen_drops - s->start.listen_drops;
	l->syncookies_sent = now.syncookies_sent - s->start.syncookies_sent;
	l->capture_drops = now.capture_drops - s->start.capture_drops;
	l->not_kept = s->not_kept;
	l->withheld = s->withheld;
	s->seen.evidence =
		agent->capture != NULL ? EVIDENCE_CAPTURE : EVIDENCE_SOCKET;
	free(overflows);
	/* The reply borrows the session's bitmaps: copied by value. */
	*out = s->seen;
}

static void
control_handle_seen(struct control_conn *c, uint32_t id)
{
	struct control_msg reply = {.type = CONTROL_MSG_SEEN};
	const struct seen_losses *l;

	if (!control_own_session(c, id))
		return;
	control_seen_fill(c, &reply.u.seen);
	l = &reply.u.seen.losses;
	if (l->socket_overflows + l->listen_overflows + l->listen_drops +
		    l->capture_drops + l->not_kept + l->withheld >
	    0)
		log_warn("session %08x: evidence may be incomplete: %llu "
			 "datagrams dropped by full sockets, %llu listen "
			 "overflows, %llu listen drops, %llu packets the "
			 "capture missed, %llu requests outside its ports, "
			 "%llu replies withheld",
			 id, (unsigned long long)l->socket_overflows,
			 (unsigned long long)l->listen_overflows,
			 (unsigned long long)l->listen_drops,
			 (unsigned long long)l->capture_drops,
			 (unsigned long long)l->not_kept,
			 (unsigned long long)l->withheld);
	control_send(c, &reply);
}

static void
control_handle_close(struct control_conn *c, uint32_t id)
{
	struct control_msg reply = {.type = CONTROL_MSG_CLOSED};
	struct session *s = c->session;

	if (!control_own_session(c, id))
		return;
	log_info("session %08x from %s closed after %.1f s: %llu probes seen "
		 "on %zu (protocol, port, source port)%s",
		 s->id, c->peer_text,
		 (double)(session_monotonic_ns() - s->opened_ns) / 1e9,
		 (unsigned long long)s->requests,
		 seen_report_count(&s->seen, SEEN_SOCKET),
		 s->withheld ? " (some replies withheld by --reply-rate)" : "");
	reply.u.session = s->id;
	session_close(&c->agent->sessions, s);
	c->session = NULL;
	capture_update(c->agent->capture);
	control_send(c, &reply);
}

static void
control_dispatch(struct control_conn *c, const struct control_msg *msg)
{
	struct control_msg pong = {.type = CONTROL_MSG_PONG};

	if (msg->type != CONTROL_MSG_HELLO && msg->type != CONTROL_MSG_AUTH &&
	    c->state != CONTROL_READY) {
		control_refuse(c, "authenticate first: hello, then auth");
		return;
	}
	switch (msg->type) {
	case CONTROL_MSG_HELLO:
		control_handle_hello(c, &msg->u.hello);
		break;
	case CONTROL_MSG_AUTH:
		control_handle_auth(c, msg->u.proof);
		break;
	case CONTROL_MSG_OPEN:
		control_handle_open(c, &msg->u.open);
		break;
	case CONTROL_MSG_PING:
		pong.u.t = msg->u.t;
		control_send(c, &pong);
		break;
	case CONTROL_MSG_SEEN_QUERY:
		control_handle_seen(c, msg->u.session);
		break;
	case CONTROL_MSG_CLOSE:
		control_handle_close(c, msg->u.session);
		break;
	default:
		control_send_error(c, "expected hello, auth, open, ping, seen "
				      "or close");
		break;
	}
}

static void
control_read_callback(struct bufferevent *bev, void *arg)
{
	struct control_conn *c = arg;
	struct evbuffer *in = bufferevent_get_input(bev);
	size_t len, need, consumed, limit;
	struct control_msg msg;
	uint8_t header[4];
	char *cause = NULL;
	cJSON *json;

	c->active_ns = session_monotonic_ns();
	while (c->state != CONTROL_CLOSING &&
	       (len = evbuffer_get_length(in)) >= 4) {
		limit = c->state == CONTROL_READY ? CONTROL_MAX_MESSAGE
						  : CONTROL_MAX_HELLO;
		evbuffer_copyout(in, header, 4);
		need = 4 + (size_t)wire_get32(header);
		if (need > 4 + limit)
			need = 4; /* let the decoder refuse it */
		if (len < need)
			break;
		switch (control_frame_decode(evbuffer_pullup(in, (ssize_t)need),
					     need, limit, &consumed, &json,
					     &cause)) {
		case CONTROL_DECODE_NEED_MORE:
			return;
		case CONTROL_DECODE_ERROR:
			agent_warn_limited(
				&c->server
					 ->warn[need == 4
							? CONTROL_WARN_SIZE
							: CONTROL_WARN_MESSAGE],
				"control %s: %s; closing", c->peer_text, cause);
			control_refuse(c, cause);
			free(cause);
			return;
		case CONTROL_DECODE_MESSAGE:
			break;
		}
		evbuffer_drain(in, consumed);
		if (control_msg_from_json(json, CONTROL_FROM_PROBE, NULL, &msg,
					  &cause) != 0) {
			cJSON_Delete(json);
			agent_warn_limited(
				&c->server->warn[CONTROL_WARN_MESSAGE],
				"control %s: %s; closing", c->peer_text, cause);
			control_refuse(c, cause);
			free(cause);
			return;
		}
		cJSON_Delete(json);
		control_dispatch(c, &msg);
		control_msg_free(&msg);
	}
	if (c->state != CONTROL_READY)
		return;
	/* A message begun must end soon: slow clients do not hold a slot. */
	if (evbuffer_get_length(in) > 0) {
		struct timeval tv = {AGENT_CONTROL_DEADLINE_SEC, 0};

		if (!evtimer_pending(c->deadline, NULL))
			evtimer_add(c->deadline, &tv);
	} else
		evtimer_del(c->deadline);
}

static void
control_write_callback(struct bufferevent *bev, void *arg)
{
	struct control_conn *c = arg;

	if (c->state == CONTROL_CLOSING &&
	    evbuffer_get_length(bufferevent_get_output(bev)) == 0)
		control_conn_free(c);
}

static void
control_event_callback(struct bufferevent *bev, short what, void *arg)
{
	struct control_conn *c = arg;

	(void)bev;
	if (what & (BEV_EVENT_EOF | BEV_EVENT_ERROR | BEV_EVENT_TIMEOUT)) {
		log_debug("control %s: connection ended", c->peer_text);
		control_conn_free(c);
	}
}

static void
control_deadline_callback(evutil_socket_t fd, short what, void *arg)
{
	struct control_conn *c = arg;

	(void)fd;
	(void)what;
	if (c->state == CONTROL_READY)
		log_warn("control %s: message not finished within %d s; "
			 "closing",
			 c->peer_text, AGENT_CONTROL_DEADLINE_SEC);
	else
		agent_warn_limited(&c->server->warn[CONTROL_WARN_DEADLINE],
				   "control %s: not authenticated within %d "
				   "s; closing",
				   c->peer_text, CONTROL_HELLO_DEADLINE_SEC);
	control_conn_free(c);
}

static bool
control_peer_allowed(const struct agent_options *o, const struct sockaddr *sa)
{
	const uint8_t *addr;
	uint8_t mapped[4];
	int family = sa->sa_family;
	size_t i;

	if (o->nallow == 0)
		return true;
	if (family == AF_INET6) {
		const struct sockaddr_in6 *sin6 = (const void *)sa;

		addr = sin6->sin6_addr.s6_addr;
		if (IN6_IS_ADDR_V4MAPPED(&sin6->sin6_addr)) {
			memcpy(mapped, addr + 12, 4);
			addr = mapped;
			family = AF_INET;
		}
	} else
		addr = (const uint8_t *)&(
			       (const struct sockaddr_in *)(const void *)sa)
			       ->sin_addr;
	for (i = 0; i < o->nallow; i++)
		if (o->allow[i].family == family &&
		    netaddr_cidr_contains(&o->allow[i], family, addr))
			return true;
	return false;
}

/*
 * Makes room for one more unauthenticated connection from peer. Past the
 * per-source limit, the oldest from that source that has said nothing for
 * the grace goes (a probe says hello at once, even many starting together
 * on a loaded host); past the total, the oldest unauthenticated one goes,
 * whatever it said. Idle strangers cannot keep a probe out.
 */
static void
control_make_room(struct control_server *server, const struct sockaddr *peer)
{
	struct control_conn *c, *silent = NULL, *oldest = NULL;
	uint64_t now = session_monotonic_ns();
	size_t from_source = 0;

	LIST_FOREACH(c, &server->conns, entry)
	{
		if (!control_state_unauthenticated(c->state))
			continue;
		if (oldest == NULL || c->accepted_ns < oldest->accepted_ns)
			oldest = c;
		if (!netaddr_equal((struct sockaddr *)&c->peer, peer))
			continue;
		from_source++;
		if (c->state == CONTROL_NEW &&
		    now - c->accepted_ns > AGENT_UNAUTH_GRACE_MS * 1000000ull &&
		    (silent == NULL || c->accepted_ns < silent->accepted_ns))
			silent = c;
	}
	if (from_source >= AGENT_UNAUTH_PER_SOURCE && silent != NULL)
		oldest = silent;
	else if (server->nunauth < AGENT_UNAUTH_MAX)
		return;
	agent_warn_limited(&server->warn[CONTROL_WARN_EVICT],
			   "control %s: closed unauthenticated to make room "
			   "(%zu unauthenticated: at most %d per source once "
			   "silent for %d ms, %d in all)",
			   oldest->peer_text, server->nunauth,
			   AGENT_UNAUTH_PER_SOURCE, AGENT_UNAUTH_GRACE_MS,
			   AGENT_UNAUTH_MAX);
	control_conn_free(oldest);
}

static void
control_accept_callback(struct evconnlistener *listener, evutil_socket_t fd,
			struct sockaddr *peer, int peerlen, void *arg)
{
	struct control_server *server = arg;
	struct timeval hello = {CONTROL_HELLO_DEADLINE_SEC, 0};
	struct control_conn *c;
	char text[NETADDR_STRLEN];

	(void)listener;
	if (!control_peer_allowed(&server->agent->options, peer)) {
		agent_warn_limited(&server->warn[CONTROL_WARN_ALLOW],
				   "control connection from %s refused: not "
				   "in --allow",
				   netaddr_format(peer, text));
		close(fd);
		return;
	}
	control_make_room(server, peer);
	c = xcalloc(1, sizeof *c);
	c->server = server;
	c->agent = server->agent;
	memcpy(&c->peer, peer, (size_t)peerlen);
	netaddr_format(peer, c->peer_text);
	c->accepted_ns = c->active_ns = session_monotonic_ns();
	c->bev = bufferevent_socket_new(server->agent->base, fd,
					BEV_OPT_CLOSE_ON_FREE);
	c->deadline =
		evtimer_new(server->agent->base, control_deadline_callback, c);
	bufferevent_priority_set(c->bev, AGENT_PRIORITY_CONTROL);
	LIST_INSERT_HEAD(&server->conns, c, entry);
	/* From a neutral start, so the counts follow. */
	c->state = CONTROL_CLOSING;
	control_conn_set_state(c, CONTROL_NEW);
	bufferevent_setcb(c->bev, control_read_callback, control_write_callback,
			  control_event_callback, c);
	bufferevent_enable(c->bev, EV_READ | EV_WRITE);
	evtimer_add(c->deadline, &hello);
	log_debug("control %s: connected", c->peer_text);
}

static void
control_accept_error_callback(struct evconnlistener *listener, void *arg)
{
	struct control_server *server = arg;

	agent_shed_connection(server->agent, evconnlistener_get_fd(listener),
			      "control");
}

/* Ends connections silent for too long: a session's after ten of its
 * keepalive intervals (or --idle-timeout, if shorter), others after
 * --idle-timeout. Never for lack of probes. */
static void
control_idle_callback(evutil_socket_t fd, short what, void *arg)
{
	struct control_server *server = arg;
	struct agent *agent = server->agent;
	uint64_t now = session_monotonic_ns(), allowed;
	uint64_t idle = (uint64_t)agent->options.idle_sec * 1000000000u;
	struct control_conn *c, *next;

	(void)fd;
	(void)what;
	for (c = LIST_FIRST(&server->conns); c != NULL; c = next) {
		next = LIST_NEXT(c, entry);
		if (c->state != CONTROL_READY)
			continue;
		allowed = idle;
		if (c->session != NULL &&
		    (uint64_t)c->keepalive_ms * CONTROL_KEEPALIVE_MISSES *
				    1000000u <
			    allowed)
			allowed = (uint64_t)c->keepalive_ms *
				  CONTROL_KEEPALIVE_MISSES * 1000000u;
		if (now - c->active_ns <= allowed)
			continue;
		log_info("control %s: silent for %.1f s; closing%s",
			 c->peer_text, (double)allowed / 1e9,
			 c->session != NULL ? " it and its session" : "");
		control_conn_free(c);
	}
}

static int
control_listen(struct control_server *server, const struct sockaddr *addr,
	       char **cause)
{
	struct agent *agent = server->agent;
	struct sockaddr_storage ss;
	struct evconnlistener *l;
	char text[NETADDR_STRLEN];
	int one = 1, fd;

	memcpy(&ss, addr, netaddr_len(addr));
	netaddr_set_port((struct sockaddr *)&ss, agent->options.control_port);
	fd = socket(ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
		    0);
	if (fd >= 0) {
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
		if (ss.ss_family == AF_INET6)
			setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one,
				   sizeof one);
	}
	if (fd < 0 ||
	    bind(fd, (struct sockaddr *)&ss,
		 netaddr_len((struct sockaddr *)&ss)) != 0 ||
	    listen(fd, 128) != 0) {
		*cause =
			xasprintf("cannot listen for control connections on "
				  "%s port %u: %s",
				  netaddr_format((struct sockaddr *)&ss, text),
				  agent->options.control_port, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	l = evconnlistener_new(agent->base, control_accept_callback, server,
			       LEV_OPT_CLOSE_ON_FREE, 0, fd);
	evconnlistener_set_error_cb(l, control_accept_error_callback);
	server->listeners[server->nlisteners++] = l;
	return 0;
}

struct control_server *
control_server_new(struct agent *agent, char **cause)
{
	struct control_server *server = xcalloc(1, sizeof *server);
	struct timeval every = {1, 0};
	size_t i;

	server->agent = agent;
	LIST_INIT(&server->conns);
	server->max_ready = agent->options.max_sessions * 2 + 16;
	server->idle_timer = event_new(agent->base, -1, EV_PERSIST,
				       control_idle_callback, server);
	event_add(server->idle_timer, &every);
	server->listeners =
		xcalloc(agent->options.nlisten, sizeof *server->listeners);
	for (i = 0; i < agent->options.nlisten; i++) {
		if (control_listen(server,
				   (struct sockaddr *)&agent->options.listen[i],
				   cause) != 0) {
			control_server_free(server);
			return NULL;
		}
	}
	return server;
}

void
control_server_free(struct control_server *server)
{
	size_t i;

	if (server == NULL)
		return;
	while (!LIST_EMPTY(&server->conns))
		control_conn_free(LIST_FIRST(&server->conns));
	for (i = 0; i < server->nlisteners; i++)
		evconnlistener_free(server->listeners[i]);
	event_free(server->idle_timer);
	free(server->listeners);
	free(server);
}
