/* Check specs: "tcp/80=http,udp/53=dns,udp/7000-7003=echo" into (proto, port,
 * service). */
/* Both programs use it: the agent to know what to listen on, the probe what to
 * sweep. Services, their names and default ports come from common/service.h. */
#ifndef NACL_CHECKSPEC_H
#define NACL_CHECKSPEC_H

#include <stddef.h>
#include <stdint.h>

#include "common/proto.h"
#include "common/service.h"

struct check_spec {
	enum proto proto;
	uint16_t port;
	enum service service;
};

struct check_list {
	struct check_spec *checks;
	size_t count;
};

/*
 * Parses SPEC into *list, in the order given, one entry per port; a
 * (proto, port) pair given twice is an error. A port without =SERVICE gets
 * service_default's. Returns 0, or -1 with *cause (malloc'd) naming the bad
 * item and what is accepted.
 */
int check_list_parse(const char *spec, struct check_list *list, char **cause);
void check_list_free(struct check_list *list);
/* The index of (proto, port) in list, or -1. */
int check_list_find(const struct check_list *list, enum proto proto,
		    uint16_t port);
/* Does the check's service run over its protocol? -1 with *cause if not.
 * (Here, not in service.c: the table knows no check specs.) */
int service_check_transport(const struct check_spec *check, char **cause);

#endif
