/* bare-sweep: the benchmark's reference sweep, one bound socket per source
 * port and epoll, nothing else. */
/* No retries, events or per-port results: what the kernel's part of a sweep
 * costs, for nacl-probe to be measured against. */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "common/echo.h"

/* As large as nacl-probe's echo request: its header alone. */
#define REQUEST_SIZE ECHO_HEADER_SIZE
/* File descriptors kept back from the window, as nacl-probe keeps them. */
#define FD_RESERVE 64
#define DEFAULT_WINDOW 16384
#define MAX_EVENTS 1024

enum socket_state { STATE_IDLE, STATE_UDP, STATE_CONNECTING, STATE_READING };

struct bare_sweep {
	int epfd;
	int type; /* SOCK_DGRAM or SOCK_STREAM */
	struct sockaddr_storage local, remote;
	socklen_t addrlen;
	unsigned next_port, last_port;
	unsigned window, inflight;
	size_t nfds; /* size of the per-descriptor arrays */
	uint8_t *state; /* per descriptor */
	uint16_t *have; /* TCP: reply bytes read, per descriptor */
	unsigned long ok, lost, failed;
	uint8_t request[REQUEST_SIZE];
};

static void
usage(void)
{
	fprintf(stderr,
		"usage: bare-sweep udp|tcp TARGET PORT FROM-TO [--bind ADDR]\n"
		"                  [--window N] [--timeout MS]\n"
		"Sends one %d-byte request from every source port FROM-TO to\n"
		"TARGET:PORT, each from its own bound socket, at most N in\n"
		"flight (default %d, capped below the open-file limit as\n"
		"nacl-probe caps it), and counts replies. Prints one line:\n"
		"ok=N lost=N failed=N seconds=S window=N\n",
		REQUEST_SIZE, DEFAULT_WINDOW);
	exit(2);
}

static unsigned long
parse_number(const char *what, const char *text, unsigned long max)
{
	unsigned long v;
	char *end;

	errno = 0;
	v = strtoul(text, &end, 10);
	if (errno != 0 || *text == '\0' || *text == '-' || *end != '\0' ||
	    v > max) {
		fprintf(stderr, "bare-sweep: %s: bad value '%s' (0-%lu)\n",
			what, text, max);
		exit(2);
	}
	return v;
}

static void
parse_address(const char *what, const char *text, struct sockaddr_storage *ss,
	      socklen_t *len)
{
	struct sockaddr_in *sin = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ss;

	memset(ss, 0, sizeof *ss);
	if (inet_pton(AF_INET, text, &sin->sin_addr) == 1) {
		sin->sin_family = AF_INET;
		*len = sizeof *sin;
	} else if (inet_pton(AF_INET6, text, &sin6->sin6_addr) == 1) {
		sin6->sin6_family = AF_INET6;
		*len = sizeof *sin6;
	} else {
		fprintf(stderr,
			"bare-sweep: %s: '%s' is not a numeric IPv4 or IPv6 "
			"address\n",
			what, text);
		exit(2);
	}
}

static void
set_port(struct sockaddr_storage *ss, unsigned port)
{
	if (ss->ss_family == AF_INET6)
		((struct sockaddr_in6 *)ss)->sin6_port = htons((uint16_t)port);
	else
		((struct sockaddr_in *)ss)->sin_port = htons((uint16_t)port);
}

/* Raises the open-file limit to its maximum and caps the window below it,
 * with nacl-probe's reserve. */
static unsigned
cap_window(unsigned window, size_t *nfds)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) != 0) {
		perror("bare-sweep: getrlimit");
		exit(1);
	}
	if (rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		if (setrlimit(RLIMIT_NOFILE, &rl) == 0)
			getrlimit(RLIMIT_NOFILE, &rl);
	}
	*nfds = (size_t)rl.rlim_cur;
	if (rl.rlim_cur <= FD_RESERVE * 2)
		return FD_RESERVE;
	if (window > rl.rlim_cur - FD_RESERVE)
		return (unsigned)(rl.rlim_cur - FD_RESERVE);
	return window;
}

static double
now_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void
bare_finish(struct bare_sweep *b, int fd, bool ok)
{
	close(fd);
	b->state[fd] = STATE_IDLE;
	b->inflight--;
	if (ok)
		b->ok++;
	else
		b->failed++;
}

static void
bare_launch(struct bare_sweep *b, unsigned port)
{
	struct epoll_event ev = {0};
	int one = 1, fd;

	fd = socket(b->remote.ss_family, b->type | SOCK_NONBLOCK | SOCK_CLOEXEC,
		    0);
	if (fd < 0 || (size_t)fd >= b->nfds) {
		if (fd >= 0)
			close(fd);
		b->failed++;
		return;
	}
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	set_port(&b->local, port);
	if (bind(fd, (struct sockaddr *)&b->local, b->addrlen) != 0 ||
	    (connect(fd, (struct sockaddr *)&b->remote, b->addrlen) != 0 &&
	     errno != EINPROGRESS)) {
		close(fd);
		b->failed++;
		return;
	}
	if (b->type == SOCK_DGRAM) {
		if (send(fd, b->request, sizeof b->request, 0) !=
		    (ssize_t)sizeof b->request) {
			close(fd);
			b->failed++;
			return;
		}
		b->state[fd] = STATE_UDP;
		ev.events = EPOLLIN;
	} else {
		b->state[fd] = STATE_CONNECTING;
		ev.events = EPOLLOUT;
	}
	ev.data.fd = fd;
	epoll_ctl(b->epfd, EPOLL_CTL_ADD, fd, &ev);
	b->inflight++;
}

