/* Socket addresses: parse "HOST", "HOST:PORT", "[V6]:PORT"; format them back.
 */
/* Literal addresses only parse without DNS; host names go through getaddrinfo.
 */
#ifndef NACL_NETADDR_H
#define NACL_NETADDR_H

#include <stdint.h>
#include <sys/socket.h>

#define NETADDR_STRLEN 46

/*
 * Parses HOST[:PORT] / [V6ADDR][:PORT] into *ss; default_port when none is
 * given. Returns 0, or -1 with *cause (malloc'd) naming the input.
 */
int netaddr_parse(const char *text, uint16_t default_port,
		  struct sockaddr_storage *ss, socklen_t *len, char **cause);
socklen_t netaddr_len(const struct sockaddr *sa);
uint16_t netaddr_port(const struct sockaddr *sa);
void netaddr_set_port(struct sockaddr *sa, uint16_t port);
/* The address without port into buf (at least NETADDR_STRLEN bytes). */
const char *netaddr_format(const struct sockaddr *sa, char *buf);
/* Same address (port ignored)? An IPv4-mapped IPv6 address equals its IPv4. */
int netaddr_equal(const struct sockaddr *a, const struct sockaddr *b);

#endif
