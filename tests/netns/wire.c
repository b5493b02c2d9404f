/* Test helper: sends crafted or hostile bytes to the agent and measures its
 * replies. */
/* usage: wire send|sizes ... — see wire_usage(); exit 0 as asked, 1 when not, 2
 * misuse. */
#include <arpa/inet.h>
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "common/checkspec.h"
#include "common/netaddr.h"
#include "common/service.h"

#define WIRE_MAX 65536

static void
wire_usage(void)
{
	fprintf(stderr,
		"usage: wire send udp|tcp ADDR PORT [--sport N] [--timeout MS]"
		" (--hex HEX | --random N | --file F)\n"
		"         prints the reply's size; exit 0 with a reply, 1 with"
		" none\n"
		"       wire sizes udp|tcp SERVICE ADDR PORT [--timeout MS]\n"
		"         sends SERVICE requests of 1 to 1400 bytes; prints"
		" 'SIZE REPLY' lines;\n"
		"         exit 1 when a reply is more than 64 bytes above its"
		" request\n");
	exit(2);
}

/* Sends req and returns the reply's size (TCP: all bytes until close or
 * timeout), or -1 with no reply. */
static long
wire_exchange(enum proto proto, const struct sockaddr *to, uint16_t sport,
	      const uint8_t *req, size_t len, int timeout_ms)
{
	struct sockaddr_storage local;
	uint8_t buf[WIRE_MAX];
	struct pollfd pfd;
	long total = -1;
	ssize_t n;
	int fd, one = 1;

	fd = socket(to->sa_family,
		    proto == PROTO_UDP ? SOCK_DGRAM : SOCK_STREAM, 0);
	if (fd < 0)
		return -1;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	if (sport != 0) {
		memset(&local, 0, sizeof local);
		local.ss_family = to->sa_family;
		netaddr_set_port((struct sockaddr *)&local, sport);
		if (bind(fd, (struct sockaddr *)&local,
			 netaddr_len((struct sockaddr *)&local)) != 0) {
			perror("wire: bind");
			exit(2);
		}
	}
	if (connect(fd, to, netaddr_len(to)) != 0 ||
	    (len > 0 && send(fd, req, len, MSG_NOSIGNAL) != (ssize_t)len)) {
		close(fd);
		return -1;
	}
	pfd.fd = fd;
	pfd.events = POLLIN;
	while (poll(&pfd, 1, timeout_ms) > 0) {
		n = recv(fd, buf, sizeof buf, 0);
		if (n <= 0)
			break;
		total = (total < 0 ? 0 : total) + n;
		if (proto == PROTO_UDP)
			break;
	}
	close(fd);
	return total;
}

static size_t
wire_parse_hex(const char *hex, uint8_t *out)
{
	size_t n = 0;
	unsigned v;

	while (hex[0] && hex[1] && n < WIRE_MAX &&
	       sscanf(hex, "%2x", &v) == 1) {
		out[n++] = (uint8_t)v;
		hex += 2;
	}
	return n;
}

/* A request of service of exactly size bytes: padding a real one where the
 * protocol has room (echo length, DNS EDNS padding, NTP extension bytes, an
 * HTTP header; zeros after any other), its prefix when size is below the
 * smallest. */