static void
bare_udp_readable(struct bare_sweep *b, int fd)
{
	uint8_t buf[2048];
	ssize_t n = recv(fd, buf, sizeof buf, 0);

	if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
		return;
	bare_finish(b, fd, n > 0);
}

static void
bare_tcp_event(struct bare_sweep *b, int fd, uint32_t events)
{
	struct epoll_event ev = {EPOLLIN, {.fd = fd}};
	uint8_t buf[2048];
	ssize_t n;

	if (b->state[fd] == STATE_CONNECTING) {
		if ((events & (EPOLLERR | EPOLLHUP)) ||
		    send(fd, b->request, sizeof b->request, MSG_NOSIGNAL) !=
			    (ssize_t)sizeof b->request) {
			bare_finish(b, fd, false);
			return;
		}
		b->state[fd] = STATE_READING;
		b->have[fd] = 0;
		epoll_ctl(b->epfd, EPOLL_CTL_MOD, fd, &ev);
		return;
	}
	/* The server closes first: read the echo, then its FIN. */
	for (;;) {
		n = recv(fd, buf, sizeof buf, 0);
		if (n > 0) {
			b->have[fd] = (uint16_t)(b->have[fd] + n);
			continue;
		}
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return;
		bare_finish(b, fd, n == 0 && b->have[fd] >= REQUEST_SIZE);
		return;
	}
}

/* Nothing arrived for a whole timeout: what is still in flight is lost. */
static void
bare_expire(struct bare_sweep *b)
{
	size_t fd;

	for (fd = 0; fd < b->nfds && b->inflight > 0; fd++) {
		if (b->state[fd] == STATE_IDLE)
			continue;
		close((int)fd);
		b->state[fd] = STATE_IDLE;
		b->inflight--;
		b->lost++;
	}
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{"bind", required_argument, NULL, 'b'},
		{"window", required_argument, NULL, 'w'},
		{"timeout", required_argument, NULL, 't'},
		{NULL, 0, NULL, 0},
	};
	struct epoll_event events[MAX_EVENTS];
	struct bare_sweep b;
	const char *bind_text = NULL;
	unsigned long window = DEFAULT_WINDOW, timeout_ms = 1000, first;
	char *dash;
	double start, seconds;
	int ch, n, i;

	memset(&b, 0, sizeof b);
	while ((ch = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (ch) {
		case 'b':
			bind_text = optarg;
			break;
		case 'w':
			window = parse_number("--window", optarg, 65536);
			break;
		case 't':
			timeout_ms = parse_number("--timeout", optarg, 600000);
			break;
		default:
			usage();
		}
	}
	if (argc - optind != 4 || window == 0 || timeout_ms == 0)
		usage();
	if (strcmp(argv[optind], "udp") == 0)
		b.type = SOCK_DGRAM;
	else if (strcmp(argv[optind], "tcp") == 0)
		b.type = SOCK_STREAM;
	else
		usage();
	parse_address("TARGET", argv[optind + 1], &b.remote, &b.addrlen);
	set_port(&b.remote,
		 (unsigned)parse_number("PORT", argv[optind + 2], 65535));
	dash = strchr(argv[optind + 3], '-');
	if (dash == NULL)
		usage();
	*dash = '\0';
	first = parse_number("FROM", argv[optind + 3], 65535);
	b.last_port = (unsigned)parse_number("TO", dash + 1, 65535);
	if (first == 0 || first > b.last_port)
		usage();
	b.next_port = (unsigned)first;
	if (bind_text != NULL) {
		socklen_t len;

		parse_address("--bind", bind_text, &b.local, &len);
		if (b.local.ss_family != b.remote.ss_family) {
			fprintf(stderr, "bare-sweep: --bind and TARGET are not "
					"the same address family\n");
			return 2;
		}
	} else
		b.local.ss_family = b.remote.ss_family;
	b.window = cap_window((unsigned)window, &b.nfds);
	b.state = calloc(b.nfds, sizeof *b.state);
	b.have = calloc(b.nfds, sizeof *b.have);
	b.epfd = epoll_create1(EPOLL_CLOEXEC);
	if (b.state == NULL || b.have == NULL || b.epfd < 0) {
		perror("bare-sweep");
		return 1;
	}
	memcpy(b.request, "NPRB-bare-sweep", 15);

	start = now_seconds();
	for (;;) {
		while (b.inflight < b.window && b.next_port <= b.last_port)
			bare_launch(&b, b.next_port++);
		if (b.inflight == 0 && b.next_port > b.last_port)
			break;
		n = epoll_wait(b.epfd, events, MAX_EVENTS, (int)timeout_ms);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			perror("bare-sweep: epoll_wait");
			return 1;
		}
		if (n == 0)
			bare_expire(&b);
		for (i = 0; i < n; i++) {
			int fd = events[i].data.fd;

			if (b.type == SOCK_DGRAM)
				bare_udp_readable(&b, fd);
			else
				bare_tcp_event(&b, fd, events[i].events);
		}
	}
	seconds = now_seconds() - start;
	printf("ok=%lu lost=%lu failed=%lu seconds=%.6f window=%u\n", b.ok,
	       b.lost, b.failed, seconds, b.window);
	free(b.state);
	free(b.have);
	close(b.epfd);
	return b.lost == 0 && b.failed == 0 ? 0 : 1;
}
