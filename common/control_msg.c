/* The control channel's messages as typed structs, encoded and decoded once. */
/* Decoders are pure functions over cJSON trees, so unit tests and the fuzz
 * target reach every one without a socket. */
#include "common/control_msg.h"

#include <stdlib.h>
#include <string.h>

#include "common/control.h"
#include "common/jsonget.h"
#include "common/xmalloc.h"

/* A session plans at most this many (check, source port) pairs. */
#define CONTROL_MAX_PLANNED (UINT64_C(1) << 32)
#define CONTROL_MAX_RATE 1000000000u

static const char *const control_type_names[CONTROL_MSG_COUNT] = {
	"hello", "hello", "auth", "authenticated", "open",   "opened", "ping",
	"pong",	 "seen",  "seen", "close",	   "closed", "error",
};

/* The side that sends each type; hello and seen are told apart by it. */
static const enum control_side control_type_sides[CONTROL_MSG_COUNT] = {
	CONTROL_FROM_PROBE, CONTROL_FROM_AGENT, CONTROL_FROM_PROBE,
	CONTROL_FROM_AGENT, CONTROL_FROM_PROBE, CONTROL_FROM_AGENT,
	CONTROL_FROM_PROBE, CONTROL_FROM_AGENT, CONTROL_FROM_PROBE,
	CONTROL_FROM_AGENT, CONTROL_FROM_PROBE, CONTROL_FROM_AGENT,
	CONTROL_FROM_AGENT,
};

const char *
control_msg_type_name(enum control_msg_type type)
{
	return (unsigned)type < CONTROL_MSG_COUNT ? control_type_names[type]
						  : "?";
}

void
control_msg_free(struct control_msg *msg)
{
	if (msg == NULL)
		return;
	switch (msg->type) {
	case CONTROL_MSG_OPEN:
		check_list_free(&msg->u.open.ports);
		range_list_free(&msg->u.open.sports);
		break;
	case CONTROL_MSG_SEEN:
		seen_report_free(&msg->u.seen);
		break;
	case CONTROL_MSG_ERROR:
		free(msg->u.error);
		msg->u.error = NULL;
		break;
	default:
		break;
	}
}

void
control_msg_error(struct control_msg *msg, const char *text)
{
	memset(msg, 0, sizeof *msg);
	msg->type = CONTROL_MSG_ERROR;
	msg->u.error = xstrdup(text);
}

static void
control_add_hex(cJSON *json, const char *name, const uint8_t *bin, size_t len)
{
	char hex[2 * 64 + 1];

	auth_hex(bin, len, hex);
	xcheck(cJSON_AddStringToObject(json, name, hex));
}

static void
control_open_to_json(const struct control_open *o, cJSON *json)
{
	cJSON *ports, *item;
	char *sports;
	size_t i;

	xcheck(cJSON_AddStringToObject(json, "probe_addr", o->probe_addr));
	ports = xcheck(cJSON_AddArrayToObject(json, "ports"));
	for (i = 0; i < o->ports.count; i++) {
		item = xcheck(cJSON_CreateArray());
		cJSON_AddItemToArray(ports, item);
		cJSON_AddItemToArray(item, xcheck(cJSON_CreateString(proto_name(
						   o->ports.checks[i].proto))));
		cJSON_AddItemToArray(item, xcheck(cJSON_CreateNumber(
						   o->ports.checks[i].port)));
	}
	sports = range_list_format(&o->sports);
	xcheck(cJSON_AddStringToObject(json, "sports", sports));
	free(sports);
	xcheck(cJSON_AddNumberToObject(json, "planned", (double)o->planned));
	xcheck(cJSON_AddNumberToObject(json, "keepalive_ms", o->keepalive_ms));
}

static void
control_opened_to_json(const struct control_opened *o, cJSON *json)
{
	xcheck(cJSON_AddNumberToObject(json, "session", o->session));
	xcheck(cJSON_AddBoolToObject(json, "keyed", o->keyed));
	xcheck(cJSON_AddNumberToObject(json, "max_rate", o->max_rate));
	xcheck(cJSON_AddNumberToObject(json, "max_seen", (double)o->max_seen));
	xcheck(cJSON_AddStringToObject(json, "evidence",
				       evidence_name(o->evidence)));
	xcheck(cJSON_AddStringToObject(json, "evidence_note",
				       o->evidence_note));
	xcheck(cJSON_AddNumberToObject(json, "listen_backlog",
				       o->listen_backlog));
	xcheck(cJSON_AddNumberToObject(json, "syn_backlog", o->syn_backlog));
	xcheck(cJSON_AddNumberToObject(json, "syncookies", o->syncookies));
}

