/* The agent's control server: sessions are opened, queried and closed here. */
/* One control_conn per client, one bufferevent each, torn down by
 * control_conn_free(). */
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
#include "common/log.h"
#include "common/netaddr.h"
#include "common/xmalloc.h"

#define AGENT_VERSION "nacl-agent/0.1"

enum control_state {
	CONTROL_NEW, /* waiting for hello */
	CONTROL_CHALLENGED, /* hello answered, waiting for the probe's proof */
	CONTROL_READY, /* authenticated (or --open): sessions allowed */
};

struct control_conn;

struct control_server {
	struct agent *agent;
	struct evconnlistener **listeners;
	size_t nlisteners;
	LIST_HEAD(, control_conn) conns;
	size_t nconns, max_conns;
	struct event *idle_timer;
};

struct control_conn {
	struct control_server *server;
	struct agent *agent;
	struct bufferevent *bev;
	struct sockaddr_storage peer;
	char peer_text[NETADDR_STRLEN];
	enum control_state state;
	bool closing; /* free once the output is flushed */
	uint8_t probe_nonce[AUTH_NONCE_SIZE];
	uint8_t agent_nonce[AUTH_NONCE_SIZE];
	uint8_t session_key[AUTH_SESSION_KEY_SIZE];
	/* Until authenticated, and while a message is half-read. */
	struct event *deadline;
	uint64_t active_ns;
	LIST_ENTRY(control_conn) entry;
};

static void
control_conn_free(struct control_conn *c)
{
	size_t i;

	for (i = 0; i < c->agent->sessions.max; i++) {
		struct session *s = c->agent->sessions.sessions[i];

		if (s != NULL && s->owner == c)
			log_info("session %08x from %s ended with its "
				 "connection: %llu requests seen",
				 s->id, c->peer_text,
				 (unsigned long long)s->requests);
	}
	if (c->state == CONTROL_CHALLENGED)
		log_warn("control %s: left without proving the key: "
			 "authentication refused (its key differs?)",
			 c->peer_text);
	session_close_owner(&c->agent->sessions, c);
	LIST_REMOVE(c, entry);
	c->server->nconns--;
	event_free(c->deadline);
	bufferevent_free(c->bev);
	sodium_memzero(c->session_key, sizeof c->session_key);
	free(c);
}

/* Flushes what is queued (an error message), then closes. */
static void
control_conn_close(struct control_conn *c)
{
	c->closing = true;
	bufferevent_disable(c->bev, EV_READ);
	if (evbuffer_get_length(bufferevent_get_output(c->bev)) == 0)
		control_conn_free(c);
}

static void
control_arm_deadline(struct control_conn *c)
{
	struct timeval tv = {AGENT_CONTROL_DEADLINE_SEC, 0};

	if (!evtimer_pending(c->deadline, NULL))
		evtimer_add(c->deadline, &tv);
}

static void
control_send(struct control_conn *c, cJSON *msg)
{
	char *cause = NULL;
	uint8_t *frame;
	size_t len;

	frame = control_frame_encode(msg, &len, &cause);
	cJSON_Delete(msg);
	if (frame == NULL) {
		log_warn("control %s: %s", c->peer_text, cause);
		free(cause);
		return;
	}
	bufferevent_write(c->bev, frame, len);
	free(frame);
}

static void
control_send_error(struct control_conn *c, const char *message)
{
	cJSON *msg = control_message_new("error");

	cJSON_AddStringToObject(msg, "message", message);
	control_send(c, msg);
}

static struct session *
control_session_arg(struct control_conn *c, const cJSON *msg)
{
	const cJSON *id = cJSON_GetObjectItemCaseSensitive(msg, "session");
	struct session *s;

	if (!cJSON_IsNumber(id) || !(id->valuedouble >= 1) ||
	    id->valuedouble > 4294967295.0) {
		control_send_error(c, "\"session\" must be a session id");
		return NULL;
	}
	s = session_find(&c->agent->sessions, (uint32_t)id->valuedouble);
	if (s == NULL || s->owner != c) {
		control_send_error(c, "no such session on this connection");
		return NULL;
	}
	return s;
}

static bool
control_nonce_arg(const cJSON *msg, const char *name, uint8_t *out, size_t len)
{
	const cJSON *hex = cJSON_GetObjectItemCaseSensitive(msg, name);

	return cJSON_IsString(hex) &&
	       auth_unhex(hex->valuestring, out, len) == 0;
}

