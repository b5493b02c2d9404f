/* Transport protocols a check runs over: their names. */
/* Kept apart from checkspec so the service table and auth need no parser. */
#include "common/proto.h"

#include <string.h>

#include "common/text.h"

static const char *const proto_names[PROTO_COUNT] = {"udp", "tcp"};

const char *
proto_name(enum proto proto)
{
	return proto_names[proto];
}

int
proto_parse(const char *name, enum proto *proto)
{
	int i = text_index(proto_names, PROTO_COUNT, name);

	if (i < 0)
		return -1;
	*proto = (enum proto)i;
	return 0;
}
