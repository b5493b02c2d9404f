/* What the agent reads from and keeps on its host: loss counters, the
 * reserve descriptor, warnings that repeat. */
/* Counters are this network namespace's (/proc/net/netstat), as the kernel
 * keeps them; sessions take deltas. */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "agent/agent.h"
#include "common/log.h"
#include "common/xmalloc.h"

#define WARN_INTERVAL_NS 10000000000ULL

void
agent_warn_limited(struct warn_limit *limit, const char *fmt, ...)
{
	uint64_t now = session_monotonic_ns();
	va_list ap;
	char *text;

	if (limit->last_ns != 0 && now - limit->last_ns < WARN_INTERVAL_NS) {
		limit->suppressed++;
		return;
	}
	va_start(ap, fmt);
	text = xvasprintf(fmt, ap);
	va_end(ap);
	if (limit->suppressed > 0)
		log_warn("%s (and %llu more like it in the last %.0f s)", text,
			 (unsigned long long)limit->suppressed,
			 (double)(now - limit->last_ns) / 1e9);
	else
		log_warn("%s", text);
	free(text);
	limit->last_ns = now;
	limit->suppressed = 0;
}

void
agent_shed_connection(struct agent *agent, int listen_fd, const char *what)
{
	int err = errno, fd;

	if (err != EMFILE && err != ENFILE && err != ENOBUFS && err != ENOMEM) {
		agent_warn_limited(&agent->shed_warn, "%s: accept: %s", what,
				   strerror(err));
		return;
	}
	/* The reserve descriptor makes room for one accept, whose
	 * connection is closed at once: the listener's queue shrinks, so
	 * the loop does not wake again for the same connection. */
	if (agent->reserve_fd >= 0) {
		close(agent->reserve_fd);
		agent->reserve_fd = -1;
	}
	fd = accept4(listen_fd, NULL, NULL, SOCK_CLOEXEC);
	if (fd >= 0) {
		close(fd);
		agent->shed++;
	}
	agent->reserve_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	agent_warn_limited(&agent->shed_warn,
			   "%s: out of file descriptors (%s): closed the "
			   "newest connection; %llu shed so far (raise "
			   "ulimit -n?)",
			   what, strerror(err),
			   (unsigned long long)agent->shed);
}

/* TcpExt counters of /proc/net/netstat: a line of names, a line of values. */
static void
agent_netstat(struct seen_losses *host)
{
	char names[8192], values[8192], *n, *v, *sn = NULL, *sv = NULL;
	FILE *f = fopen("/proc/net/netstat", "r");

	if (f == NULL)
		return;
	while (fgets(names, sizeof names, f) != NULL &&
	       fgets(values, sizeof values, f) != NULL) {
		if (strncmp(names, "TcpExt:", 7) != 0)
			continue;
		n = strtok_r(names, " \n", &sn);
		v = strtok_r(values, " \n", &sv);
		while ((n = strtok_r(NULL, " \n", &sn)) != NULL &&
		       (v = strtok_r(NULL, " \n", &sv)) != NULL) {
			uint64_t value = strtoull(v, NULL, 10);

			if (strcmp(n, "ListenOverflows") == 0)
				host->listen_overflows = value;
			else if (strcmp(n, "ListenDrops") == 0)
				host->listen_drops = value;
			else if (strcmp(n, "SyncookiesSent") == 0)
				host->syncookies_sent = value;
		}
		break;
	}
	fclose(f);
}

void
agent_counters(struct agent *agent, const struct session *s,
	       struct seen_losses *host, uint64_t *overflows)
{
	size_t c, r;

	memset(host, 0, sizeof *host);
	agent_netstat(host);
	host->capture_drops = capture_drops(agent->capture);
	for (c = 0; c < s->ports.count; c++) {
		overflows[c] = 0;
		for (r = 0; r < agent->nresponders; r++)
			overflows[c] += responder_overflows(
				agent->responders[r], s->ports.checks[c].proto,
				s->ports.checks[c].port);
	}
}
