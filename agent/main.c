/* nacl-agent: answers nacl-probe's requests and remembers what it saw. */
/* main() parses options, binds everything, runs the loop; only it prints and
 * exits. */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <malloc.h>
#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#if defined(__SANITIZE_ADDRESS__)
/* From the ASan runtime (sanitizer/allocator_interface.h, not always
 * installed with gcc). */
size_t __sanitizer_get_current_allocated_bytes(void);
#endif

#include "agent/agent.h"
#include "common/cmdline.h"
#include "common/control.h"
#include "common/log.h"
#include "common/version.h"
#include "common/netaddr.h"
#include "common/usage.h"
#include "common/xmalloc.h"

#define AGENT_DEFAULT_PORTS "udp/7000,tcp/7000"

static void
agent_usage(FILE *out)
{
	char *services = service_help_text("                       ");

	fprintf(out,
		"Usage: nacl-agent --key-file FILE [options]\n"
		"       nacl-agent --open [options]\n"
		"       nacl-agent --gen-key FILE\n"
		"\n"
		"Answers nacl-probe's requests on the ports of --ports and\n"
		"keeps, per probe session, a log of which (protocol, port,\n"
		"source port) arrived and from which address, so the probe\n"
		"can tell a lost request from a lost reply. Speaks each\n"
		"service's own protocol (see --ports), so real clients\n"
		"(dig, ntpdig, curl) get real answers. Runs in the\n"
		"foreground; logs to stderr.\n"
		"\n"
		"Options:\n"
		"  --ports SPEC       what to answer: a comma list of\n"
		"                     PROTO/PORTS[=SERVICE], e.g. udp/53,\n"
		"                     tcp/53,udp/123,tcp/80,tcp/8080=http\n"
		"                     (default %s); services:\n"
		"%s"
		"  --listen ADDR      address to listen on; repeatable\n"
		"                     (default 0.0.0.0 and ::)\n"
		"  --control-port N   TCP port of the control channel\n"
		"                     (default %d)\n"
		"Authentication (one of them):\n"
		"  --key-file FILE    the key shared with the probes (32 "
		"bytes\n"
		"                     or more, mode 0600): probes must prove\n"
		"                     it, and only their sessions' probes,\n"
		"                     which carry tokens derived from it, get\n"
		"                     any answer\n"
		"  --open             answer every probe without a key; only\n"
		"                     on networks you trust\n"
		"  --gen-key FILE     write a new random key to FILE (0600,\n"
		"                     never over an existing file) and exit\n"
		"Bounds:\n"
		"  --allow CIDR       who may open sessions; repeatable\n"
		"                     (default: anyone who holds the key)\n"
		"  --max-sessions N   sessions open at once (default %d)\n"
		"  --max-seen N       (check, source port) pairs one session\n"
		"                     may plan (default %d: 6 checks over\n"
		"                     1024-65535); a larger plan is refused\n"
		"                     at open, never truncated\n"
		"  --idle-timeout S   silence allowed on a control connection\n"
		"                     (default %d); a session's connection\n"
		"                     also ends after ten of its keepalive\n"
		"                     intervals without a message. Sessions\n"
		"                     never end for lack of probes\n"
		"  --reply-rate N     replies per second to one source "
		"address,\n"
		"                     0 = no limit (default %d); probes are\n"
		"                     told and keep below it\n"
		"  --user NAME        started as root: become NAME once every\n"
		"                     port is bound\n"
		"Services:\n"
		"  --ntp-stratum N    stratum of NTP replies, 1-15 (default "
		"1)\n"
		"  --ntp-refid ID     their reference ID: up to 4 letters for\n"
		"                     stratum 1 (default NACL), an IPv4\n"
		"                     address for stratum 2 and up\n"
		"  -v, --verbose      more log lines (twice: debug)\n"
		"  -h, --help         this text\n"
		"  --version          the version, then exit\n"
		"\n"
		"Ports below 1024 (53, 80, 123) need root or\n"
		"CAP_NET_BIND_SERVICE: 'setcap cap_net_bind_service=+ep\n"
		"nacl-agent', or the systemd unit in contrib/systemd. Replies\n"
		"are never more than 64 bytes larger than their request.\n"
		"\n"
		"Evidence: with CAP_NET_RAW the agent captures the packets\n"
		"of its served ports (libpcap, a kernel BPF filter) while a\n"
		"session is open, so it can prove a request arrived and a\n"
		"reply left whatever its queues did; without, it says so at\n"
		"start and in every session, and falls back to what its\n"
		"sockets saw.\n"
		"\n"
		"SIGUSR1 logs one status line (heap in use, sessions,\n"
		"replies). SIGHUP is ignored (logged): the log goes to\n"
		"stderr, there is nothing to reopen.\n"
		"\n"
		"Exit status: 0 stopped by SIGINT/SIGTERM, 2 usage error or\n"
		"a served port already taken (one agent per port), 3 cannot\n"
		"listen or start.\n",
		AGENT_DEFAULT_PORTS, services, CONTROL_DEFAULT_PORT,
		SESSION_DEFAULT_MAX, SESSION_DEFAULT_MAX_SEEN,
		AGENT_DEFAULT_IDLE_SEC, AGENT_DEFAULT_REPLY_RATE);
	free(services);
}

