/* bare-echo: the bare sweep's echo server, UDP and TCP on one port, epoll and
 * nothing else. */
/* It answers as nacl-agent does (same sizes, TCP closed by the server first)
 * but keeps no sessions, logs or timers. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include "common/echo.h"

/* The bare sweep's request; a TCP connection is answered once it is here. */
#define REQUEST_SIZE ECHO_HEADER_SIZE
/* Datagrams per system call, and per wake-up, as the agent's UDP_BATCH. */
#define UDP_VLEN 64
#define UDP_BATCH 256
#define UDP_RCVBUF (8 * 1024 * 1024)
#define MAX_EVENTS 1024
#define TCP_BUFFER (2 * REQUEST_SIZE)

struct bare_echo {
	int epfd, udp_fd, tcp_fd;
	size_t nfds;
	uint8_t (*buf)[TCP_BUFFER]; /* TCP request bytes, per descriptor */
	uint8_t *have;
};

static void
die(const char *what)
{
	fprintf(stderr, "bare-echo: %s: %s\n", what, strerror(errno));
	exit(1);
}

static int
listen_socket(int type, const struct sockaddr *addr, socklen_t len)
{
	int one = 1, rcvbuf = UDP_RCVBUF;
	int fd =
		socket(addr->sa_family, type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);

	if (fd < 0)
		die("socket");
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	if (type == SOCK_DGRAM && setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE,
					     &rcvbuf, sizeof rcvbuf) != 0)
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof rcvbuf);
	if (bind(fd, addr, len) != 0)
		die("bind");
	if (type == SOCK_STREAM && listen(fd, 65535) != 0)
		die("listen");
	return fd;
}

static void
echo_add(struct bare_echo *e, int fd)
{
	struct epoll_event ev = {EPOLLIN, {.fd = fd}};

	if (epoll_ctl(e->epfd, EPOLL_CTL_ADD, fd, &ev) != 0)
		die("epoll_ctl");
}

static void
echo_udp(struct bare_echo *e)
{
	struct sockaddr_storage peers[UDP_VLEN];
	uint8_t bufs[UDP_VLEN][2048];
	struct iovec iov[UDP_VLEN];
	struct mmsghdr msgs[UDP_VLEN];
	int i, n, done = 0;

	while (done < UDP_BATCH) {
		for (i = 0; i < UDP_VLEN; i++) {
			iov[i].iov_base = bufs[i];
			iov[i].iov_len = sizeof bufs[i];
			memset(&msgs[i], 0, sizeof msgs[i]);
			msgs[i].msg_hdr.msg_name = &peers[i];
			msgs[i].msg_hdr.msg_namelen = sizeof peers[i];
			msgs[i].msg_hdr.msg_iov = &iov[i];
			msgs[i].msg_hdr.msg_iovlen = 1;
		}
		n = recvmmsg(e->udp_fd, msgs, UDP_VLEN, MSG_DONTWAIT, NULL);
		if (n <= 0)
			return;
		for (i = 0; i < n; i++)
			iov[i].iov_len = msgs[i].msg_len;
		sendmmsg(e->udp_fd, msgs, (unsigned)n, MSG_DONTWAIT);
		done += n;
	}
}

static void
echo_accept(struct bare_echo *e)
{
	int fd;

	while ((fd = accept4(e->tcp_fd, NULL, NULL,
			     SOCK_NONBLOCK | SOCK_CLOEXEC)) >= 0) {
		if ((size_t)fd >= e->nfds) {
			close(fd);
			continue;
		}
		e->have[fd] = 0;
		echo_add(e, fd);
	}
}

/* Reads the request, writes it back and closes first, as the agent does. */
static void
echo_tcp(struct bare_echo *e, int fd)
{
	ssize_t n =
		read(fd, e->buf[fd] + e->have[fd], TCP_BUFFER - e->have[fd]);

	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n > 0) {
		e->have[fd] = (uint8_t)(e->have[fd] + n);
		if (e->have[fd] < REQUEST_SIZE)
			return;
		if (write(fd, e->buf[fd], e->have[fd]) < 0 && errno == EAGAIN)
			fprintf(stderr, "bare-echo: a reply did not fit\n");
	}
	close(fd);
}

int
main(int argc, char **argv)
{
	struct epoll_event events[MAX_EVENTS];
	struct sockaddr_storage ss;
	struct sockaddr_in *sin = (struct sockaddr_in *)&ss;
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&ss;
	struct bare_echo e;
	struct rlimit rl;
	socklen_t len;
	unsigned long port;
	char *end;
	int i, n;

	if (argc != 3) {
		fprintf(stderr,
			"usage: bare-echo ADDR PORT\n"
			"Echoes UDP datagrams and TCP requests of %d "
			"bytes on ADDR:PORT until killed.\n",
			REQUEST_SIZE);
		return 2;
	}
	memset(&ss, 0, sizeof ss);
	port = strtoul(argv[2], &end, 10);
	if (*argv[2] == '\0' || *end != '\0' || port == 0 || port > 65535) {
		fprintf(stderr, "bare-echo: bad port '%s' (1-65535)\n",
			argv[2]);
		return 2;
	}
	if (inet_pton(AF_INET, argv[1], &sin->sin_addr) == 1) {
		sin->sin_family = AF_INET;
		sin->sin_port = htons((uint16_t)port);
		len = sizeof *sin;
	} else if (inet_pton(AF_INET6, argv[1], &sin6->sin6_addr) == 1) {
		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons((uint16_t)port);
		len = sizeof *sin6;
	} else {
		fprintf(stderr, "bare-echo: '%s' is not a numeric address\n",
			argv[1]);
		return 2;
	}
	signal(SIGPIPE, SIG_IGN);
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
	if (getrlimit(RLIMIT_NOFILE, &rl) != 0)
		die("getrlimit");
	e.nfds = (size_t)rl.rlim_cur;
	e.buf = calloc(e.nfds, sizeof *e.buf);
	e.have = calloc(e.nfds, sizeof *e.have);
	if (e.buf == NULL || e.have == NULL)
		die("calloc");
	e.epfd = epoll_create1(EPOLL_CLOEXEC);
	if (e.epfd < 0)
		die("epoll_create1");
	e.udp_fd = listen_socket(SOCK_DGRAM, (struct sockaddr *)&ss, len);
	e.tcp_fd = listen_socket(SOCK_STREAM, (struct sockaddr *)&ss, len);
	echo_add(&e, e.udp_fd);
	echo_add(&e, e.tcp_fd);
	printf("ready\n");
	fflush(stdout);
	for (;;) {
		n = epoll_wait(e.epfd, events, MAX_EVENTS, -1);
		if (n < 0 && errno != EINTR)
			die("epoll_wait");
		for (i = 0; i < n; i++) {
			int fd = events[i].data.fd;

			if (fd == e.udp_fd)
				echo_udp(&e);
			else if (fd == e.tcp_fd)
				echo_accept(&e);
			else
				echo_tcp(&e, fd);
		}
	}
}