cJSON *
control_msg_to_json(const struct control_msg *msg)
{
	cJSON *json = control_message_new(control_msg_type_name(msg->type));
	const struct control_agent_hello *ah = &msg->u.agent_hello;

	switch (msg->type) {
	case CONTROL_MSG_HELLO:
		xcheck(cJSON_AddStringToObject(json, "client",
					       msg->u.hello.client));
		if (msg->u.hello.keyed)
			control_add_hex(json, "nonce", msg->u.hello.nonce,
					AUTH_NONCE_SIZE);
		break;
	case CONTROL_MSG_AGENT_HELLO:
		xcheck(cJSON_AddStringToObject(json, "agent", ah->agent));
		xcheck(cJSON_AddStringToObject(
			json, "auth", ah->open ? "open" : "hmac-sha256"));
		if (!ah->open) {
			control_add_hex(json, "nonce", ah->nonce,
					AUTH_NONCE_SIZE);
			control_add_hex(json, "proof", ah->proof,
					AUTH_PROOF_SIZE);
		}
		xcheck(cJSON_AddNumberToObject(json, "max_rate", ah->max_rate));
		break;
	case CONTROL_MSG_AUTH:
		control_add_hex(json, "proof", msg->u.proof, AUTH_PROOF_SIZE);
		break;
	case CONTROL_MSG_OPEN:
		control_open_to_json(&msg->u.open, json);
		break;
	case CONTROL_MSG_OPENED:
		control_opened_to_json(&msg->u.opened, json);
		break;
	case CONTROL_MSG_PING:
	case CONTROL_MSG_PONG:
		xcheck(cJSON_AddNumberToObject(json, "t", (double)msg->u.t));
		break;
	case CONTROL_MSG_SEEN_QUERY:
	case CONTROL_MSG_CLOSE:
	case CONTROL_MSG_CLOSED:
		xcheck(cJSON_AddNumberToObject(json, "session",
					       msg->u.session));
		break;
	case CONTROL_MSG_SEEN:
		seen_report_to_json(&msg->u.seen, json);
		break;
	case CONTROL_MSG_ERROR:
		xcheck(cJSON_AddStringToObject(
			json, "message", msg->u.error ? msg->u.error : ""));
		break;
	case CONTROL_MSG_AUTHENTICATED:
	case CONTROL_MSG_COUNT:
		break;
	}
	return json;
}

uint8_t *
control_msg_encode(const struct control_msg *msg, size_t *len, char **cause)
{
	cJSON *json = control_msg_to_json(msg);
	uint8_t *frame = control_frame_encode(json, len, cause);

	cJSON_Delete(json);
	return frame;
}

static int
control_hello_from_json(const cJSON *json, struct control_hello *h,
			char **cause)
{
	if (json_get_string(json, "hello", "client", h->client,
			    sizeof h->client, cause) != 0)
		return -1;
	h->keyed = cJSON_GetObjectItemCaseSensitive(json, "nonce") != NULL;
	return h->keyed ? json_get_hex(json, "hello", "nonce", h->nonce,
				       AUTH_NONCE_SIZE, cause)
			: 0;
}

static int
control_agent_hello_from_json(const cJSON *json, struct control_agent_hello *h,
			      char **cause)
{
	char auth[16];
	uint64_t rate;

	if (json_get_string(json, "hello", "agent", h->agent, sizeof h->agent,
			    cause) != 0 ||
	    json_get_string(json, "hello", "auth", auth, sizeof auth, cause) !=
		    0 ||
	    json_get_uint(json, "hello", "max_rate", CONTROL_MAX_RATE, &rate,
			  cause) != 0)
		return -1;
	h->max_rate = (uint32_t)rate;
	if (strcmp(auth, "open") == 0) {
		h->open = true;
		return 0;
	}
	if (strcmp(auth, "hmac-sha256") != 0) {
		*cause = xasprintf("'hello' member \"auth\" is '%s': expected "
				   "\"hmac-sha256\" or \"open\"",
				   auth);
		return -1;
	}
	return json_get_hex(json, "hello", "nonce", h->nonce, AUTH_NONCE_SIZE,
			    cause) != 0 ||
			       json_get_hex(json, "hello", "proof", h->proof,
					    AUTH_PROOF_SIZE, cause) != 0
		       ? -1
		       : 0;
}

