/* Sessions opened on the control channel and the seen-log each one keeps. */
/* The seen-log is an array plus an open-addressing index, so recording is O(1).
 */
#include "agent/session.h"

#include <string.h>
#include <stdlib.h>
#include <sys/random.h>

#include "common/log.h"
#include "common/netaddr.h"
#include "common/xmalloc.h"

static uint32_t
session_random_id(void)
{
	uint32_t id = 0;

	while (id == 0)
		if (getrandom(&id, sizeof id, 0) != sizeof id)
			id = (uint32_t)random();
	return id;
}

struct session *
session_open(struct session_table *t, void *owner,
	     const struct sockaddr *probe_addr,
	     const struct sockaddr *control_peer,
	     const struct check_list *ports)
{
	struct session *s;
	size_t i;

	if (t->count == SESSION_MAX)
		return NULL;
	s = xcalloc(1, sizeof *s);
	do
		s->id = session_random_id();
	while (session_find(t, s->id) != NULL);
	s->owner = owner;
	memcpy(&s->probe_addr, probe_addr, netaddr_len(probe_addr));
	memcpy(&s->control_peer, control_peer, netaddr_len(control_peer));
	s->ports.count = ports->count;
	s->ports.checks =
		xreallocarray(NULL, ports->count, sizeof *ports->checks);
	memcpy(s->ports.checks, ports->checks,
	       ports->count * sizeof *ports->checks);
	for (i = 0; i < SESSION_MAX; i++) {
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

	for (i = 0; i < SESSION_MAX; i++)
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
	for (i = 0; i < SESSION_MAX; i++) {
		if (t->sessions[i] == s) {
			t->sessions[i] = NULL;
			t->count--;
		}
	}
	check_list_free(&s->ports);
	free(s->records);
	free(s->index);
	free(s);
}

void
session_close_owner(struct session_table *t, void *owner)
{
	size_t i;

	for (i = 0; i < SESSION_MAX; i++)
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
	if (s->nrecords == SESSION_MAX_SEEN) {
		if (!s->truncated)
			log_warn("session %08x: seen-log full at %u entries; "
				 "further requests are answered, not logged",
				 s->id, SESSION_MAX_SEEN);
		s->truncated = true;
		return;
	}
	if (s->nrecords == s->records_alloc) {
		s->records_alloc =
			s->records_alloc ? s->records_alloc * 2 : 256;
		s->records = xreallocarray(s->records, s->records_alloc,
					   sizeof *s->records);
	}
	r = &s->records[s->nrecords];
	r->key = key;
	memset(&r->observed, 0, sizeof r->observed);
	memcpy(&r->observed, observed, netaddr_len(observed));
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
	return netaddr_equal(peer, (const struct sockaddr *)&s->probe_addr) ||
	       netaddr_equal(peer, (const struct sockaddr *)&s->control_peer);
}

void
session_entry(const struct session *s, size_t i, struct seen_entry *e)
{
	const struct seen_record *r = &s->records[i];

	e->proto = (enum proto)(r->key >> 32);
	e->port = (uint16_t)(r->key >> 16);
	e->sport = (uint16_t)r->key;
	netaddr_format((const struct sockaddr *)&r->observed, e->observed_addr);
	e->observed_port = netaddr_port((const struct sockaddr *)&r->observed);
	e->count = r->count;
}