static void
control_handle_hello(struct control_conn *c, const cJSON *msg)
{
	const struct agent_options *o = &c->agent->options;
	char hex[AUTH_PROOF_SIZE * 2 + 1];
	uint8_t proof[AUTH_PROOF_SIZE];
	cJSON *reply;

	if (c->state != CONTROL_NEW) {
		control_send_error(c, "hello was already said");
		return;
	}
	reply = control_message_new("hello");
	cJSON_AddStringToObject(reply, "server", AGENT_VERSION);
	cJSON_AddNumberToObject(reply, "max_rate", o->reply_rate);
	if (o->open) {
		cJSON_AddStringToObject(reply, "auth", "open");
		c->state = CONTROL_READY;
		evtimer_del(c->deadline);
		control_send(c, reply);
		return;
	}
	if (!control_nonce_arg(msg, "nonce", c->probe_nonce, AUTH_NONCE_SIZE)) {
		cJSON_Delete(reply);
		log_warn("control %s: hello without a nonce: this agent "
			 "needs a probe with --key-file",
			 c->peer_text);
		control_send_error(c, "this agent requires authentication: "
				      "run nacl-probe with --key-file");
		control_conn_close(c);
		return;
	}
	/* The agent proves it holds the key first; the probe answers. */
	auth_nonce(c->agent_nonce);
	auth_proof(&o->key, "agent", c->probe_nonce, c->agent_nonce, proof);
	cJSON_AddStringToObject(reply, "auth", "hmac-sha256");
	auth_hex(c->agent_nonce, AUTH_NONCE_SIZE, hex);
	cJSON_AddStringToObject(reply, "nonce", hex);
	auth_hex(proof, AUTH_PROOF_SIZE, hex);
	cJSON_AddStringToObject(reply, "proof", hex);
	c->state = CONTROL_CHALLENGED;
	control_send(c, reply);
}

static void
control_handle_auth(struct control_conn *c, const cJSON *msg)
{
	const struct agent_options *o = &c->agent->options;
	uint8_t proof[AUTH_PROOF_SIZE];

	if (c->state != CONTROL_CHALLENGED) {
		control_send_error(c, "auth comes once, after hello");
		control_conn_close(c);
		return;
	}
	if (!control_nonce_arg(msg, "proof", proof, AUTH_PROOF_SIZE) ||
	    !auth_proof_verify(&o->key, "probe", c->probe_nonce, c->agent_nonce,
			       proof)) {
		log_warn("control %s: authentication refused: the probe's key "
			 "does not match",
			 c->peer_text);
		control_send_error(c, "authentication failed: the probe's key "
				      "does not match this agent's");
		control_conn_close(c);
		return;
	}
	auth_session_key(&o->key, c->probe_nonce, c->agent_nonce,
			 c->session_key);
	c->state = CONTROL_READY;
	evtimer_del(c->deadline);
	control_send(c, control_message_new("authenticated"));
}

static int
control_parse_ports(struct control_conn *c, const cJSON *ports,
		    struct check_list *list)
{
	const struct check_list *served = &c->agent->options.ports;
	const cJSON *item;
	char *missing = NULL, *next;

	if (!cJSON_IsArray(ports)) {
		control_send_error(c, "\"ports\" must be an array of "
				      "[\"udp\"|\"tcp\", PORT]");
		return -1;
	}
	cJSON_ArrayForEach(item, ports)
	{
		const cJSON *p = cJSON_GetArrayItem(item, 0);
		const cJSON *n = cJSON_GetArrayItem(item, 1);
		struct check_spec spec;
		int idx;

		if (!cJSON_IsString(p) || !cJSON_IsNumber(n) ||
		    proto_parse(p->valuestring, &spec.proto) != 0 ||
		    n->valuedouble < 1 || n->valuedouble > 65535) {
			control_send_error(c,
					   "bad entry in \"ports\": expected "
					   "[\"udp\"|\"tcp\", 1-65535]");
			free(missing);
			return -1;
		}
		spec.port = (uint16_t)n->valuedouble;
		idx = check_list_find(served, spec.proto, spec.port);
		if (idx < 0) {
			next = xasprintf("%s%s%s/%u", missing ? missing : "",
					 missing ? "," : "",
					 proto_name(spec.proto), spec.port);
			free(missing);
			missing = next;
			continue;
		}
		spec.service = served->checks[idx].service;
		list->checks = xreallocarray(list->checks, list->count + 1,
					     sizeof *list->checks);
		list->checks[list->count++] = spec;
	}
	if (missing != NULL) {
		next = xasprintf("this agent does not serve %s; start it with "
				 "--ports covering them",
				 missing);
		control_send_error(c, next);
		free(next);
		free(missing);
		return -1;
	}
	return 0;
}