static int
control_ports_from_json(const cJSON *ports, struct check_list *list,
			char **cause)
{
	const cJSON *item, *p, *n;
	struct check_spec spec;

	cJSON_ArrayForEach(item, ports)
	{
		p = cJSON_GetArrayItem(item, 0);
		n = cJSON_GetArrayItem(item, 1);
		if (!cJSON_IsArray(item) || cJSON_GetArraySize(item) != 2 ||
		    !cJSON_IsString(p) || !cJSON_IsNumber(n) ||
		    proto_parse(p->valuestring, &spec.proto) != 0 ||
		    !(n->valuedouble >= 1) || n->valuedouble > 65535 ||
		    n->valuedouble != (double)(int)n->valuedouble) {
			*cause = xstrdup("'open' member \"ports\" must hold "
					 "[\"udp\"|\"tcp\", 1-65535] pairs");
			return -1;
		}
		spec.port = (uint16_t)n->valuedouble;
		if (check_list_find(list, spec.proto, spec.port) >= 0) {
			*cause = xasprintf("'open' member \"ports\" names "
					   "%s/%u twice",
					   proto_name(spec.proto), spec.port);
			return -1;
		}
		spec.service = service_default(spec.proto, spec.port);
		list->checks = xreallocarray(list->checks, list->count + 1,
					     sizeof *list->checks);
		list->checks[list->count++] = spec;
	}
	if (list->count == 0) {
		*cause = xstrdup("'open' member \"ports\" is empty: name at "
				 "least one [\"udp\"|\"tcp\", PORT]");
		return -1;
	}
	return 0;
}

static int
control_open_from_json(const cJSON *json, struct control_open *o, char **cause)
{
	const cJSON *ports;
	char sports[1024], *why = NULL;
	uint64_t keepalive;

	if (json_get_string(json, "open", "probe_addr", o->probe_addr,
			    sizeof o->probe_addr, cause) != 0 ||
	    json_get_string(json, "open", "sports", sports, sizeof sports,
			    cause) != 0 ||
	    json_get_uint(json, "open", "planned", CONTROL_MAX_PLANNED,
			  &o->planned, cause) != 0 ||
	    json_get_uint(json, "open", "keepalive_ms", 60000, &keepalive,
			  cause) != 0)
		return -1;
	if (keepalive < 100) {
		*cause = xstrdup("'open' member \"keepalive_ms\" must be from "
				 "100 to 60000");
		return -1;
	}
	o->keepalive_ms = (uint32_t)keepalive;
	ports = json_get_typed(json, "open", "ports", cJSON_Array,
			       "an array of [\"udp\"|\"tcp\", PORT]", cause);
	if (ports == NULL || control_ports_from_json(ports, &o->ports, cause))
		goto fail;
	if (range_list_parse(sports, &o->sports, 1, &why) != 0) {
		*cause = xasprintf("'open' member \"sports\": %s", why);
		free(why);
		goto fail;
	}
	return 0;
fail:
	check_list_free(&o->ports);
	range_list_free(&o->sports);
	return -1;
}

