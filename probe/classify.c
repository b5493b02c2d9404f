/* Classification: a port's attempt outcomes and the agent's evidence into one
 * status and the reason for it (docs/design.md §Evidence rules). */
/* Kept pure so every rule is unit-tested without sockets; missing evidence
 * never becomes a direction. */
#include "probe/classify.h"

#include "probe/sweep.h"

static const struct {
	const char *name, *text;
} classify_reasons[CLASSIFY_REASON_COUNT] = {
	{"answered", "a valid reply came back"},
	{"handshake", "the TCP handshake completed (both directions pass); "
		      "the service gave no valid answer"},
	{"refused", "actively refused: a TCP reset or an ICMP unreachable"},
	{"not_sent", "the probe could not send from this source port"},
	{"no_agent", "no reply, and without an agent the direction cannot "
		     "be told"},
	{"reply_left", "the agent saw the request arrive and its reply leave: "
		       "the return path drops the reply"},
	{"reached_socket", "the request reached the agent's socket: the return "
			   "path drops the reply"},
	{"host_kept", "the request reached the agent host's interface but no "
		      "reply left it, with nothing lost: the host itself (its "
		      "firewall) dropped it; no NACL fix"},
	{"not_arrived", "the agent's complete evidence says the request never "
			"arrived: the forward path drops it"},
	{"evidence_lost", "no reply, and the agent lost evidence during the "
			  "session (queue overflows or capture drops): the "
			  "direction cannot be told"},
	{"reply_withheld", "the request arrived, but the agent held replies "
			   "back (--reply-rate): the direction cannot be told"},
};

const char *
classify_reason_text(enum classify_reason reason)
{
	return (unsigned)reason < CLASSIFY_REASON_COUNT
		       ? classify_reasons[reason].text
		       : "?";
}

const char *
classify_reason_name(enum classify_reason reason)
{
	return (unsigned)reason < CLASSIFY_REASON_COUNT
		       ? classify_reasons[reason].name
		       : "?";
}

static struct classify_result
classify_as(enum probe_status status, enum classify_reason reason)
{
	struct classify_result r = {status, reason};

	return r;
}

/* Could the request have been lost on the agent's host without a trace in
 * what it reports? Queue overflows only count for the check's protocol. */
static bool
classify_queue_lost(const struct classify_input *in)
{
	const struct seen_losses *l = &in->losses;

	if (in->proto == PROTO_UDP)
		return l->socket_overflows > 0;
	return l->listen_overflows > 0 || l->listen_drops > 0 ||
	       (in->evidence == EVIDENCE_SOCKET && l->syncookies_sent > 0);
}

static struct classify_result
classify_capture(const struct classify_input *in)
{
	const struct seen_losses *l = &in->losses;
	bool capture_lost = l->capture_drops > 0 || l->not_kept > 0;

	/* A SYN-ACK that left proves nothing when the agent's own accept
	 * queue may have dropped the handshake's end. */
	if (in->wire_out && in->proto == PROTO_TCP &&
	    (l->listen_overflows > 0 || l->listen_drops > 0))
		return classify_as(STATUS_DROPPED, CLASSIFY_EVIDENCE_LOST);
	if (in->wire_out)
		return classify_as(STATUS_REPLY_DROPPED, CLASSIFY_REPLY_LEFT);
	if (in->wire_in || in->socket) {
		/* No reply seen leaving: the host kept it, unless a queue,
		 * the capture or the rate limit can explain it. */
		if (capture_lost || classify_queue_lost(in))
			return classify_as(STATUS_DROPPED,
					   CLASSIFY_EVIDENCE_LOST);
		if (l->withheld > 0)
			return classify_as(STATUS_DROPPED,
					   CLASSIFY_REPLY_WITHHELD);
		return classify_as(STATUS_HOST_DROPPED, CLASSIFY_HOST_KEPT);
	}
	if (capture_lost)
		return classify_as(STATUS_DROPPED, CLASSIFY_EVIDENCE_LOST);
	return classify_as(STATUS_REQUEST_DROPPED, CLASSIFY_NOT_ARRIVED);
}

static struct classify_result
classify_socket(const struct classify_input *in)
{
	if (in->socket) {
		if (in->losses.withheld > 0)
			return classify_as(STATUS_DROPPED,
					   CLASSIFY_REPLY_WITHHELD);
		return classify_as(STATUS_REPLY_DROPPED,
				   CLASSIFY_REACHED_SOCKET);
	}
	if (in->losses.not_kept > 0 || classify_queue_lost(in))
		return classify_as(STATUS_DROPPED, CLASSIFY_EVIDENCE_LOST);
	return classify_as(STATUS_REQUEST_DROPPED, CLASSIFY_NOT_ARRIVED);
}

struct classify_result
classify_port(const struct classify_input *in)
{
	/* Any one good attempt is enough; random loss is not a rule. */
	if (in->flags & PORT_OK)
		return classify_as(STATUS_OK, CLASSIFY_ANSWERED);
	/* A completed handshake proved both directions, whatever the service
	 * did after. */
	if (in->flags & PORT_HANDSHAKE)
		return classify_as(STATUS_OK, CLASSIFY_HANDSHAKE);
	/* An active refusal is not silent, even if other attempts timed out. */
	if (in->flags & PORT_REJECTED)
		return classify_as(STATUS_REJECTED, CLASSIFY_REFUSED);
	/* Nothing ever left the host: we cannot say anything of the path. */
	if (!(in->flags & PORT_TIMEOUT))
		return classify_as(STATUS_LOCAL_ERROR, CLASSIFY_NOT_SENT);
	if (!in->agent)
		return classify_as(STATUS_DROPPED, CLASSIFY_NO_AGENT);
	return in->evidence == EVIDENCE_CAPTURE ? classify_capture(in)
						: classify_socket(in);
}
