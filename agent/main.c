/* nacl-agent: answers nacl-probe's requests and remembers what it saw. */
/* main() parses options, binds everything, runs the loop; only it prints and
 * exits. */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agent/agent.h"
#include "common/control.h"
#include "common/log.h"
#include "common/netaddr.h"
#include "common/xmalloc.h"

#define AGENT_DEFAULT_PORTS "udp/7000,tcp/7000"

static void
agent_usage(FILE *out)
{
	fprintf(out,
		"Usage: nacl-agent --open [options]\n"
		"\n"
		"Answers nacl-probe's requests on the ports of --ports and\n"
		"keeps, per probe session, a log of which (protocol, port,\n"
		"source port) arrived and from which address, so the probe\n"
		"can tell a lost request from a lost reply. Speaks echo, DNS\n"
		"(UDP and TCP), NTP (UDP) and HTTP (TCP), so real clients\n"
		"(dig, ntpdig, curl) get real answers. Runs in the\n"
		"foreground; logs to stderr.\n"
		"\n"
		"Options:\n"
		"  --ports SPEC       what to answer: a comma list of\n"
		"                     PROTO/PORTS[=SERVICE], SERVICE one of\n"
		"                     echo, dns, ntp, http (default %s);\n"
		"                     tcp/80 is http, udp+tcp/53 dns, udp/123\n"
		"                     ntp, other ports echo unless =SERVICE\n"
		"                     says otherwise; e.g.\n"
		"                     "
		"udp/53,tcp/53,udp/123,tcp/80,tcp/8080=http\n"
		"  --listen ADDR      address to listen on; repeatable\n"
		"                     (default 0.0.0.0 and ::)\n"
		"  --control-port N   TCP port of the control channel\n"
		"                     (default %d)\n"
		"  --open             answer every probe without a session\n"
		"                     key; only on networks you trust\n"
		"  --key-file FILE    shared key (not implemented yet)\n"
		"  --ntp-stratum N    stratum of NTP replies, 1-15 (default "
		"1)\n"
		"  --ntp-refid ID     their reference ID: up to 4 letters for\n"
		"                     stratum 1 (default NACL), an IPv4\n"
		"                     address for stratum 2 and up\n"
		"  -v, --verbose      more log lines (twice: debug)\n"
		"  -h, --help         this text\n"
		"\n"
		"Ports below 1024 (53, 80, 123) need root or\n"
		"CAP_NET_BIND_SERVICE.\n"
		"\n"
		"Exit status: 0 stopped by SIGINT/SIGTERM, 2 usage error,\n"
		"3 cannot listen.\n",
		AGENT_DEFAULT_PORTS, CONTROL_DEFAULT_PORT);
}

static void agent_usage_error(const char *fmt, ...)
	__attribute__((format(printf, 1, 2), noreturn));

