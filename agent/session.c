/* Sessions opened on the control channel and the seen-log each one keeps. */
/* The seen-log is an array plus an open-addressing index, so recording is O(1).
 */
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
session_table_init(struct session_table *t, size_t max, size_t max_seen)
{
	t->sessions = xcalloc(max, sizeof *t->sessions);
	t->max = max;
	t->count = 0;
	t->max_seen = max_seen;
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
	if (sports != NULL)
		range_list_copy(&s->sports, sports);
	if (key != NULL) {
		s->keyed = true;
		memcpy(s->key, key, sizeof s->key);
	}
	s->max_seen = t->max_seen;
	s->opened_ns = s->active_ns = session_monotonic_ns();
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
	free(s->records);
	free(s->index);
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

static size_t
session_hash(uint64_t key, size_t size)
{
	key ^= key >> 33;
	key *= 0xff51afd7ed558ccdULL;
	key ^= key >> 33;
	return (size_t)key & (size - 1);
}

static void
session_reindex(struct session *s, size_t size)
{
	size_t i, h;

	free(s->index);
	s->index = xcalloc(size, sizeof *s->index);
	s->index_size = size;
	for (i = 0; i < s->nrecords; i++) {
		h = session_hash(s->records[i].key, size);
		while (s->index[h] != 0)
			h = (h + 1) & (size - 1);
		s->index[h] = (uint32_t)i + 1;
	}
}

static void
session_add(struct session *s, enum proto proto, uint16_t port, uint16_t sport,
	    const struct sockaddr *observed, uint32_t count)
{
	uint64_t key = (uint64_t)proto << 32 | (uint64_t)port << 16 | sport;
	struct seen_record *r;
	size_t h;

	s->requests += count;
	s->active_ns = session_monotonic_ns();
	if (s->index_size == 0)
		session_reindex(s, 1024);
	h = session_hash(key, s->index_size);
	while (s->index[h] != 0) {
		r = &s->records[s->index[h] - 1];
		if (r->key == key) {
			r->count += count;
			return;
		}
		h = (h + 1) & (s->index_size - 1);
	}
	if (s->nrecords == s->max_seen) {
		if (!s->truncated)
			log_warn("session %08x: seen-log full at %zu entries; "
				 "further requests are answered, not logged",
				 s->id, s->max_seen);
		s->truncated = true;
		return;
	}
	if (s->nrecords == s->records_alloc) {
		s->records_alloc =
			s->records_alloc ? s->records_alloc * 2 : 256;
		if (s->records_alloc > s->max_seen)
			s->records_alloc = s->max_seen;
		s->records = xreallocarray(s->records, s->records_alloc,
					   sizeof *s->records);
	}
	r = &s->records[s->nrecords];
	memset(r, 0, sizeof *r);
	r->key = key;
	r->family = (uint8_t)observed->sa_family;
	if (observed->sa_family == AF_INET6)
		memcpy(r->addr,
		       &((const struct sockaddr_in6 *)(const void *)observed)
				->sin6_addr,
		       16);
	else
		memcpy(r->addr,
		       &((const struct sockaddr_in *)(const void *)observed)
				->sin_addr,
		       4);
	r->observed_port = netaddr_port(observed);
	r->count = count;
	s->index[h] = (uint32_t)++s->nrecords;
	if (s->nrecords * 2 > s->index_size)
		session_reindex(s, s->index_size * 2);
}

void
session_record(struct session *s, enum proto proto, uint16_t port,
	       uint16_t sport, const struct sockaddr *observed)
{
	session_add(s, proto, port, sport, observed, 1);
}

void
session_record_handshake(struct session *s, uint16_t port,
			 const struct sockaddr *peer)
{
	session_add(s, PROTO_TCP, port, netaddr_port(peer), peer, 0);
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

void
session_entry(const struct session *s, size_t i, struct seen_entry *e)
{
	const struct seen_record *r = &s->records[i];
	struct sockaddr_storage ss;

	memset(&ss, 0, sizeof ss);
	ss.ss_family = r->family;
	if (r->family == AF_INET6)
		memcpy(&((struct sockaddr_in6 *)&ss)->sin6_addr, r->addr, 16);
	else
		memcpy(&((struct sockaddr_in *)&ss)->sin_addr, r->addr, 4);
	e->proto = (enum proto)(r->key >> 32);
	e->port = (uint16_t)(r->key >> 16);
	e->sport = (uint16_t)r->key;
	netaddr_format((const struct sockaddr *)&ss, e->observed_addr);
	e->observed_port = r->observed_port;
	e->count = r->count;
}

bool
session_token_valid(const struct session *s, enum proto proto, uint16_t port,
		    uint16_t sport, uint32_t seq, uint8_t attempt,
		    const uint8_t *token)
{
	struct auth_token_input in = {proto, port, sport, s->id, seq, attempt};

	return !s->keyed || auth_token_verify(s->key, &in, token);
}