static void
control_handle_open(struct control_conn *c, const cJSON *msg)
{
	const cJSON *addr = cJSON_GetObjectItemCaseSensitive(msg, "probe_addr");
	const cJSON *sports_text =
		cJSON_GetObjectItemCaseSensitive(msg, "sports");
	struct check_list ports = {NULL, 0};
	struct range_list sports = {NULL, 0};
	struct sockaddr_storage probe_addr;
	socklen_t len;
	struct session *s;
	char *cause = NULL;
	cJSON *reply;
	size_t i;

	if (!cJSON_IsString(addr) ||
	    netaddr_parse(addr->valuestring, 0, &probe_addr, &len, &cause) !=
		    0) {
		control_send_error(c, "\"probe_addr\" must be an IP address");
		free(cause);
		return;
	}
	if (sports_text != NULL &&
	    (!cJSON_IsString(sports_text) ||
	     range_list_parse(sports_text->valuestring, &sports, 1, &cause) !=
		     0)) {
		control_send_error(c, "\"sports\" must be source-port ranges");
		free(cause);
		return;
	}
	if (control_parse_ports(c,
				cJSON_GetObjectItemCaseSensitive(msg, "ports"),
				&ports) != 0) {
		range_list_free(&sports);
		return;
	}
	for (i = 0; i < c->agent->sessions.max; i++) {
		if (c->agent->sessions.sessions[i] != NULL &&
		    c->agent->sessions.sessions[i]->owner == c) {
			control_send_error(c, "this connection has a session "
					      "already: one per connection");
			check_list_free(&ports);
			range_list_free(&sports);
			return;
		}
	}
	halfopen_poll(c->agent->halfopen);
	s = session_open(&c->agent->sessions, c, (struct sockaddr *)&probe_addr,
			 (struct sockaddr *)&c->peer, &ports, &sports,
			 c->agent->options.open ? NULL : c->session_key);
	check_list_free(&ports);
	range_list_free(&sports);
	if (s == NULL) {
		log_warn("control %s: session refused: %zu sessions open "
			 "(--max-sessions)",
			 c->peer_text, c->agent->sessions.max);
		control_send_error(c, "too many sessions open on this agent; "
				      "try again later");
		return;
	}
	halfopen_forget(c->agent->halfopen, s);
	log_info("session %08x opened by %s (probe %s, %zu ports)", s->id,
		 c->peer_text, addr->valuestring, s->ports.count);
	reply = control_message_new("opened");
	cJSON_AddNumberToObject(reply, "session", s->id);
	cJSON_AddBoolToObject(reply, "keyed", s->keyed);
	cJSON_AddNumberToObject(reply, "max_rate",
				c->agent->options.reply_rate);
	control_send(c, reply);
}

static void
control_handle_seen(struct control_conn *c, const cJSON *msg)
{
	const cJSON *off = cJSON_GetObjectItemCaseSensitive(msg, "offset");
	struct session *s = control_session_arg(c, msg);
	struct seen_entry e;
	cJSON *reply, *entries;
	size_t offset, i, end;

	if (s == NULL)
		return;
	if (!cJSON_IsNumber(off) || !(off->valuedouble >= 0) ||
	    off->valuedouble > 4294967295.0) {
		control_send_error(c, "\"offset\" must be a number >= 0");
		return;
	}
	offset = (size_t)off->valuedouble;
	if (offset == 0)
		halfopen_poll(c->agent->halfopen);
	if (offset > s->nrecords)
		offset = s->nrecords;
	end = offset + CONTROL_SEEN_PAGE < s->nrecords
		      ? offset + CONTROL_SEEN_PAGE
		      : s->nrecords;
	reply = control_message_new("seen");
	cJSON_AddNumberToObject(reply, "session", s->id);
	cJSON_AddNumberToObject(reply, "total", (double)s->nrecords);
	cJSON_AddNumberToObject(reply, "offset", (double)offset);
	cJSON_AddBoolToObject(reply, "truncated", s->truncated);
	cJSON_AddNumberToObject(reply, "withheld", (double)s->withheld);
	entries = cJSON_AddArrayToObject(reply, "entries");
	for (i = offset; i < end; i++) {
		session_entry(s, i, &e);
		cJSON_AddItemToArray(entries, seen_entry_to_json(&e));
	}
	control_send(c, reply);
}

