/* Unit tests for probe/classify.c: attempt outcomes and the agent's evidence
 * into a status and a reason. */
/* The rules are docs/design.md §Evidence rules; the last test walks every
 * combination of bits, losses, modes and protocols. */
#include <criterion/criterion.h>
#include <string.h>

#include "probe/classify.h"
#include "probe/sweep.h"

TestSuite(classify);

static struct classify_input
silent(enum evidence evidence, enum proto proto, bool wire_in, bool socket,
       bool wire_out)
{
	return (struct classify_input){.flags = PORT_TIMEOUT,
				       .agent = true,
				       .evidence = evidence,
				       .proto = proto,
				       .wire_in = wire_in,
				       .socket = socket,
				       .wire_out = wire_out};
}

static void
expect(const struct classify_input *in, enum probe_status status,
       enum classify_reason reason)
{
	struct classify_result r = classify_port(in);

	cr_expect_eq(r.status, status, "status %s, expected %s",
		     status_name(r.status), status_name(status));
	cr_expect_eq(r.reason, reason, "reason %s, expected %s",
		     classify_reason_name(r.reason),
		     classify_reason_name(reason));
}

Test(classify, ok_beats_everything)
{
	struct classify_input in = silent(EVIDENCE_CAPTURE, PROTO_UDP, 0, 0, 0);

	in.flags = PORT_OK | PORT_TIMEOUT | PORT_REJECTED;
	in.losses.capture_drops = 5;
	expect(&in, STATUS_OK, CLASSIFY_ANSWERED);
	in.agent = false;
	expect(&in, STATUS_OK, CLASSIFY_ANSWERED);
}

Test(classify, rejected_beats_timeouts)
{
	struct classify_input in = silent(EVIDENCE_SOCKET, PROTO_TCP, 1, 1, 1);

	in.flags = PORT_REJECTED | PORT_TIMEOUT;
	expect(&in, STATUS_REJECTED, CLASSIFY_REFUSED);
}

Test(classify, local_error_when_nothing_was_sent)
{
	struct classify_input in = silent(EVIDENCE_CAPTURE, PROTO_UDP, 0, 0, 0);

	in.flags = PORT_LOCAL_ERROR;
	expect(&in, STATUS_LOCAL_ERROR, CLASSIFY_NOT_SENT);
	in.flags = 0;
	expect(&in, STATUS_LOCAL_ERROR, CLASSIFY_NOT_SENT);
	in.flags = PORT_LOCAL_ERROR | PORT_TIMEOUT;
	expect(&in, STATUS_REQUEST_DROPPED, CLASSIFY_NOT_ARRIVED);
}

Test(classify, agentless_silence_is_dropped)
{
	struct classify_input in = silent(EVIDENCE_CAPTURE, PROTO_UDP, 1, 1, 1);

	in.agent = false;
	expect(&in, STATUS_DROPPED, CLASSIFY_NO_AGENT);
}

Test(classify, capture_reply_seen_leaving_is_reply_dropped)
{
	struct classify_input in = silent(EVIDENCE_CAPTURE, PROTO_TCP, 1, 0, 1);

	/* The reply left, whatever the capture or the sockets lost. */
	in.losses.capture_drops = 3;
	in.losses.syncookies_sent = 5;
	expect(&in, STATUS_REPLY_DROPPED, CLASSIFY_REPLY_LEFT);
	in = silent(EVIDENCE_CAPTURE, PROTO_UDP, 1, 1, 1);
	in.losses.socket_overflows = 2;
	in.losses.listen_overflows = 2;
	expect(&in, STATUS_REPLY_DROPPED, CLASSIFY_REPLY_LEFT);
}

Test(classify, capture_synack_with_listen_losses_is_dropped)
{
	struct classify_input in = silent(EVIDENCE_CAPTURE, PROTO_TCP, 1, 0, 1);

	/* The handshake's end may have died in the agent's accept queue. */
	in.losses.listen_overflows = 2;
	expect(&in, STATUS_DROPPED, CLASSIFY_EVIDENCE_LOST);
	in.losses.listen_overflows = 0;
	in.losses.listen_drops = 1;
	expect(&in, STATUS_DROPPED, CLASSIFY_EVIDENCE_LOST);
}

Test(classify, capture_arrived_without_reply_is_host_dropped)
{
	struct classify_input in = silent(EVIDENCE_CAPTURE, PROTO_UDP, 1, 0, 0);

	expect(&in, STATUS_HOST_DROPPED, CLASSIFY_HOST_KEPT);
	in.socket = true;
	expect(&in, STATUS_HOST_DROPPED, CLASSIFY_HOST_KEPT);
	/* Syncookies send SYN-ACKs, which capture sees: not a loss here. */
	in = silent(EVIDENCE_CAPTURE, PROTO_TCP, 1, 0, 0);
	in.losses.syncookies_sent = 100;
	expect(&in, STATUS_HOST_DROPPED, CLASSIFY_HOST_KEPT);
}

Test(classify, capture_arrived_with_losses_is_dropped)
{
	struct classify_input in = silent(EVIDENCE_CAPTURE, PROTO_UDP, 1, 0, 0);

	in.losses.socket_overflows = 1;
	expect(&in, STATUS_DROPPED, CLASSIFY_EVIDENCE_LOST);
	in = silent(EVIDENCE_CAPTURE, PROTO_TCP, 1, 0, 0);
	in.losses.listen_drops = 1;
	expect(&in, STATUS_DROPPED, CLASSIFY_EVIDENCE_LOST);
	in = silent(EVIDENCE_CAPTURE, PROTO_TCP, 1, 0, 0);
	in.losses.capture_drops = 1;
	expect(&in, STATUS_DROPPED, CLASSIFY_EVIDENCE_LOST);
	in = silent(EVIDENCE_CAPTURE, PROTO_UDP, 1, 1, 0);
	in.losses.withheld = 1;
	expect(&in, STATUS_DROPPED, CLASSIFY_REPLY_WITHHELD);
	/* A UDP port is not the listen queue's business. */
	in = silent(EVIDENCE_CAPTURE, PROTO_UDP, 1, 0, 0);
	in.losses.listen_overflows = 1;
	expect(&in, STATUS_HOST_DROPPED, CLASSIFY_HOST_KEPT);
}