/* The usage error: says what is wrong, points at --help, exits. */
#define agent_usage_error(...) usage_exit(2, "nacl-agent", __VA_ARGS__)

/* Heap bytes in use: ASan's count when built with it, else glibc's. */
static size_t
agent_heap_bytes(void)
{
#if defined(__SANITIZE_ADDRESS__)
	return __sanitizer_get_current_allocated_bytes();
#else
	struct mallinfo2 mi = mallinfo2();

	return mi.uordblks + mi.hblkhd;
#endif
}

/* SIGUSR1: one line on what the agent holds, for operators and make soak. */
static void
agent_status_callback(evutil_socket_t sig, short what, void *arg)
{
	struct agent *agent = arg;

	(void)sig;
	(void)what;
	log_info("status: %zu bytes of heap in use, %zu sessions open, %llu "
		 "replies sent, %llu probes with a bad token",
		 agent_heap_bytes(), agent->sessions.count,
		 (unsigned long long)agent->replies,
		 (unsigned long long)agent->refused_tokens);
}

/* SIGHUP: the log goes to stderr (journald, a pipe), so there is nothing to
 * reopen; say so rather than die, which the default action would. */
static void
agent_hangup_callback(evutil_socket_t sig, short what, void *arg)
{
	(void)sig;
	(void)what;
	(void)arg;
	log_info("SIGHUP ignored: the log goes to stderr, there is nothing "
		 "to reopen; sessions go on");
}

static void
agent_signal_callback(evutil_socket_t sig, short what, void *arg)
{
	struct agent *agent = arg;

	(void)what;
	log_info("signal %d: stopping", (int)sig);
	event_base_loopexit(agent->base, NULL);
}

static void
agent_add_listen(struct agent_options *o, const char *text)
{
	struct sockaddr_storage ss;
	socklen_t len;
	char *cause = NULL;

	if (netaddr_parse(text, 0, &ss, &len, &cause) != 0)
		agent_usage_error("--listen: %s", cause);
	o->listen = xreallocarray(o->listen, o->nlisten + 1, sizeof *o->listen);
	o->listen[o->nlisten++] = ss;
}

/* An NTP reference ID: up to four ASCII characters, or an IPv4 address. */
static int
agent_parse_refid(const char *text, uint32_t *refid)
{
	struct in_addr a;
	size_t i, len = strlen(text);

	if (inet_pton(AF_INET, text, &a) == 1) {
		memcpy(refid, &a, 4);
		return 0;
	}
	if (len == 0 || len > 4)
		return -1;
	for (i = 0; i < len; i++)
		if (!isalnum((unsigned char)text[i]))
			return -1;
	*refid = 0;
	memcpy(refid, text, len);
	return 0;
}

static unsigned long
agent_parse_number(const char *option, const char *text, unsigned long min,
		   unsigned long max)
{
	unsigned long n;

	if (usage_number("nacl-agent", option, text, min, max, &n) != 0)
		exit(2);
	return n;
}