static void
control_handle_close(struct control_conn *c, const cJSON *msg)
{
	struct session *s = control_session_arg(c, msg);
	cJSON *reply;

	if (s == NULL)
		return;
	log_info("session %08x from %s closed after %.1f s: %llu probes seen "
		 "on %zu (protocol, port, source port)%s",
		 s->id, c->peer_text,
		 (double)(session_monotonic_ns() - s->opened_ns) / 1e9,
		 (unsigned long long)s->requests, s->nrecords,
		 s->withheld ? " (some replies withheld by --reply-rate)" : "");
	reply = control_message_new("closed");
	cJSON_AddNumberToObject(reply, "session", s->id);
	session_close(&c->agent->sessions, s);
	control_send(c, reply);
}

static void
control_dispatch(struct control_conn *c, const cJSON *msg)
{
	const char *type = control_message_type(msg);
	char *text;
	size_t i;

	c->active_ns = session_monotonic_ns();
	for (i = 0; i < c->agent->sessions.max; i++) {
		struct session *s = c->agent->sessions.sessions[i];

		if (s != NULL && s->owner == c)
			s->active_ns = c->active_ns;
	}
	if (strcmp(type, "hello") == 0)
		control_handle_hello(c, msg);
	else if (strcmp(type, "auth") == 0)
		control_handle_auth(c, msg);
	else if (c->state != CONTROL_READY) {
		control_send_error(c, "authenticate first: hello, then auth");
		control_conn_close(c);
	} else if (strcmp(type, "open") == 0)
		control_handle_open(c, msg);
	else if (strcmp(type, "seen") == 0)
		control_handle_seen(c, msg);
	else if (strcmp(type, "close") == 0)
		control_handle_close(c, msg);
	else {
		text = xasprintf("unknown message type '%.40s': expected "
				 "hello, auth, open, seen or close",
				 type);
		control_send_error(c, text);
		free(text);
	}
}

static void
control_read_callback(struct bufferevent *bev, void *arg)
{
	struct control_conn *c = arg;
	struct evbuffer *in = bufferevent_get_input(bev);
	uint8_t header[4];
	size_t len, need, consumed;
	char *cause = NULL;
	cJSON *msg;

	while (!c->closing && (len = evbuffer_get_length(in)) >= 4) {
		evbuffer_copyout(in, header, 4);
		need = 4 + ((size_t)header[0] << 24 | (size_t)header[1] << 16 |
			    (size_t)header[2] << 8 | header[3]);
		if (need > 4 + CONTROL_MAX_MESSAGE)
			need = 4; /* let the decoder refuse it */
		if (len < need)
			break;
		switch (control_frame_decode(evbuffer_pullup(in, (ssize_t)need),
					     need, &consumed, &msg, &cause)) {
		case CONTROL_DECODE_NEED_MORE:
			return;
		case CONTROL_DECODE_ERROR:
			log_warn("control %s: %s; closing", c->peer_text,
				 cause);
			control_send_error(c, cause);
			free(cause);
			control_conn_close(c);
			return;
		case CONTROL_DECODE_MESSAGE:
			evbuffer_drain(in, consumed);
			control_dispatch(c, msg);
			cJSON_Delete(msg);
			break;
		}
	}
	if (c->closing)
		return;
	/* A message begun must end soon: slow clients do not hold a slot. */
	if (evbuffer_get_length(in) > 0)
		control_arm_deadline(c);
	else if (c->state == CONTROL_READY)
		evtimer_del(c->deadline);
}