static int
control_opened_from_json(const cJSON *json, struct control_opened *o,
			 char **cause)
{
	uint64_t session, rate, listen, syn, cookies;
	char evidence[16];

	if (json_get_uint(json, "opened", "session", UINT32_MAX, &session,
			  cause) != 0 ||
	    json_get_bool(json, "opened", "keyed", &o->keyed, cause) != 0 ||
	    json_get_uint(json, "opened", "max_rate", CONTROL_MAX_RATE, &rate,
			  cause) != 0 ||
	    json_get_uint(json, "opened", "max_seen", CONTROL_MAX_PLANNED,
			  &o->max_seen, cause) != 0 ||
	    json_get_string(json, "opened", "evidence", evidence,
			    sizeof evidence, cause) != 0 ||
	    json_get_string(json, "opened", "evidence_note", o->evidence_note,
			    sizeof o->evidence_note, cause) != 0 ||
	    json_get_uint(json, "opened", "listen_backlog", UINT32_MAX, &listen,
			  cause) != 0 ||
	    json_get_uint(json, "opened", "syn_backlog", UINT32_MAX, &syn,
			  cause) != 0 ||
	    json_get_uint(json, "opened", "syncookies", 2, &cookies, cause) !=
		    0)
		return -1;
	if (session == 0) {
		*cause = xstrdup("'opened' member \"session\" must be from 1 "
				 "to 4294967295");
		return -1;
	}
	if (evidence_parse(evidence, &o->evidence) != 0) {
		*cause = xasprintf("'opened' member \"evidence\" is '%s': "
				   "expected \"capture\" or \"socket\"",
				   evidence);
		return -1;
	}
	o->session = (uint32_t)session;
	o->max_rate = (uint32_t)rate;
	o->listen_backlog = (uint32_t)listen;
	o->syn_backlog = (uint32_t)syn;
	o->syncookies = (uint32_t)cookies;
	return 0;
}

/* Which type a wire name means from this side; CONTROL_MSG_COUNT if none. */
static enum control_msg_type
control_type_lookup(const char *name, enum control_side from)
{
	int t;

	for (t = 0; t < CONTROL_MSG_COUNT; t++)
		if (control_type_sides[t] == from &&
		    strcmp(control_type_names[t], name) == 0)
			return (enum control_msg_type)t;
	return CONTROL_MSG_COUNT;
}

static int
control_session_from_json(const cJSON *json, const char *what, uint32_t *out,
			  char **cause)
{
	uint64_t session;

	if (json_get_uint(json, what, "session", UINT32_MAX, &session, cause) !=
	    0)
		return -1;
	if (session == 0) {
		*cause = xasprintf("'%s' member \"session\" must be from 1 to "
				   "4294967295",
				   what);
		return -1;
	}
	*out = (uint32_t)session;
	return 0;
}

int
control_msg_from_json(const cJSON *json, enum control_side from,
		      const struct seen_expect *expect, struct control_msg *msg,
		      char **cause)
{
	const char *name = control_message_type(json);
	char text[1024];
	int rc = 0;

	memset(msg, 0, sizeof *msg);
	msg->type = control_type_lookup(name, from);
	switch (msg->type) {
	case CONTROL_MSG_HELLO:
		rc = control_hello_from_json(json, &msg->u.hello, cause);
		break;
	case CONTROL_MSG_AGENT_HELLO:
		rc = control_agent_hello_from_json(json, &msg->u.agent_hello,
						   cause);
		break;
	case CONTROL_MSG_AUTH:
		rc = json_get_hex(json, "auth", "proof", msg->u.proof,
				  AUTH_PROOF_SIZE, cause);
		break;
	case CONTROL_MSG_OPEN:
		rc = control_open_from_json(json, &msg->u.open, cause);
		break;
	case CONTROL_MSG_OPENED:
		rc = control_opened_from_json(json, &msg->u.opened, cause);
		break;
	case CONTROL_MSG_PING:
	case CONTROL_MSG_PONG:
		rc = json_get_uint(json, name, "t", UINT64_C(1) << 53,
				   &msg->u.t, cause);
		break;
	case CONTROL_MSG_SEEN_QUERY:
	case CONTROL_MSG_CLOSE:
	case CONTROL_MSG_CLOSED:
		rc = control_session_from_json(json, name, &msg->u.session,
					       cause);
		break;
	case CONTROL_MSG_SEEN:
		rc = seen_report_from_json(json, expect, &msg->u.seen, cause);
		break;
	case CONTROL_MSG_ERROR:
		rc = json_get_string(json, "error", "message", text,
				     sizeof text, cause);
		if (rc == 0)
			msg->u.error = xstrdup(text);
		break;
	case CONTROL_MSG_AUTHENTICATED:
		break;
	case CONTROL_MSG_COUNT:
		*cause = xasprintf(
			"unknown message type '%.40s' from the %s: expected %s",
			name, from == CONTROL_FROM_PROBE ? "probe" : "agent",
			from == CONTROL_FROM_PROBE
				? "hello, auth, open, ping, seen or close"
				: "hello, authenticated, opened, pong, seen, "
				  "closed or error");
		rc = -1;
		break;
	}
	if (rc != 0)
		memset(msg, 0, sizeof *msg);
	return rc;
}