static void
agent_add_allow(struct agent_options *o, const char *text)
{
	char *cause = NULL;

	o->allow = xreallocarray(o->allow, o->nallow + 1, sizeof *o->allow);
	if (netaddr_cidr_parse(text, &o->allow[o->nallow], &cause) != 0)
		agent_usage_error("--allow: %s", cause);
	o->nallow++;
}

/* --gen-key FILE: write a new key and stop. */
static void
agent_generate_key(const char *path)
{
	char *cause = NULL;

	if (auth_init() != 0) {
		fprintf(stderr, "nacl-agent: libsodium cannot start\n");
		exit(3);
	}
	if (auth_key_generate(path, &cause) != 0) {
		fprintf(stderr, "nacl-agent: --gen-key: %s\n", cause);
		exit(3);
	}
	printf("wrote a new 256-bit key to %s (mode 0600); copy it to the "
	       "probe host and give both sides --key-file %s\n",
	       path, path);
	exit(0);
}

/* What the command line gives beside struct agent_options. */
struct agent_cmdline {
	struct agent_options *o;
	const char *ports, *key_file;
	enum log_level *level;
};

static int
agent_option(int key, const char *arg, void *options)
{
	struct agent_cmdline *line = options;
	struct agent_options *o = line->o;

	switch (key) {
	case 'l':
		agent_add_listen(o, arg);
		break;
	case 'c':
		o->control_port = (uint16_t)agent_parse_number("--control-port",
							       arg, 1, 65535);
		break;
	case 'o':
		o->open = true;
		break;
	case 'g':
		agent_generate_key(arg);
		break;
	case 'a':
		agent_add_allow(o, arg);
		break;
	case 'M':
		o->max_sessions =
			agent_parse_number("--max-sessions", arg, 1, 4096);
		break;
	case 'E':
		o->max_seen =
			agent_parse_number("--max-seen", arg, 1024, 16777216);
		break;
	case 'I':
		o->idle_sec = (unsigned)agent_parse_number("--idle-timeout",
							   arg, 5, 86400);
		break;
	case 'r':
		o->reply_rate = (unsigned)agent_parse_number("--reply-rate",
							     arg, 0, 10000000);
		break;
	case 'u':
		o->user = arg;
		break;
	case 'S':
		o->service.ntp_stratum = (uint8_t)agent_parse_number(
			"--ntp-stratum", arg, 1, 15);
		break;
	case 'R':
		if (agent_parse_refid(arg, &o->service.ntp_refid) != 0)
			agent_usage_error("--ntp-refid: bad reference '%s': "
					  "expected up to 4 ASCII letters or "
					  "digits (stratum 1, e.g. GPS) or an "
					  "IPv4 address (stratum 2 and up)",
					  arg);
		break;
	case 'v':
		if (*line->level < LOG_LEVEL_DEBUG)
			(*line->level)++;
		break;
	case 'V':
		nacl_version_print("nacl-agent");
		exit(0);
	}
	return 0;
}

static void
agent_parse_options(int argc, char **argv, struct agent_options *o,
		    enum log_level *level)
{
	static const struct cmdline_option options[] = {
		CMDLINE_TEXT("ports", struct agent_cmdline, ports),
		CMDLINE_VALUE("listen", 'l'),
		CMDLINE_VALUE("control-port", 'c'),
		CMDLINE_SWITCH("open", 'o'),
		CMDLINE_TEXT("key-file", struct agent_cmdline, key_file),
		CMDLINE_VALUE("gen-key", 'g'),
		CMDLINE_VALUE("allow", 'a'),
		CMDLINE_VALUE("max-sessions", 'M'),
		CMDLINE_VALUE("max-seen", 'E'),
		CMDLINE_VALUE("idle-timeout", 'I'),
		CMDLINE_VALUE("reply-rate", 'r'),
		CMDLINE_VALUE("user", 'u'),
		CMDLINE_VALUE("ntp-stratum", 'S'),
		CMDLINE_VALUE("ntp-refid", 'R'),
		CMDLINE_SWITCH("verbose", 'v'),
		CMDLINE_SWITCH("version", 'V'),
		CMDLINE_END,
	};
	static const struct cmdline cmdline = {
		.program = "nacl-agent",
		.shorts = "v",
		.options = options,
		.handle = agent_option,
	};
	struct agent_cmdline line = {o, AGENT_DEFAULT_PORTS, NULL, level};
	const char *ports, *key_file;
	char *cause = NULL;
	size_t i;

