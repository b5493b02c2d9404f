/* Socket addresses: parse "HOST", "HOST:PORT", "[V6]:PORT"; format them back.
 */
/* Literal addresses only parse without DNS; host names go through getaddrinfo.
 */
#ifndef NACL_NETADDR_H
#define NACL_NETADDR_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>

#define NETADDR_STRLEN 46

/*
 * Splits text, in place, as HOST[:PORT], [IPV6][:PORT] or a bare IPV6 (more
 * than one colon): the brackets and the colon go, *port points at PORT or
 * is NULL. 0, or -1 for a bracket not closed or followed by more than
 * :PORT.
 */
int netaddr_split(char *text, char **port);
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

/* An IPv4 or IPv6 network. */
struct netaddr_cidr {
	int family; /* AF_INET or AF_INET6 */
	uint8_t addr[16]; /* network order, host bits cleared */
	uint8_t prefix;
};

/*
 * Parses "10.0.1.0/24" or "2001:db8::/56" (host bits are cleared); a bare
 * address is a /32 or /128. Returns 0, or -1 with *cause (malloc'd).
 */
int netaddr_cidr_parse(const char *text, struct netaddr_cidr *cidr,
		       char **cause);
/* "10.0.1.0/24"; buf holds at least NETADDR_CIDR_STRLEN bytes. */
#define NETADDR_CIDR_STRLEN 50
const char *netaddr_cidr_format(const struct netaddr_cidr *cidr, char *buf);
/* Is addr (family's size, network order) inside cidr? Families must match. */
bool netaddr_cidr_contains(const struct netaddr_cidr *cidr, int family,
			   const uint8_t *addr);

#endif
