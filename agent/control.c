/* The agent's control server: sessions are opened, queried and closed here. */
/* One control_conn per client, one bufferevent each, torn down by
 * control_conn_free(). */
#include <errno.h>
#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/listener.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "agent/agent.h"
#include "common/control.h"
#include "common/log.h"
#include "common/netaddr.h"
#include "common/xmalloc.h"

#define AGENT_VERSION "nacl-agent/0.1"

struct control_server {
	struct agent *agent;
	struct evconnlistener **listeners;
	size_t nlisteners;
};

struct control_conn {
	struct agent *agent;
	struct bufferevent *bev;
	struct sockaddr_storage peer;
	char peer_text[NETADDR_STRLEN];
	bool closing; /* free once the output is flushed */
};

static void
control_conn_free(struct control_conn *c)
{
	size_t i;

	for (i = 0; i < SESSION_MAX; i++) {
		struct session *s = c->agent->sessions.sessions[i];

		if (s != NULL && s->owner == c)
			log_info("session %08x from %s ended with its "
				 "connection: %llu requests seen",
				 s->id, c->peer_text,
				 (unsigned long long)s->requests);
	}
	session_close_owner(&c->agent->sessions, c);
	bufferevent_free(c->bev);
	free(c);
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

	if (!cJSON_IsNumber(id)) {
		control_send_error(c, "missing \"session\"");
		return NULL;
	}
	s = session_find(&c->agent->sessions, (uint32_t)id->valuedouble);
	if (s == NULL || s->owner != c) {
		control_send_error(c, "no such session on this connection");
		return NULL;
	}
	return s;
}

static void
control_handle_hello(struct control_conn *c)
{
	cJSON *reply = control_message_new("hello");

	cJSON_AddStringToObject(reply, "server", AGENT_VERSION);
	/* Issue 6 adds "hmac-sha256" with a challenge here. */
	cJSON_AddStringToObject(reply, "auth", "open");
	control_send(c, reply);
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
	struct check_list ports = {NULL, 0};
	struct sockaddr_storage probe_addr;
	socklen_t len;
	struct session *s;
	char *cause = NULL;
	cJSON *reply;

	if (!cJSON_IsString(addr) ||
	    netaddr_parse(addr->valuestring, 0, &probe_addr, &len, &cause) !=
		    0) {
		control_send_error(c, "\"probe_addr\" must be an IP address");
		free(cause);
		return;
	}
	if (control_parse_ports(c,
				cJSON_GetObjectItemCaseSensitive(msg, "ports"),
				&ports) != 0)
		return;
	halfopen_poll(c->agent->halfopen);
	s = session_open(&c->agent->sessions, c, (struct sockaddr *)&probe_addr,
			 (struct sockaddr *)&c->peer, &ports);
	check_list_free(&ports);
	if (s == NULL) {
		log_warn("control %s: session refused: %d sessions open",
			 c->peer_text, SESSION_MAX);
		control_send_error(c, "too many sessions open on this agent");
		return;
	}
	halfopen_forget(c->agent->halfopen, s);
	log_info("session %08x opened by %s (probe %s, %zu ports)", s->id,
		 c->peer_text, addr->valuestring, s->ports.count);
	reply = control_message_new("opened");
	cJSON_AddNumberToObject(reply, "session", s->id);
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
	if (!cJSON_IsNumber(off) || off->valuedouble < 0) {
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
	log_info("session %08x from %s closed: %llu requests seen, %zu "
		 "distinct",
		 s->id, c->peer_text, (unsigned long long)s->requests,
		 s->nrecords);
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

	if (strcmp(type, "hello") == 0)
		control_handle_hello(c);
	else if (strcmp(type, "open") == 0)
		control_handle_open(c, msg);
	else if (strcmp(type, "seen") == 0)
		control_handle_seen(c, msg);
	else if (strcmp(type, "close") == 0)
		control_handle_close(c, msg);
	else {
		text = xasprintf("unknown message type '%.40s': expected "
				 "hello, open, seen or close",
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
			return;
		switch (control_frame_decode(evbuffer_pullup(in, (ssize_t)need),
					     need, &consumed, &msg, &cause)) {
		case CONTROL_DECODE_NEED_MORE:
			return;
		case CONTROL_DECODE_ERROR:
			log_warn("control %s: %s; closing", c->peer_text,
				 cause);
			control_send_error(c, cause);
			free(cause);
			c->closing = true;
			bufferevent_disable(bev, EV_READ);
			return;
		case CONTROL_DECODE_MESSAGE:
			evbuffer_drain(in, consumed);
			control_dispatch(c, msg);
			cJSON_Delete(msg);
			break;
		}
	}
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
control_accept_callback(struct evconnlistener *listener, evutil_socket_t fd,
			struct sockaddr *peer, int peerlen, void *arg)
{
	struct control_server *server = arg;
	struct control_conn *c = xcalloc(1, sizeof *c);

	(void)listener;
	c->agent = server->agent;
	memcpy(&c->peer, peer, (size_t)peerlen);
	netaddr_format(peer, c->peer_text);
	c->bev = bufferevent_socket_new(server->agent->base, fd,
					BEV_OPT_CLOSE_ON_FREE);
	bufferevent_setcb(c->bev, control_read_callback, control_write_callback,
			  control_event_callback, c);
	bufferevent_enable(c->bev, EV_READ | EV_WRITE);
	log_debug("control %s: connected", c->peer_text);
}

struct control_server *
control_server_new(struct agent *agent, char **cause)
{
	struct control_server *server = xcalloc(1, sizeof *server);
	size_t i;

	server->agent = agent;
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
	for (i = 0; i < server->nlisteners; i++)
		evconnlistener_free(server->listeners[i]);
	free(server->listeners);
	free(server);
}