	o->control_port = CONTROL_DEFAULT_PORT;
	o->max_sessions = SESSION_DEFAULT_MAX;
	o->max_seen = SESSION_DEFAULT_MAX_SEEN;
	o->idle_sec = AGENT_DEFAULT_IDLE_SEC;
	o->reply_rate = AGENT_DEFAULT_REPLY_RATE;
	o->service.ntp_stratum = 1;
	agent_parse_refid("NACL", &o->service.ntp_refid);
	switch (cmdline_parse(&cmdline, argc, argv, &line)) {
	case CMDLINE_ERROR:
		exit(2);
	case CMDLINE_HELP:
		agent_usage(stdout);
		exit(0);
	}
	ports = line.ports;
	key_file = line.key_file;
	if (optind < argc)
		agent_usage_error("unexpected argument '%s'", argv[optind]);
	if (o->open == (key_file != NULL))
		agent_usage_error(
			"give exactly one of --key-file FILE (probes must "
			"hold the same key; make one with --gen-key FILE) "
			"or --open (answer everyone, on networks you trust)");
	if (auth_init() != 0) {
		fprintf(stderr, "nacl-agent: libsodium cannot start\n");
		exit(3);
	}
	if (key_file != NULL && auth_key_load(key_file, &o->key, &cause) != 0)
		agent_usage_error("--key-file: %s", cause);
	if (check_list_parse(ports, &o->ports, &cause) != 0)
		agent_usage_error("--ports: %s", cause);
	for (i = 0; i < o->ports.count; i++) {
		const struct check_spec *c = &o->ports.checks[i];

		if (service_check_transport(c, &cause) != 0)
			agent_usage_error("--ports: %s", cause);
		if (c->proto == PROTO_TCP && c->port == o->control_port)
			agent_usage_error(
				"--ports: tcp/%u is the control port; "
				"choose another port or --control-port",
				c->port);
	}
	if (o->nlisten == 0) {
		agent_add_listen(o, "0.0.0.0");
		agent_add_listen(o, "::");
	}
}

/* --user: after binding, as root, become NAME for good. */
static int
agent_drop_privileges(const char *user, char **cause)
{
	struct passwd *pw;

	if (user == NULL)
		return 0;
	if (geteuid() != 0) {
		*cause = xasprintf("--user %s: not started as root, so there "
				   "is nothing to drop",
				   user);
		return -1;
	}
	errno = 0;
	pw = getpwnam(user);
	if (pw == NULL) {
		*cause = xasprintf("--user: no user '%s' on this host", user);
		return -1;
	}
	if (setgroups(0, NULL) != 0 || setgid(pw->pw_gid) != 0 ||
	    setuid(pw->pw_uid) != 0) {
		*cause = xasprintf("--user %s: cannot switch to it: %s", user,
				   strerror(errno));
		return -1;
	}
	if (setuid(0) == 0) {
		*cause = xasprintf("--user %s: root could be regained", user);
		return -1;
	}
	log_info("running as %s (uid %u) from now on", user,
		 (unsigned)pw->pw_uid);
	return 0;
}

/* 0, or the exit code with *cause: 2 when a served port is taken. */
static int
agent_start(struct agent *agent, char **cause)
{
	const struct agent_options *o = &agent->options;
	size_t i, j;

	agent->responders =
		xcalloc(o->ports.count * o->nlisten, sizeof *agent->responders);
	for (i = 0; i < o->ports.count; i++) {
		for (j = 0; j < o->nlisten; j++) {
			struct responder *r = responder_new(
				agent, &o->ports.checks[i],
				(struct sockaddr *)&o->listen[j], cause);

			if (r == NULL)
				return responder_error_exit(errno);
			agent->responders[agent->nresponders++] = r;
		}
	}
	agent->control = control_server_new(agent, cause);
	if (agent->control == NULL)
		return 3;
	agent->halfopen = halfopen_poller_new(agent, cause);
	if (agent->halfopen == NULL)
		return 3;
	/* Before --user drops root: capture needs CAP_NET_RAW to open. */
	agent->capture = capture_new(agent, agent->capture_note,
				     sizeof agent->capture_note);
	if (agent->capture == NULL)
		log_warn("no packet capture: %s; evidence rests on sockets "
			 "only (every session's 'opened' says so)",
			 agent->capture_note);
	agent->ratelimit = ratelimit_new(o->reply_rate);
	agent->reserve_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	return agent_drop_privileges(o->user, cause) != 0 ? 3 : 0;
}

