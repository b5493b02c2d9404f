/* holdport: keeps one UDP or TCP port busy until killed, for the e2e tests. */
/* It binds without SO_REUSEADDR so that the probe's bind to that port fails. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static void
usage(void)
{
	fprintf(stderr, "usage: holdport udp|tcp ADDR PORT\n");
	exit(2);
}

/* Fills ss from a numeric IPv4 or IPv6 address; -1 when it is neither. */
static int
address_parse(const char *text, unsigned port, struct sockaddr_storage *ss,
	      socklen_t *len)
{
	struct sockaddr_in *sin = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ss;

	memset(ss, 0, sizeof(*ss));
	if (inet_pton(AF_INET, text, &sin->sin_addr) == 1) {
		sin->sin_family = AF_INET;
		sin->sin_port = htons(port);
		*len = sizeof(*sin);
		return 0;
	}
	if (inet_pton(AF_INET6, text, &sin6->sin6_addr) == 1) {
		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons(port);
		*len = sizeof(*sin6);
		return 0;
	}
	return -1;
}

int
main(int argc, char **argv)
{
	struct sockaddr_storage ss;
	socklen_t len;
	sigset_t stop;
	char *end;
	unsigned long port;
	int type, fd, sig;

	if (argc != 4)
		usage();
	if (strcmp(argv[1], "udp") == 0) {
		type = SOCK_DGRAM;
	} else if (strcmp(argv[1], "tcp") == 0) {
		type = SOCK_STREAM;
	} else {
		fprintf(stderr,
			"holdport: protocol '%s': expected udp or tcp\n",
			argv[1]);
		usage();
	}
	errno = 0;
	port = strtoul(argv[3], &end, 10);
	if (errno != 0 || *end != '\0' || end == argv[3] || port < 1 ||
	    port > 65535) {
		fprintf(stderr, "holdport: port '%s': expected 1-65535\n",
			argv[3]);
		usage();
	}
	if (address_parse(argv[2], port, &ss, &len) == -1) {
		fprintf(stderr,
			"holdport: address '%s': expected a numeric IPv4 or "
			"IPv6 address\n",
			argv[2]);
		usage();
	}

	/* Block the stop signals first so that none is lost before sigwait. */
	sigemptyset(&stop);
	sigaddset(&stop, SIGTERM);
	sigaddset(&stop, SIGINT);
	sigprocmask(SIG_BLOCK, &stop, NULL);

	fd = socket(ss.ss_family, type, 0);
	if (fd == -1) {
		fprintf(stderr, "holdport: socket: %s\n", strerror(errno));
		return 1;
	}
	if (bind(fd, (struct sockaddr *)&ss, len) == -1) {
		fprintf(stderr, "holdport: bind %s %s port %lu: %s\n", argv[1],
			argv[2], port, strerror(errno));
		return 1;
	}
	if (type == SOCK_STREAM && listen(fd, 16) == -1) {
		fprintf(stderr, "holdport: listen: %s\n", strerror(errno));
		return 1;
	}

	printf("ready\n");
	if (fflush(stdout) == EOF) {
		fprintf(stderr, "holdport: stdout: %s\n", strerror(errno));
		return 1;
	}
	if (sigwait(&stop, &sig) != 0) {
		fprintf(stderr, "holdport: sigwait failed\n");
		return 1;
	}
	close(fd);
	return 0;
}
