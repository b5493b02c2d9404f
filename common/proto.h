/* Transport protocols a check runs over: the bottom of common/'s vocabulary. */
/* The service table, auth tokens and check specs all name them. */
#ifndef NACL_PROTO_H
#define NACL_PROTO_H

enum proto { PROTO_UDP, PROTO_TCP };

#define PROTO_COUNT 2

/* "udp" or "tcp". */
const char *proto_name(enum proto proto);
/* 0 and *proto for "udp" or "tcp", else -1. */
int proto_parse(const char *name, enum proto *proto);

#endif