static void
agent_free(struct agent *agent)
{
	size_t i;

	/* The control server first: ending its sessions drains and updates
	 * the capture, the half-open poller and the responders. */
	control_server_free(agent->control);
	halfopen_poller_free(agent->halfopen);
	capture_free(agent->capture);
	for (i = 0; i < agent->nresponders; i++)
		responder_free(agent->responders[i]);
	free(agent->responders);
	session_table_free(&agent->sessions);
	ratelimit_free(agent->ratelimit);
	if (agent->reserve_fd >= 0)
		close(agent->reserve_fd);
	auth_key_free(&agent->options.key);
	free(agent->options.allow);
	check_list_free(&agent->options.ports);
	free(agent->options.listen);
	event_base_free(agent->base);
}

int
main(int argc, char **argv)
{
	enum log_level level = LOG_LEVEL_WARN;
	struct agent agent;
	struct event *sigint, *sigterm, *sigusr1, *sighup;
	char *cause = NULL, *spec;
	int rc = 0;

	memset(&agent, 0, sizeof agent);
	agent.reserve_fd = -1;
	agent_parse_options(argc, argv, &agent.options, &level);
	log_init("nacl-agent", level < LOG_LEVEL_INFO ? LOG_LEVEL_INFO : level);
	signal(SIGPIPE, SIG_IGN);
	session_table_init(&agent.sessions, agent.options.max_sessions);
	agent.base = event_base_new();
	/* Two priorities: the control channel (keepalives, seen-logs) before
	 * probes and packets, so a loaded agent still answers its probes. */
	if (agent.base == NULL ||
	    event_base_priority_init(agent.base, AGENT_PRIORITIES) != 0) {
		log_error("cannot create the event loop");
		return 3;
	}
	rc = agent_start(&agent, &cause);
	if (rc != 0) {
		log_error("%s", cause);
		free(cause);
		agent_free(&agent);
		return rc;
	}
	sigint =
		evsignal_new(agent.base, SIGINT, agent_signal_callback, &agent);
	sigterm = evsignal_new(agent.base, SIGTERM, agent_signal_callback,
			       &agent);
	sigusr1 = evsignal_new(agent.base, SIGUSR1, agent_status_callback,
			       &agent);
	event_add(sigint, NULL);
	event_add(sigterm, NULL);
	sighup = evsignal_new(agent.base, SIGHUP, agent_hangup_callback, NULL);
	event_add(sigusr1, NULL);
	event_add(sighup, NULL);
	if (agent.options.open)
		log_warn("--open: ANSWERING EVERY PROBE WITHOUT "
			 "AUTHENTICATION: anyone who reaches these ports can "
			 "make this host send replies; use --key-file outside "
			 "a lab");
	spec = NULL;
	for (size_t i = 0; i < agent.options.ports.count; i++) {
		const struct check_spec *c = &agent.options.ports.checks[i];
		char *next = xasprintf("%s%s%s/%u=%s", spec ? spec : "",
				       spec ? "," : "", proto_name(c->proto),
				       c->port, service_name(c->service));

		free(spec);
		spec = next;
	}
	log_info("serving %s; control port %u", spec,
		 agent.options.control_port);
	free(spec);
	if (event_base_dispatch(agent.base) < 0) {
		log_error("event loop failed");
		rc = 3;
	}
	log_info("stopped after %llu replies",
		 (unsigned long long)agent.replies);
	event_free(sigint);
	event_free(sigterm);
	event_free(sigusr1);
	event_free(sighup);
	agent_free(&agent);
	return rc;
}
