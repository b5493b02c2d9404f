/* Classification: a port's accumulated attempt outcomes and the seen-log into
 * one status. */
/* Kept pure so the precedence rules are unit-tested without sockets. */
#include "probe/sweep.h"

enum probe_status
classify_port(uint8_t flags, bool agent, bool seen)
{
	/* Any one good attempt is enough; random loss is not a rule. */
	if (flags & PORT_OK)
		return STATUS_OK;
	/* An active refusal is not silent, even if other attempts timed out. */
	if (flags & PORT_REJECTED)
		return STATUS_REJECTED;
	/* Nothing ever left the host: we cannot say anything of the path. */
	if (!(flags & PORT_TIMEOUT))
		return STATUS_LOCAL_ERROR;
	if (!agent)
		return STATUS_DROPPED;
	return seen ? STATUS_REPLY_DROPPED : STATUS_REQUEST_DROPPED;
}
