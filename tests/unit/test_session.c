/* Unit tests for agent/session.c: the session table and its seen-log. */
/* No sockets: addresses are built by hand. */
#include <arpa/inet.h>
#include <criterion/criterion.h>
#include <string.h>

#include "agent/session.h"
#include "common/netaddr.h"

static struct sockaddr_in
address(const char *ip, uint16_t port)
{
	struct sockaddr_in sin;

	memset(&sin, 0, sizeof sin);
	sin.sin_family = AF_INET;
	sin.sin_port = htons(port);
	inet_pton(AF_INET, ip, &sin.sin_addr);
	return sin;
}

static struct session_table table;
static struct check_list ports;
static struct range_list sports;

static void
setup(void)
{
	char *cause = NULL;

	session_table_init(&table, 8);
	cr_assert_eq(check_list_parse("udp/7000,tcp/7000", &ports, &cause), 0);
	cr_assert_eq(range_list_parse("1024-65535", &sports, 1, &cause), 0);
}

static void
teardown(void)
{
	session_table_free(&table);
	check_list_free(&ports);
	range_list_free(&sports);
}

TestSuite(session, .init = setup, .fini = teardown);

static struct session *
open_session(const struct sockaddr_in *probe, const struct sockaddr_in *control,
	     const uint8_t *key)
{
	return session_open(&table, NULL, (const struct sockaddr *)probe,
			    (const struct sockaddr *)control, &ports, &sports,
			    key);
}

/* A session for the probe 198.18.1.1, as declared and as seen. */
static struct session *
open_probe_session(void)
{
	struct sockaddr_in probe = address("198.18.1.1", 0);

	return open_session(&probe, &probe, NULL);
}

Test(session, seen_log_is_sized_by_the_plan)
{
	struct session *s = open_probe_session();

	cr_assert_not_null(s);
	cr_assert_eq(s->seen.nchecks, 2);
	cr_assert_eq(s->seen.nsports, 64512);
	cr_assert_eq(s->seen.checks[1].proto, PROTO_TCP);
	cr_assert_eq(s->seen.session, s->id);
}

Test(session, identified_requests_set_the_socket_bit)
{
	struct sockaddr_in from = address("198.18.1.1", 40000);
	struct session *s = open_probe_session();

	session_record(s, PROTO_UDP, 7000, 40000, (struct sockaddr *)&from);
	session_record(s, PROTO_UDP, 7000, 40000, (struct sockaddr *)&from);
	cr_assert_eq(s->requests, 2);
	cr_assert(seen_report_get(&s->seen, 0, SEEN_SOCKET, 40000 - 1024));
	cr_assert_not(seen_report_get(&s->seen, 0, SEEN_NAT, 40000 - 1024));
	cr_assert_not(seen_report_get(&s->seen, 1, SEEN_SOCKET, 40000 - 1024));
	cr_assert_not(s->seen.has_nat_sample);
}

Test(session, another_source_port_sets_nat_and_a_sample)
{
	struct sockaddr_in natted = address("198.18.2.254", 20001);
	struct session *s = open_probe_session();

	session_record(s, PROTO_TCP, 7000, 40000, (struct sockaddr *)&natted);
	cr_assert(seen_report_get(&s->seen, 1, SEEN_SOCKET, 40000 - 1024));
	cr_assert(seen_report_get(&s->seen, 1, SEEN_NAT, 40000 - 1024));
	cr_assert(s->seen.has_nat_sample);
	cr_assert_str_eq(s->seen.nat_addr, "198.18.2.254");
	cr_assert_eq(s->seen.nat_port, 20001);
}

Test(session, requests_outside_its_ports_are_counted_not_kept)
{
	struct sockaddr_in from = address("198.18.1.1", 80);
	struct session *s = open_probe_session();

	session_record(s, PROTO_UDP, 7000, 80, (struct sockaddr *)&from);
	session_record(s, PROTO_UDP, 7001, 40000, (struct sockaddr *)&from);
	cr_assert_eq(s->not_kept, 2);
	cr_assert_eq(s->requests, 2);
}

Test(session, handshakes_set_the_socket_bit_of_their_port)
{
	struct sockaddr_in from = address("198.18.1.1", 65535);
	struct session *s = open_probe_session();

	session_record_handshake(s, 7000, (struct sockaddr *)&from);
	cr_assert(seen_report_get(&s->seen, 1, SEEN_SOCKET, 64511));
	cr_assert_eq(s->requests, 0);
}

Test(session, wire_out_counts_only_after_wire_in)
{
	struct session *s = open_probe_session();

	/* A stale SYN-ACK retransmission of an earlier sweep proves nothing. */
	session_record_wire(s, SEEN_WIRE_OUT, PROTO_TCP, 7000, 41000);
	cr_assert_not(
		seen_report_get(&s->seen, 1, SEEN_WIRE_OUT, 41000 - 1024));
	session_record_wire(s, SEEN_WIRE_IN, PROTO_TCP, 7000, 41000);
	session_record_wire(s, SEEN_WIRE_OUT, PROTO_TCP, 7000, 41000);
	cr_assert(seen_report_get(&s->seen, 1, SEEN_WIRE_IN, 41000 - 1024));
	cr_assert(seen_report_get(&s->seen, 1, SEEN_WIRE_OUT, 41000 - 1024));
	session_record_wire(s, SEEN_WIRE_IN, PROTO_TCP, 7001, 41000);
	session_record_wire(s, SEEN_WIRE_IN, PROTO_UDP, 7000, 80);
	cr_assert_not(seen_report_get(&s->seen, 0, SEEN_WIRE_IN, 41000 - 1024));
}

