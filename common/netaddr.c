/* Socket addresses: parse "HOST", "HOST:PORT", "[V6]:PORT"; format them back.
 */
/* Kept apart so both programs print addresses the same way. */
#include "common/netaddr.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/text.h"
#include "common/xmalloc.h"

int
netaddr_split(char *text, char **port)
{
	char *end;

	*port = NULL;
	if (text[0] == '[') {
		end = strchr(text, ']');
		if (end == NULL || (end[1] != '\0' && end[1] != ':'))
			return -1;
		*end = '\0';
		if (end[1] == ':')
			*port = end + 2;
		memmove(text, text + 1, strlen(text + 1) + 1);
		return 0;
	}
	end = strchr(text, ':');
	/* One colon is HOST:PORT; more is a bare IPv6 address. */
	if (end != NULL && strchr(end + 1, ':') == NULL) {
		*end = '\0';
		*port = end + 1;
	}
	return 0;
}

int
netaddr_parse(const char *text, uint16_t default_port,
	      struct sockaddr_storage *ss, socklen_t *len, char **cause)
{
	char *host = xstrdup(text), *port = NULL, *end;
	struct addrinfo hints, *res = NULL;
	unsigned long portnum = default_port;
	int rc;

	if (netaddr_split(host, &port) != 0)
		goto bad;
	if (port != NULL) {
		portnum = strtoul(port, &end, 10);
		if (*port == '\0' || *end != '\0' || portnum == 0 ||
		    portnum > 65535)
			goto bad;
	}
	memset(&hints, 0, sizeof hints);
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_DGRAM;
	rc = getaddrinfo(host, NULL, &hints, &res);
	if (rc != 0 || res == NULL) {
		*cause = xasprintf("cannot resolve '%s': %s", host,
				   rc ? gai_strerror(rc) : "no address");
		free(host);
		return -1;
	}
	memset(ss, 0, sizeof *ss);
	memcpy(ss, res->ai_addr, res->ai_addrlen);
	*len = res->ai_addrlen;
	netaddr_set_port((struct sockaddr *)ss, (uint16_t)portnum);
	freeaddrinfo(res);
	free(host);
	return 0;
bad:
	*cause = xasprintf("bad address '%s': expected HOST, HOST:PORT, "
			   "IPV6 or [IPV6]:PORT with PORT 1-65535",
			   text);
	free(host);
	return -1;
}

socklen_t
netaddr_len(const struct sockaddr *sa)
{
	return sa->sa_family == AF_INET6 ? sizeof(struct sockaddr_in6)
					 : sizeof(struct sockaddr_in);
}

uint16_t
netaddr_port(const struct sockaddr *sa)
{
	if (sa->sa_family == AF_INET6)
		return ntohs(((const struct sockaddr_in6 *)(const void *)sa)
				     ->sin6_port);
	return ntohs(((const struct sockaddr_in *)(const void *)sa)->sin_port);
}

void
netaddr_set_port(struct sockaddr *sa, uint16_t port)
{
	if (sa->sa_family == AF_INET6)
		((struct sockaddr_in6 *)(void *)sa)->sin6_port = htons(port);
	else
		((struct sockaddr_in *)(void *)sa)->sin_port = htons(port);
}

const char *
netaddr_format(const struct sockaddr *sa, char *buf)
{
	const void *addr;

	if (sa->sa_family == AF_INET6) {
		const struct sockaddr_in6 *sin6 = (const void *)sa;

		if (IN6_IS_ADDR_V4MAPPED(&sin6->sin6_addr)) {
			inet_ntop(AF_INET, &sin6->sin6_addr.s6_addr[12], buf,
				  NETADDR_STRLEN);
			return buf;
		}
		addr = &sin6->sin6_addr;
	} else if (sa->sa_family == AF_INET)
		addr = &((const struct sockaddr_in *)(const void *)sa)
				->sin_addr;
	else {
		strcpy(buf, "?");
		return buf;
	}
	if (inet_ntop(sa->sa_family, addr, buf, NETADDR_STRLEN) == NULL)
		strcpy(buf, "?");
	return buf;
}