static size_t
wire_request(enum service service, enum proto proto, size_t size, uint8_t *buf)
{
	struct probe_id id = {0};
	size_t len, pad,
		head = proto == PROTO_TCP && service == SERVICE_DNS ? 2 : 0;

	id.session = 1;
	id.sport = 40000;
	id.dport = 7;
	id.agent = false;
	id.dns_name = "example.com";
	id.host = "x";
	switch (service) {
	case SERVICE_ECHO:
		len = service_ops(service)->request_encode(&id, proto, buf,
							   WIRE_MAX);
		if (size >= len) {
			memset(buf + len, 'p', size - len);
			buf[20] = (uint8_t)(size >> 8);
			buf[21] = (uint8_t)size;
		}
		return size;
	case SERVICE_DNS:
		len = service_ops(service)->request_encode(&id, proto, buf,
							   WIRE_MAX);
		/* An OPT record with a padding option: 15 bytes at least. */
		if (size >= len + 15) {
			pad = size - len - 15;
			memcpy(buf + len,
			       "\0\0\x29\x04\xd0\0\0\0\0\0\0\0\x0c\0\0", 15);
			buf[len + 9] = (uint8_t)((pad + 4) >> 8);
			buf[len + 10] = (uint8_t)(pad + 4);
			buf[len + 13] = (uint8_t)(pad >> 8);
			buf[len + 14] = (uint8_t)pad;
			memset(buf + len + 15, 0, pad);
			buf[head + 11] = 1; /* ARCOUNT */
			if (head) {
				buf[0] = (uint8_t)((size - 2) >> 8);
				buf[1] = (uint8_t)(size - 2);
			}
		}
		return size;
	case SERVICE_NTP:
		service_ops(service)->request_encode(&id, proto, buf, WIRE_MAX);
		if (size > 48)
			memset(buf + 48, 0, size - 48);
		return size;
	case SERVICE_HTTP:
		if (size < 18) {
			memcpy(buf, "GET / HTTP/1.0\r\n\r\n", size);
			return size;
		}
		if (size < 35) {
			/* A longer path: "GET /aaa HTTP/1.0\r\n\r\n". */
			memcpy(buf, "GET /", 5);
			memset(buf + 5, 'a', size - 18);
			memcpy(buf + size - 13, " HTTP/1.0\r\n\r\n", 13);
			return size;
		}
		/* "GET / HTTP/1.1\r\nX-Pad: aaa\r\n\r\n" */
		memcpy(buf, "GET / HTTP/1.1\r\nX-Pad: ", 23);
		memset(buf + 23, 'a', size - 27);
		memcpy(buf + size - 4, "\r\n\r\n", 4);
		return size;
	}
	/* Any other row: its request, zero padded, or its prefix. */
	len = service_ops(service)->request_encode(&id, proto, buf, WIRE_MAX);
	if (size > len)
		memset(buf + len, 0, size - len);
	return size;
}

int
main(int argc, char **argv)
{
	static const size_t sizes[] = {1,  8,  12,  17,	 18,  30,   35,	  47,
				       48, 64, 100, 200, 512, 1000, 1232, 1400};
	static uint8_t req[WIRE_MAX];
	struct sockaddr_storage to;
	enum proto proto;
	enum service service;
	socklen_t tolen;
	char *cause = NULL;
	int timeout = 300, i, failed = 0;
	uint16_t sport = 0;
	size_t len = 0, k;
	long reply;
	FILE *f;

	if (argc < 5 || proto_parse(argv[2], &proto) != 0)
		wire_usage();
	if (strcmp(argv[1], "sizes") == 0) {
		if (argc < 6 || service_parse(argv[3], &service) != 0 ||
		    netaddr_parse(argv[4], (uint16_t)atoi(argv[5]), &to, &tolen,
				  &cause) != 0)
			wire_usage();
		for (i = 6; i + 1 < argc; i += 2)
			if (strcmp(argv[i], "--timeout") == 0)
				timeout = atoi(argv[i + 1]);
		for (k = 0; k < sizeof sizes / sizeof *sizes; k++) {
			len = wire_request(service, proto, sizes[k], req);
			reply = wire_exchange(proto, (struct sockaddr *)&to, 0,
					      req, len, timeout);
			printf("%zu %ld\n", len, reply);
			if (reply > (long)len + SERVICE_MAX_GROWTH) {
				printf("FAIL: %ld-byte reply to a %zu-byte "
				       "%s request\n",
				       reply, len, argv[3]);
				failed = 1;
			}
		}
		return failed;
	}
	if (strcmp(argv[1], "send") != 0 ||
	    netaddr_parse(argv[3], (uint16_t)atoi(argv[4]), &to, &tolen,
			  &cause) != 0)
		wire_usage();
	for (i = 5; i < argc; i++) {
		if (i + 1 >= argc)
			wire_usage();
		if (strcmp(argv[i], "--sport") == 0)
			sport = (uint16_t)atoi(argv[++i]);
		else if (strcmp(argv[i], "--timeout") == 0)
			timeout = atoi(argv[++i]);
		else if (strcmp(argv[i], "--hex") == 0)
			len = wire_parse_hex(argv[++i], req);
		else if (strcmp(argv[i], "--random") == 0) {
			len = (size_t)atoi(argv[++i]);
			if (len > WIRE_MAX)
				wire_usage();
			f = fopen("/dev/urandom", "rb");
			if (f == NULL || fread(req, 1, len, f) != len)
				wire_usage();
			fclose(f);
		} else if (strcmp(argv[i], "--file") == 0) {
			f = fopen(argv[++i], "rb");
			if (f == NULL)
				wire_usage();
			len = fread(req, 1, sizeof req, f);
			fclose(f);
		} else
			wire_usage();
	}
	reply = wire_exchange(proto, (struct sockaddr *)&to, sport, req, len,
			      timeout);
	if (reply < 0) {
		printf("no reply\n");
		return 1;
	}
	printf("%ld\n", reply);
	return 0;
}