static void
agent_usage_error(const char *fmt, ...)
{
	va_list ap;

	fputs("nacl-agent: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputs("\nTry 'nacl-agent --help'.\n", stderr);
	exit(2);
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

static void
agent_parse_options(int argc, char **argv, struct agent_options *o,
		    enum log_level *level)
{
	static const struct option longopts[] = {
		{"ports", required_argument, NULL, 'p'},
		{"listen", required_argument, NULL, 'l'},
		{"control-port", required_argument, NULL, 'c'},
		{"open", no_argument, NULL, 'o'},
		{"key-file", required_argument, NULL, 'k'},
		{"ntp-stratum", required_argument, NULL, 'S'},
		{"ntp-refid", required_argument, NULL, 'R'},
		{"verbose", no_argument, NULL, 'v'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	const char *ports = AGENT_DEFAULT_PORTS;
	char *cause = NULL, *end;
	unsigned long n;
	size_t i;
	int ch;

	o->control_port = CONTROL_DEFAULT_PORT;
	o->service.ntp_stratum = 1;
	agent_parse_refid("NACL", &o->service.ntp_refid);
	while ((ch = getopt_long(argc, argv, "vh", longopts, NULL)) != -1) {
		switch (ch) {
		case 'p':
			ports = optarg;
			break;
		case 'l':
			agent_add_listen(o, optarg);
			break;
		case 'c':
			errno = 0;
			n = strtoul(optarg, &end, 10);
			if (errno || *optarg == '\0' || *end != '\0' ||
			    n == 0 || n > 65535)
				agent_usage_error(
					"--control-port: bad port '%s': "
					"expected 1-65535",
					optarg);
			o->control_port = (uint16_t)n;
			break;
		case 'o':
			o->open = true;
			break;
		case 'S':
			errno = 0;
			n = strtoul(optarg, &end, 10);
			if (errno || *optarg == '\0' || *end != '\0' || n < 1 ||
			    n > 15)
				agent_usage_error(
					"--ntp-stratum: bad stratum '%s': "
					"expected 1-15",
					optarg);
			o->service.ntp_stratum = (uint8_t)n;
			break;
		case 'R':
			if (agent_parse_refid(optarg, &o->service.ntp_refid) !=
			    0)
				agent_usage_error(
					"--ntp-refid: bad reference '%s': "
					"expected up to 4 ASCII letters or "
					"digits (stratum 1, e.g. GPS) or an "
					"IPv4 address (stratum 2 and up)",
					optarg);
			break;
		case 'k':
			agent_usage_error(
				"--key-file: key authentication is not "
				"implemented yet; run with --open on "
				"a network you trust");
		case 'v':
			if (*level < LOG_LEVEL_DEBUG)
				(*level)++;
			break;
		case 'h':
			agent_usage(stdout);
			exit(0);
		default:
			fputs("Try 'nacl-agent --help'.\n", stderr);
			exit(2);
		}
	}
	if (optind < argc)
		agent_usage_error("unexpected argument '%s'", argv[optind]);
	if (!o->open)
		agent_usage_error(
			"no --open: key authentication is not "
			"implemented yet, so the agent only runs with "
			"--open (answer every probe)");
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
				return -1;
			agent->responders[agent->nresponders++] = r;
		}
	}
	agent->control = control_server_new(agent, cause);
	if (agent->control == NULL)
		return -1;
	agent->halfopen = halfopen_poller_new(agent, cause);
	return agent->halfopen == NULL ? -1 : 0;
}

static void
agent_free(struct agent *agent)
{
	size_t i;

	halfopen_poller_free(agent->halfopen);
	control_server_free(agent->control);
	for (i = 0; i < agent->nresponders; i++)
		responder_free(agent->responders[i]);
	free(agent->responders);
	for (i = 0; i < SESSION_MAX; i++)
		session_close(&agent->sessions, agent->sessions.sessions[i]);
	check_list_free(&agent->options.ports);
	free(agent->options.listen);
	event_base_free(agent->base);
}

int
main(int argc, char **argv)
{
	enum log_level level = LOG_LEVEL_WARN;
	struct agent agent;
	struct event *sigint, *sigterm;
	char *cause = NULL, *spec;
	int rc = 0;

	memset(&agent, 0, sizeof agent);
	agent_parse_options(argc, argv, &agent.options, &level);
	log_init("nacl-agent", level < LOG_LEVEL_INFO ? LOG_LEVEL_INFO : level);
	signal(SIGPIPE, SIG_IGN);
	agent.base = event_base_new();
	if (agent.base == NULL) {
		log_error("cannot create the event loop");
		return 3;
	}
	if (agent_start(&agent, &cause) != 0) {
		log_error("%s", cause);
		free(cause);
		agent_free(&agent);
		return 3;
	}
	sigint =
		evsignal_new(agent.base, SIGINT, agent_signal_callback, &agent);
	sigterm = evsignal_new(agent.base, SIGTERM, agent_signal_callback,
			       &agent);
	event_add(sigint, NULL);
	event_add(sigterm, NULL);
	log_warn("--open: answering every probe without authentication; "
		 "anyone who reaches these ports can use this agent");
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
	agent_free(&agent);
	return rc;
}