/* The address as 16 bytes, an IPv4 one mapped; false for other families. */
static bool
netaddr_v6_bytes(const struct sockaddr *sa, uint8_t out[16])
{
	if (sa->sa_family == AF_INET6) {
		memcpy(out,
		       &((const struct sockaddr_in6 *)(const void *)sa)
				->sin6_addr,
		       16);
		return true;
	}
	if (sa->sa_family != AF_INET)
		return false;
	memset(out, 0, 10);
	out[10] = out[11] = 0xff;
	memcpy(out + 12,
	       &((const struct sockaddr_in *)(const void *)sa)->sin_addr, 4);
	return true;
}

int
netaddr_equal(const struct sockaddr *a, const struct sockaddr *b)
{
	uint8_t x[16], y[16];

	/* Compared as IPv6, an IPv4 address mapped: on the probe's hot path,
	 * so no formatting. */
	return netaddr_v6_bytes(a, x) && netaddr_v6_bytes(b, y) &&
	       memcmp(x, y, 16) == 0;
}

int
netaddr_cidr_parse(const char *text, struct netaddr_cidr *cidr, char **cause)
{
	char buf[INET6_ADDRSTRLEN + 8], *slash, *shown;
	unsigned long prefix;
	size_t len = strlen(text), i, bytes;
	int max;

	memset(cidr, 0, sizeof *cidr);
	if (len == 0 || len >= sizeof buf)
		goto bad;
	memcpy(buf, text, len + 1);
	slash = strchr(buf, '/');
	if (slash != NULL)
		*slash++ = '\0';
	if (inet_pton(AF_INET, buf, cidr->addr) == 1) {
		cidr->family = AF_INET;
		max = 32;
	} else if (inet_pton(AF_INET6, buf, cidr->addr) == 1) {
		cidr->family = AF_INET6;
		max = 128;
	} else
		goto bad;
	prefix = (unsigned long)max;
	if (slash != NULL) {
		char *end;

		if (*slash < '0' || *slash > '9' || strlen(slash) > 3)
			goto bad;
		errno = 0;
		prefix = strtoul(slash, &end, 10);
		if (*end != '\0' || prefix > (unsigned long)max)
			goto bad;
	}
	cidr->prefix = (uint8_t)prefix;
	bytes = max / 8;
	for (i = 0; i < bytes; i++) {
		size_t bit = i * 8;

		if (bit >= prefix)
			cidr->addr[i] = 0;
		else if (bit + 8 > prefix)
			cidr->addr[i] &=
				(uint8_t)(0xff << (8 - (prefix - bit)));
	}
	return 0;
bad:
	shown = text_printable(text, 60);
	*cause = xasprintf("'%s' is not a CIDR block (expected an IPv4 or "
			   "IPv6 network like 10.0.1.0/24 or 2001:db8:1::/64)",
			   shown);
	free(shown);
	memset(cidr, 0, sizeof *cidr);
	return -1;
}

const char *
netaddr_cidr_format(const struct netaddr_cidr *cidr, char *buf)
{
	char addr[INET6_ADDRSTRLEN];

	if (inet_ntop(cidr->family, cidr->addr, addr, sizeof addr) == NULL)
		strcpy(addr, "?");
	snprintf(buf, NETADDR_CIDR_STRLEN, "%s/%u", addr, cidr->prefix);
	return buf;
}

bool
netaddr_cidr_contains(const struct netaddr_cidr *cidr, int family,
		      const uint8_t *addr)
{
	size_t full = cidr->prefix / 8, rest = cidr->prefix % 8;

	if (cidr->family != family)
		return false;
	if (memcmp(cidr->addr, addr, full) != 0)
		return false;
	if (rest == 0)
		return true;
	return (addr[full] & (uint8_t)(0xff << (8 - rest))) == cidr->addr[full];
}