static void
control_write_callback(struct bufferevent *bev, void *arg)
{
	struct control_conn *c = arg;

	if (c->closing && evbuffer_get_length(bufferevent_get_output(bev)) == 0)
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
	log_warn("control %s: %s within %d s; closing", c->peer_text,
		 c->state == CONTROL_READY ? "message not finished"
					   : "not authenticated",
		 AGENT_CONTROL_DEADLINE_SEC);
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

static void
control_accept_callback(struct evconnlistener *listener, evutil_socket_t fd,
			struct sockaddr *peer, int peerlen, void *arg)
{
	struct control_server *server = arg;
	struct control_conn *c;
	char text[NETADDR_STRLEN];

	(void)listener;
	if (!control_peer_allowed(&server->agent->options, peer)) {
		log_warn("control connection from %s refused: not in --allow",
			 netaddr_format(peer, text));
		close(fd);
		return;
	}
	if (server->nconns >= server->max_conns) {
		log_warn("control connection from %s refused: %zu connections "
			 "open",
			 netaddr_format(peer, text), server->nconns);
		close(fd);
		return;
	}
	c = xcalloc(1, sizeof *c);
	c->server = server;
	c->agent = server->agent;
	memcpy(&c->peer, peer, (size_t)peerlen);
	netaddr_format(peer, c->peer_text);
	c->active_ns = session_monotonic_ns();
	c->bev = bufferevent_socket_new(server->agent->base, fd,
					BEV_OPT_CLOSE_ON_FREE);
	c->deadline =
		evtimer_new(server->agent->base, control_deadline_callback, c);
	LIST_INSERT_HEAD(&server->conns, c, entry);
	server->nconns++;
	bufferevent_setcb(c->bev, control_read_callback, control_write_callback,
			  control_event_callback, c);
	bufferevent_enable(c->bev, EV_READ | EV_WRITE);
	control_arm_deadline(c);
	log_debug("control %s: connected", c->peer_text);
}

/* Ends sessions without probes or messages for --idle-timeout, and
 * authenticated connections that hold none for as long. */
static void
control_idle_callback(evutil_socket_t fd, short what, void *arg)
{
	struct control_server *server = arg;
	struct agent *agent = server->agent;
	uint64_t now = session_monotonic_ns();
	uint64_t idle = (uint64_t)agent->options.idle_sec * 1000000000u;
	struct control_conn *c, *next;
	size_t i;
	bool owns;

	(void)fd;
	(void)what;
	for (i = 0; i < agent->sessions.max; i++) {
		struct session *s = agent->sessions.sessions[i];

		if (s == NULL || now - s->active_ns <= idle)
			continue;
		log_info("session %08x ended: idle for %u s (--idle-timeout): "
			 "%llu probes seen",
			 s->id, agent->options.idle_sec,
			 (unsigned long long)s->requests);
		session_close(&agent->sessions, s);
	}
	for (c = LIST_FIRST(&server->conns); c != NULL; c = next) {
		next = LIST_NEXT(c, entry);
		owns = false;
		for (i = 0; i < agent->sessions.max; i++)
			if (agent->sessions.sessions[i] != NULL &&
			    agent->sessions.sessions[i]->owner == c)
				owns = true;
		if (!owns && !c->closing && now - c->active_ns > idle) {
			log_info("control %s: idle for %u s; closing",
				 c->peer_text, agent->options.idle_sec);
			control_conn_free(c);
		}
	}
}

struct control_server *
control_server_new(struct agent *agent, char **cause)
{
	struct control_server *server = xcalloc(1, sizeof *server);
	struct timeval every = {1, 0};
	size_t i;

	server->agent = agent;
	LIST_INIT(&server->conns);
	server->max_conns = agent->options.max_sessions * 2 + 16;
	server->idle_timer = event_new(agent->base, -1, EV_PERSIST,
				       control_idle_callback, server);
	event_add(server->idle_timer, &every);
	server->listeners =
		xcalloc(agent->options.nlisten, sizeof *server->listeners);
	for (i = 0; i < agent->options.nlisten; i++) {
		struct sockaddr_storage ss = agent->options.listen[i];
		struct evconnlistener *l;
		char text[NETADDR_STRLEN];
		int one = 1, fd;

		netaddr_set_port((struct sockaddr *)&ss,
				 agent->options.control_port);
		fd = socket(ss.ss_family,
			    SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
		if (fd >= 0) {
			setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one,
				   sizeof one);
			if (ss.ss_family == AF_INET6)
				setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one,
					   sizeof one);
		}
		if (fd < 0 ||
		    bind(fd, (struct sockaddr *)&ss,
			 netaddr_len((struct sockaddr *)&ss)) != 0 ||
		    listen(fd, 128) != 0) {
			*cause = xasprintf(
				"cannot listen for control "
				"connections on %s port %u: %s",
				netaddr_format((struct sockaddr *)&ss, text),
				agent->options.control_port, strerror(errno));
			if (fd >= 0)
				close(fd);
			control_server_free(server);
			return NULL;
		}
		l = evconnlistener_new(agent->base, control_accept_callback,
				       server, LEV_OPT_CLOSE_ON_FREE, 0, fd);
		server->listeners[server->nlisteners++] = l;
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
