/* Check specs: "tcp/80=http,udp/53=dns,udp/7000-7003=echo" into (proto, port,
 * service). */
/* Both programs use it: the agent to know what to listen on, the probe what to
 * sweep. */
#ifndef NACL_CHECKSPEC_H
#define NACL_CHECKSPEC_H

#include <stddef.h>
#include <stdint.h>

enum proto { PROTO_UDP, PROTO_TCP };

enum service {
	SERVICE_ECHO,
	SERVICE_DNS,
	SERVICE_NTP,
	SERVICE_HTTP,
};

struct check_spec {
	enum proto proto;
	uint16_t port;
	enum service service;
};

struct check_list {
	struct check_spec *checks;
	size_t count;
};

const char *proto_name(enum proto proto);
int proto_parse(const char *name, enum proto *proto);
const char *service_name(enum service service);
int service_parse(const char *name, enum service *service);
/* DESIGN.md defaults: tcp/80 http, udp+tcp/53 dns, udp/123 ntp, else echo. */
enum service service_default(enum proto proto, uint16_t port);

/*
 * Parses SPEC into *list, in the order given, one entry per port; a
 * (proto, port) pair given twice is an error. Returns 0, or -1 with *cause
 * (malloc'd) naming the bad item and what is accepted.
 */
int check_list_parse(const char *spec, struct check_list *list, char **cause);
void check_list_free(struct check_list *list);
/* The index of (proto, port) in list, or -1. */
int check_list_find(const struct check_list *list, enum proto proto,
		    uint16_t port);

#endif