Test(session, matches_peer_by_declared_or_control_address)
{
	struct sockaddr_in probe = address("198.18.1.1", 40000);
	struct sockaddr_in control = address("198.18.2.254", 0);
	struct sockaddr_in other = address("198.18.1.2", 40000);
	struct sockaddr_in natted = address("198.18.2.254", 25000);
	struct session *s;

	s = open_session(&probe, &control, NULL);
	cr_assert(session_matches_peer(s, PROTO_TCP, 7000,
				       (struct sockaddr *)&probe));
	cr_assert(session_matches_peer(s, PROTO_TCP, 7000,
				       (struct sockaddr *)&natted));
	cr_assert_not(session_matches_peer(s, PROTO_TCP, 7000,
					   (struct sockaddr *)&other));
	cr_assert_not(session_matches_peer(s, PROTO_TCP, 7001,
					   (struct sockaddr *)&probe));
}

Test(session, table_refuses_beyond_its_size_and_closes_by_owner)
{
	struct sockaddr_in probe = address("198.18.1.1", 0);
	int owner_a, owner_b;
	size_t i;

	for (i = 0; i < table.max; i++)
		cr_assert_not_null(session_open(
			&table, i % 2 ? (void *)&owner_a : (void *)&owner_b,
			(struct sockaddr *)&probe, (struct sockaddr *)&probe,
			&ports, &sports, NULL));
	cr_assert_null(session_open(&table, &owner_a, (struct sockaddr *)&probe,
				    (struct sockaddr *)&probe, &ports, &sports,
				    NULL));
	session_close_owner(&table, &owner_a);
	cr_assert_eq(table.count, table.max / 2);
	for (i = 0; i < table.max; i++)
		if (table.sessions[i] != NULL)
			cr_assert_eq(table.sessions[i]->owner, &owner_b);
}

Test(session, handshakes_go_to_the_session_of_their_source_port)
{
	struct sockaddr_in probe = address("198.18.1.1", 0);
	struct sockaddr_in in_a = address("198.18.1.1", 40050);
	struct sockaddr_in in_b = address("198.18.1.1", 40150);
	struct range_list a = {NULL, 0}, b = {NULL, 0};
	struct session *sa, *sb;
	char *cause = NULL;

	cr_assert_eq(range_list_parse("40000-40099", &a, 1, &cause), 0);
	cr_assert_eq(range_list_parse("40100-40199", &b, 1, &cause), 0);
	sa = session_open(&table, NULL, (struct sockaddr *)&probe,
			  (struct sockaddr *)&probe, &ports, &a, NULL);
	sb = session_open(&table, NULL, (struct sockaddr *)&probe,
			  (struct sockaddr *)&probe, &ports, &b, NULL);
	cr_assert(session_matches_peer(sa, PROTO_TCP, 7000,
				       (struct sockaddr *)&in_a));
	cr_assert_not(session_matches_peer(sa, PROTO_TCP, 7000,
					   (struct sockaddr *)&in_b));
	cr_assert(session_matches_peer(sb, PROTO_TCP, 7000,
				       (struct sockaddr *)&in_b));
	range_list_free(&a);
	range_list_free(&b);
}

Test(session, tokens_of_keyed_sessions_are_checked)
{
	struct sockaddr_in probe = address("198.18.1.1", 0);
	uint8_t key[AUTH_SESSION_KEY_SIZE] = {7}, token[AUTH_TOKEN_SIZE];
	struct auth_token_input in;
	struct session *keyed, *open;

	keyed = open_session(&probe, &probe, key);
	open = open_session(&probe, &probe, NULL);
	in = (struct auth_token_input){PROTO_UDP, 7000, 40000, keyed->id, 5, 1};
	auth_token(key, &in, token);
	cr_assert(session_token_valid(keyed, PROTO_UDP, 7000, 40000, 5, 1,
				      token));
	/* Any one field changed: another probe, another token. */
	cr_assert_not(session_token_valid(keyed, PROTO_TCP, 7000, 40000, 5, 1,
					  token));
	cr_assert_not(session_token_valid(keyed, PROTO_UDP, 7001, 40000, 5, 1,
					  token));
	cr_assert_not(session_token_valid(keyed, PROTO_UDP, 7000, 40001, 5, 1,
					  token));
	cr_assert_not(session_token_valid(keyed, PROTO_UDP, 7000, 40000, 6, 1,
					  token));
	cr_assert_not(session_token_valid(keyed, PROTO_UDP, 7000, 40000, 5, 2,
					  token));
	cr_assert(session_token_valid(open, PROTO_UDP, 7000, 40000, 5, 1,
				      (const uint8_t *)"\0\0\0\0\0\0\0\0"));
}
