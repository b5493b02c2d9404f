/* Sessions opened on the control channel and the seen-log each one keeps. */
/* The seen-log is a set of bitmaps sized at open: recording is O(1) and
 * never runs out of room. */
#include "agent/session.h"

#include <netinet/in.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

#include "common/log.h"
#include "common/netaddr.h"
#include "common/xmalloc.h"

uint64_t
session_monotonic_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

void
session_table_init(struct session_table *t, size_t max)
{
	t->sessions = xcalloc(max, sizeof *t->sessions);
	t->max = max;
	t->count = 0;
}

void
session_table_free(struct session_table *t)
{
	size_t i;

	for (i = 0; i < t->max; i++)
		session_close(t, t->sessions[i]);
	free(t->sessions);
	t->sessions = NULL;
	t->max = 0;
}

struct session *
session_open(struct session_table *t, void *owner,
	     const struct sockaddr *probe_addr,
	     const struct sockaddr *control_peer,
	     const struct check_list *ports, const struct range_list *sports,
	     const uint8_t *key)
{
	struct session *s;
	size_t i;

	if (t->count == t->max)
		return NULL;
	s = xcalloc(1, sizeof *s);
	do
		s->id = randombytes_random();
	while (s->id == 0 || session_find(t, s->id) != NULL);
	s->owner = owner;
	memcpy(&s->probe_addr, probe_addr, netaddr_len(probe_addr));
	memcpy(&s->control_peer, control_peer, netaddr_len(control_peer));
	s->ports.count = ports->count;
	s->ports.checks =
		xreallocarray(NULL, ports->count, sizeof *ports->checks);
	memcpy(s->ports.checks, ports->checks,
	       ports->count * sizeof *ports->checks);
	range_list_copy(&s->sports, sports);
	seen_report_init(&s->seen, ports, range_list_size(sports));
	s->seen.session = s->id;
	s->overflows_start =
		xcalloc(ports->count + 1, sizeof *s->overflows_start);
	if (key != NULL) {
		s->keyed = true;
		memcpy(s->key, key, sizeof s->key);
	}
	s->opened_ns = session_monotonic_ns();
	for (i = 0; i < t->max; i++) {
		if (t->sessions[i] == NULL) {
			t->sessions[i] = s;
			break;
		}
	}
	t->count++;
	return s;
}

struct session *
session_find(struct session_table *t, uint32_t id)
{
	size_t i;

	if (id == 0)
		return NULL;
	for (i = 0; i < t->max; i++)
		if (t->sessions[i] != NULL && t->sessions[i]->id == id)
			return t->sessions[i];
	return NULL;
}

void
session_close(struct session_table *t, struct session *s)
{
	size_t i;

	if (s == NULL)
		return;
	for (i = 0; i < t->max; i++) {
		if (t->sessions[i] == s) {
			t->sessions[i] = NULL;
			t->count--;
		}
	}
	check_list_free(&s->ports);
	range_list_free(&s->sports);
	sodium_memzero(s->key, sizeof s->key);
	seen_report_free(&s->seen);
	free(s->overflows_start);
	free(s->nat_map);
	free(s);
}

void
session_close_owner(struct session_table *t, void *owner)
{
	size_t i;

	for (i = 0; i < t->max; i++)
		if (t->sessions[i] != NULL && t->sessions[i]->owner == owner)
			session_close(t, t->sessions[i]);
}

/* The bit of (proto, port, sport): -1 when the session does not probe it. */
static int
session_index(const struct session *s, enum proto proto, uint16_t port,
	      uint16_t sport, size_t *index)
{
	int check = check_list_find(&s->ports, proto, port);

	if (check < 0)
		return -1;
	*index = range_list_index(&s->sports, sport);
	return *index == SIZE_MAX ? -1 : check;
}

void
session_record(struct session *s, enum proto proto, uint16_t port,
	       uint16_t sport, const struct sockaddr *observed)
{
	size_t index;
	int check = session_index(s, proto, port, sport, &index);

	s->requests++;
	if (check < 0) {
		s->not_kept++;
		return;
	}
	seen_report_set(&s->seen, (size_t)check, SEEN_SOCKET, index);
	if (netaddr_port(observed) == sport &&
	    netaddr_equal(observed, (const struct sockaddr *)&s->probe_addr))
		return;
	seen_report_set(&s->seen, (size_t)check, SEEN_NAT, index);
	if (!s->seen.has_nat_sample) {
		s->seen.has_nat_sample = true;
		netaddr_format(observed, s->seen.nat_addr);
		s->seen.nat_port = netaddr_port(observed);
	}
}

void
session_record_handshake(struct session *s, uint16_t port,
			 const struct sockaddr *peer)
{
	size_t index;
	int check =
		session_index(s, PROTO_TCP, port, netaddr_port(peer), &index);

	if (check >= 0)
		seen_report_set(&s->seen, (size_t)check, SEEN_SOCKET, index);
}

void
session_record_wire(struct session *s, enum seen_set set, enum proto proto,
		    uint16_t port, uint16_t sport)
{
	size_t index;
	int check = session_index(s, proto, port, sport, &index);

	if (check < 0)
		return;
	if (set == SEEN_WIRE_OUT &&
	    !seen_report_get(&s->seen, (size_t)check, SEEN_WIRE_IN, index))
		return;
	seen_report_set(&s->seen, (size_t)check, set, index);
}

bool
session_matches_peer(const struct session *s, enum proto proto, uint16_t port,
		     const struct sockaddr *peer)
{
	if (check_list_find(&s->ports, proto, port) < 0)
		return false;
	/* Concurrent sessions from one host tell apart by source port. */
	if (s->sports.count > 0 &&
	    !range_list_contains(&s->sports, netaddr_port(peer)))
		return false;
	return netaddr_equal(peer, (const struct sockaddr *)&s->probe_addr) ||
	       netaddr_equal(peer, (const struct sockaddr *)&s->control_peer);
}

bool
session_token_valid(const struct session *s, enum proto proto, uint16_t port,
		    uint16_t sport, uint32_t seq, uint8_t attempt,
		    const uint8_t *token)
{
	struct auth_token_input in = {proto, port, sport, s->id, seq, attempt};

	return !s->keyed || auth_token_verify(s->key, &in, token);
}