Test(classify, capture_never_arrived_is_request_dropped)
{
	struct classify_input in = silent(EVIDENCE_CAPTURE, PROTO_UDP, 0, 0, 0);

	expect(&in, STATUS_REQUEST_DROPPED, CLASSIFY_NOT_ARRIVED);
	/* Queue losses cannot hide a packet the capture would have seen. */
	in.losses.socket_overflows = 9;
	expect(&in, STATUS_REQUEST_DROPPED, CLASSIFY_NOT_ARRIVED);
	in.losses.capture_drops = 1;
	expect(&in, STATUS_DROPPED, CLASSIFY_EVIDENCE_LOST);
	in.losses.capture_drops = 0;
	in.losses.not_kept = 1;
	expect(&in, STATUS_DROPPED, CLASSIFY_EVIDENCE_LOST);
}

Test(classify, socket_mode_reached_is_reply_dropped)
{
	struct classify_input in = silent(EVIDENCE_SOCKET, PROTO_TCP, 0, 1, 0);

	in.losses.listen_overflows = 4;
	expect(&in, STATUS_REPLY_DROPPED, CLASSIFY_REACHED_SOCKET);
	in.losses.withheld = 1;
	expect(&in, STATUS_DROPPED, CLASSIFY_REPLY_WITHHELD);
}

Test(classify, socket_mode_unseen_needs_nothing_lost)
{
	struct classify_input in = silent(EVIDENCE_SOCKET, PROTO_UDP, 0, 0, 0);

	expect(&in, STATUS_REQUEST_DROPPED, CLASSIFY_NOT_ARRIVED);
	in.losses.socket_overflows = 1;
	expect(&in, STATUS_DROPPED, CLASSIFY_EVIDENCE_LOST);
	in = silent(EVIDENCE_SOCKET, PROTO_UDP, 0, 0, 0);
	in.losses.syncookies_sent = 1;
	in.losses.listen_drops = 1;
	expect(&in, STATUS_REQUEST_DROPPED, CLASSIFY_NOT_ARRIVED);
	in = silent(EVIDENCE_SOCKET, PROTO_TCP, 0, 0, 0);
	in.losses.syncookies_sent = 1;
	expect(&in, STATUS_DROPPED, CLASSIFY_EVIDENCE_LOST);
	in = silent(EVIDENCE_SOCKET, PROTO_TCP, 0, 0, 0);
	in.losses.listen_overflows = 1;
	expect(&in, STATUS_DROPPED, CLASSIFY_EVIDENCE_LOST);
	in = silent(EVIDENCE_SOCKET, PROTO_TCP, 0, 0, 0);
	in.losses.socket_overflows = 1;
	expect(&in, STATUS_REQUEST_DROPPED, CLASSIFY_NOT_ARRIVED);
}

/* Every combination: a direction only with the evidence for it. */
Test(classify, no_direction_without_its_evidence)
{
	static const uint64_t loss_values[] = {0, 1};
	struct classify_input in;
	struct classify_result r;
	unsigned bits, mode, proto, loss, which;
	size_t cases = 0;

	for (mode = 0; mode < 2; mode++)
		for (proto = 0; proto < 2; proto++)
			for (bits = 0; bits < 8; bits++)
				for (which = 0; which < 7; which++)
					for (loss = 0; loss < 2; loss++) {
						in = silent(
							mode ? EVIDENCE_CAPTURE
							     : EVIDENCE_SOCKET,
							proto ? PROTO_TCP
							      : PROTO_UDP,
							bits & 1, bits & 2,
							bits & 4);
						uint64_t *fields[7] = {
							&in.losses.socket_overflows,
							&in.losses.listen_overflows,
							&in.losses.listen_drops,
							&in.losses.syncookies_sent,
							&in.losses.capture_drops,
							&in.losses.not_kept,
							&in.losses.withheld};
						*fields[which] =
							loss_values[loss];
						r = classify_port(&in);
						cases++;
						cr_assert(
							r.status != STATUS_OK &&
							r.status !=
								STATUS_REJECTED &&
							r.status !=
								STATUS_LOCAL_ERROR);
						if (r.status ==
						    STATUS_REPLY_DROPPED)
							cr_assert(
								mode ? in.wire_out
								     : in.socket);
						if (r.status ==
						    STATUS_REQUEST_DROPPED)
							cr_assert(
								!in.socket &&
								in.losses.not_kept ==
									0 &&
								(!mode ||
								 (!in.wire_in &&
								  !in.wire_out &&
								  in.losses.capture_drops ==
									  0)));
						if (r.status ==
						    STATUS_HOST_DROPPED)
							cr_assert(
								mode &&
								(in.wire_in ||
								 in.socket) &&
								!in.wire_out &&
								in.losses.capture_drops ==
									0 &&
								in.losses.not_kept ==
									0 &&
								in.losses.withheld ==
									0);
						if (r.status == STATUS_DROPPED)
							cr_assert(
								r.reason ==
									CLASSIFY_EVIDENCE_LOST ||
								r.reason ==
									CLASSIFY_REPLY_WITHHELD);
						cr_assert_str_neq(
							classify_reason_text(
								r.reason),
							"?");
					}
	cr_assert_eq(cases, 2 * 2 * 8 * 7 * 2);
}
