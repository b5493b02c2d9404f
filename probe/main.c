/* nacl-probe: sweeps source ports toward an agent and reports which are
 * dropped, and where. */
/* main() parses options, runs the sweep, classifies with the agent's seen-log,
 * renders. */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include <ldns/ldns.h>
#include <sodium.h>

#include "common/control.h"
#include "common/log.h"
#include "common/netaddr.h"
#include "common/xmalloc.h"
#include "probe/control_client.h"
#include "probe/sweep.h"
#include "reports/events.h"
#include "reports/render.h"
#include "reports/report.h"

#define PROBE_DEFAULT_PORTS "udp/7000,tcp/7000"
#define PROBE_DEFAULT_SPORTS "linux"
/* Agentless DNS asks a name every resolver can answer. */
#define PROBE_DEFAULT_DNS_NAME "example.com"
/* With an agent the identity label goes under this name. */
#define PROBE_AGENT_DNS_BASE "nacl-probe.test"
#define PROBE_DEFAULT_RATE 2000
#define PROBE_DEFAULT_WINDOW 16384
#define PROBE_MAX_WINDOW 65536
#define PROBE_DEFAULT_TIMEOUT_MS 1000
#define PROBE_DEFAULT_ATTEMPTS 3
/* A busy agent (many sessions at once) may take a while to answer. */
#define PROBE_CONTROL_TIMEOUT_MS 30000
/* File descriptors kept back from the window for stdio, control, epoll, files.
 */
#define PROBE_FD_RESERVE 64

/* Exit codes of DESIGN.md. */
enum { EXIT_PASS = 0, EXIT_FAIL = 1, EXIT_USAGE = 2, EXIT_RUNTIME = 3 };

struct probe_options {
	const char *agent;
	const char *target;
	const char *ports;
	const char *sports;
	const char *bind;
	struct report_outputs outputs; /* --json, --junit, --prom, --html,
					  --history, --keep */
	const char *events;
	const char *dns_name;
	const char *key_file;
	unsigned rate, window, attempts, timeout_ms;
	bool window_set;
	bool quiet;
};

static void
probe_usage(FILE *out)
{
	fprintf(out,
		"Usage: nacl-probe --agent HOST[:PORT] [options]\n"
		"       nacl-probe --target HOST [options]\n"
		"\n"
		"Sends one request per (port, source port) from explicitly\n"
		"bound source ports and reports, as source-port ranges per\n"
		"check, which are answered, which are silently dropped and\n"
		"in which direction, and which are actively rejected.\n"
		"\n"
		"Target:\n"
		"  --agent HOST[:PORT]  a nacl-agent and its control port\n"
		"                       (default %d): it tells lost requests\n"
		"                       from lost replies\n"
		"  --target HOST        no agent: real DNS, NTP, web or RFC "
		"862\n"
		"                       echo servers; any valid reply counts\n"
		"                       (DNS REFUSED too), silence is\n"
		"                       'dropped' (direction unknown)\n"
		"What to probe:\n"
		"  --ports SPEC         comma list of PROTO/PORTS[=SERVICE],\n"
		"                       SERVICE one of echo, dns, ntp, http\n"
		"                       (default %s); tcp/80 is\n"
		"                       http, udp+tcp/53 dns, udp/123 ntp,\n"
		"                       others echo: e.g. tcp/8080=http\n"
		"  --sports RANGES      source ports, e.g. 32768-60999 or\n"
		"                       1025-5000,49152-65535, or a preset:\n"
		"                       linux (32768-60999), linux-legacy\n"
		"                       (32768-61000), windows (49152-65535),\n"
		"                       windows-legacy (1025-5000),\n"
		"                       nat-gateway, elb, all (1024-65535);\n"
		"                       default %s\n"
		"  --dns-name NAME      DNS: the name to ask (agentless,\n"
		"                       default %s) or under which\n"
		"                       the probe's identity label goes\n"
		"                       (agent, default %s)\n"
		"  --key-file FILE      the agent's key (see nacl-agent\n"
		"                       --gen-key): proves who we are and\n"
		"                       signs every probe with a session "
		"token\n"
		"  --bind ADDR          local address to send from (default:\n"
		"                       chosen by routing)\n"
		"Pace:\n"
		"  --rate PPS           attempts per second, 0 = no limit\n"
		"                       (default %d)\n"
		"  --window N           attempts in flight at most (default\n"
		"                       %d, capped below the open-file limit,\n"
		"                       which is raised as far as allowed)\n"
		"  --timeout MS         wait for a reply (default %d)\n"
		"  --attempts N         tries per source port before the\n"
		"                       confirmation pass re-probes silent\n"
		"                       ports (default %d)\n"
		"Output:\n"
		"  --json FILE          the v1 JSON report\n"
		"  --junit FILE         JUnit XML: a testcase per check\n"
		"  --prom FILE          Prometheus text exposition (for\n"
		"                       node_exporter's textfile collector)\n"
		"  --html FILE          a self-contained page with a heatmap\n"
		"                       per check\n"
		"                       (each FILE may be - for stdout, one\n"
		"                       of them at most; files are replaced\n"
		"                       atomically)\n"
		"  --history DIR        keep this run's report in DIR, with\n"
		"                       latest.json, and print what changed\n"
		"                       since the previous run; a port that\n"
		"                       was ok and no longer is exits 1\n"
		"  --keep N             reports kept in --history (default "
		"%d)\n"
		"  --events FILE        one JSON object per line as results\n"
		"                       happen\n"
		"  -q, --quiet          no summary on stdout, no progress "
		"line\n"
		"  -v, --verbose        more log lines on stderr (twice: "
		"debug)\n"
		"  -h, --help           this text\n"
		"\n"
		"Exit status: 0 every port answered; 1 some port dropped,\n"
		"rejected or not probed; 2 usage error; 3 runtime failure\n"
		"(agent unreachable).\n",
		CONTROL_DEFAULT_PORT, PROBE_DEFAULT_PORTS, PROBE_DEFAULT_SPORTS,
		PROBE_DEFAULT_DNS_NAME, PROBE_AGENT_DNS_BASE,
		PROBE_DEFAULT_RATE, PROBE_DEFAULT_WINDOW,
		PROBE_DEFAULT_TIMEOUT_MS, PROBE_DEFAULT_ATTEMPTS,
		HISTORY_DEFAULT_KEEP);
}

static void probe_usage_error(const char *fmt, ...)
	__attribute__((format(printf, 1, 2), noreturn));

static void
probe_usage_error(const char *fmt, ...)
{
	va_list ap;

	fputs("nacl-probe: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputs("\nTry 'nacl-probe --help'.\n", stderr);
	exit(EXIT_USAGE);
}

static unsigned
probe_parse_number(const char *option, const char *text, unsigned min,
		   unsigned max)
{
	unsigned long v;
	char *end;

	errno = 0;
	v = strtoul(text, &end, 10);
	if (errno != 0 || *text == '\0' || *text == '-' || *end != '\0' ||
	    v < min || v > max)
		probe_usage_error("%s: bad value '%s': expected a whole number "
				  "from %u to %u",
				  option, text, min, max);
	return (unsigned)v;
}

static void
probe_parse_options(int argc, char **argv, struct probe_options *o,
		    enum log_level *level)
{
	static const struct option longopts[] = {
		{"agent", required_argument, NULL, 'A'},
		{"target", required_argument, NULL, 'T'},
		{"ports", required_argument, NULL, 'p'},
		{"sports", required_argument, NULL, 's'},
		{"bind", required_argument, NULL, 'b'},
		{"rate", required_argument, NULL, 'r'},
		{"window", required_argument, NULL, 'w'},
		{"timeout", required_argument, NULL, 't'},
		{"attempts", required_argument, NULL, 'a'},
		{"json", required_argument, NULL, 'j'},
		{"events", required_argument, NULL, 'e'},
		{"dns-name", required_argument, NULL, 'D'},
		{"quiet", no_argument, NULL, 'q'},
		{"verbose", no_argument, NULL, 'v'},
		{"help", no_argument, NULL, 'h'},
		/* Later issues: accepted by name so the error is clear. */
		{"scenario", required_argument, NULL, 'X'},
		{"key-file", required_argument, NULL, 'k'},
		{"junit", required_argument, NULL, 'U'},
		{"prom", required_argument, NULL, 'P'},
		{"html", required_argument, NULL, 'H'},
		{"history", required_argument, NULL, 'Y'},
		{"keep", required_argument, NULL, 'K'},
		{NULL, 0, NULL, 0},
	};
	char *cause = NULL;
	int ch, index = 0;

	o->ports = PROBE_DEFAULT_PORTS;
	o->dns_name = NULL;
	o->sports = PROBE_DEFAULT_SPORTS;
	o->rate = PROBE_DEFAULT_RATE;
	o->window = PROBE_DEFAULT_WINDOW;
	o->timeout_ms = PROBE_DEFAULT_TIMEOUT_MS;
	o->attempts = PROBE_DEFAULT_ATTEMPTS;
	while ((ch = getopt_long(argc, argv, "qvh", longopts, &index)) != -1) {
		switch (ch) {
		case 'A':
			o->agent = optarg;
			break;
		case 'T':
			o->target = optarg;
			break;
		case 'p':
			o->ports = optarg;
			break;
		case 's':
			o->sports = optarg;
			break;
		case 'b':
			o->bind = optarg;
			break;
		case 'r':
			o->rate = probe_parse_number("--rate", optarg, 0,
						     10000000);
			break;
		case 'w':
			o->window = probe_parse_number("--window", optarg, 1,
						       PROBE_MAX_WINDOW);
			o->window_set = true;
			break;
		case 't':
			o->timeout_ms = probe_parse_number("--timeout", optarg,
							   1, 600000);
			break;
		case 'a':
			o->attempts =
				probe_parse_number("--attempts", optarg, 1, 20);
			break;
		case 'j':
			o->outputs.json = optarg;
			break;
		case 'e':
			o->events = optarg;
			break;
		case 'U':
			o->outputs.junit = optarg;
			break;
		case 'P':
			o->outputs.prom = optarg;
			break;
		case 'H':
			o->outputs.html = optarg;
			break;
		case 'Y':
			o->outputs.history = optarg;
			break;
		case 'K':
			o->outputs.keep =
				probe_parse_number("--keep", optarg, 1, 100000);
			break;
		case 'D':
			o->dns_name = optarg;
			break;
		case 'k':
			o->key_file = optarg;
			break;
		case 'q':
			o->quiet = true;
			break;
		case 'v':
			if (*level < LOG_LEVEL_DEBUG)
				(*level)++;
			break;
		case 'h':
			probe_usage(stdout);
			exit(EXIT_PASS);
		case 'X':
			probe_usage_error("--%s is not implemented yet",
					  longopts[index].name);
		default:
			fputs("Try 'nacl-probe --help'.\n", stderr);
			exit(EXIT_USAGE);
		}
	}
	if (optind < argc)
		probe_usage_error("unexpected argument '%s'", argv[optind]);
	if (o->outputs.keep != 0 && o->outputs.history == NULL)
		probe_usage_error("--keep goes with --history DIR");
	if (report_outputs_check(&o->outputs, &cause) != 0)
		probe_usage_error("%s", cause);
	if ((o->agent == NULL) == (o->target == NULL))
		probe_usage_error("give exactly one of --agent HOST[:PORT] (a "
				  "nacl-agent) or --target HOST (no agent)");
}

static bool
probe_output_is_stdout(const struct report_outputs *o)
{
	const char *const files[] = {o->json, o->junit, o->prom, o->html};
	size_t i;

	for (i = 0; i < sizeof files / sizeof *files; i++)
		if (files[i] != NULL && strcmp(files[i], "-") == 0)
			return true;
	return false;
}

/* Raises the open-file limit as far as allowed and caps the window below it. */
static unsigned
probe_cap_window(const struct probe_options *o)
{
	struct rlimit rl;
	unsigned cap;

	if (getrlimit(RLIMIT_NOFILE, &rl) != 0)
		return o->window;
	if (rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
		getrlimit(RLIMIT_NOFILE, &rl);
	}
	cap = rl.rlim_cur > PROBE_MAX_WINDOW + PROBE_FD_RESERVE
		      ? PROBE_MAX_WINDOW
		      : (unsigned)(rl.rlim_cur > PROBE_FD_RESERVE * 2
					   ? rl.rlim_cur - PROBE_FD_RESERVE
					   : PROBE_FD_RESERVE);
	if (o->window <= cap)
		return o->window;
	if (o->window_set)
		log_warn("--window %u is above what the open-file limit (%llu) "
			 "allows; using %u",
			 o->window, (unsigned long long)rl.rlim_cur, cap);
	return cap;
}

static void
probe_check_services(const struct check_list *checks)
{
	char *cause = NULL;
	size_t i;

	for (i = 0; i < checks->count; i++)
		if (service_check_transport(&checks->checks[i], &cause) != 0)
			probe_usage_error("--ports: %s", cause);
}

/* The DNS name to ask: checked here so the error names the option. */
static void
probe_check_dns_name(const char *name)
{
	ldns_rdf *rdf = ldns_dname_new_frm_str(name);

	if (rdf == NULL || ldns_rdf_size(rdf) > 200)
		probe_usage_error("--dns-name: bad name '%s': expected a "
				  "domain name of at most 200 characters, "
				  "e.g. example.com",
				  name);
	ldns_rdf_deep_free(rdf);
}

static char *
probe_rfc3339_now(void)
{
	char buf[32];
	time_t now = time(NULL);
	struct tm tm;

	gmtime_r(&now, &tm);
	strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
	return xstrdup(buf);
}

/* Opens a session on the agent: hello, then open with the ports to probe. */
static struct control_client *
probe_open_session(const struct sockaddr *agent, const struct sockaddr *bind,
		   const char *probe_addr, const char *sports,
		   const struct auth_key *key, const struct check_list *checks,
		   uint32_t *session, struct control_auth *auth, char **cause)
{
	struct control_client *c;
	cJSON *msg, *reply, *ports, *item;
	const cJSON *id;
	size_t i;

	c = control_client_connect(agent, bind, PROBE_CONTROL_TIMEOUT_MS,
				   cause);
	if (c == NULL)
		return NULL;
	if (control_client_authenticate(c, key, auth, cause) != 0)
		goto fail;
	msg = control_message_new("open");
	cJSON_AddStringToObject(msg, "probe_addr", probe_addr);
	cJSON_AddStringToObject(msg, "sports", sports);
	ports = cJSON_AddArrayToObject(msg, "ports");
	for (i = 0; i < checks->count; i++) {
		item = cJSON_CreateArray();
		cJSON_AddItemToArray(item, cJSON_CreateString(proto_name(
						   checks->checks[i].proto)));
		cJSON_AddItemToArray(
			item, cJSON_CreateNumber(checks->checks[i].port));
		cJSON_AddItemToArray(ports, item);
	}
	reply = control_client_request(c, msg, "opened", cause);
	if (reply == NULL)
		goto fail;
	id = cJSON_GetObjectItemCaseSensitive(reply, "session");
	if (!cJSON_IsNumber(id) || id->valuedouble < 1 ||
	    id->valuedouble > 4294967295.0) {
		*cause = xstrdup("the agent's 'opened' reply has no valid "
				 "session id");
		cJSON_Delete(reply);
		goto fail;
	}
	*session = (uint32_t)id->valuedouble;
	cJSON_Delete(reply);
	return c;
fail:
	control_client_free(c);
	return NULL;
}

/*
 * Fetches the session's seen-log page by page and marks, per sweep index,
 * whether the agent saw the request and whether it saw another source port.
 */
static int
probe_fetch_seen(struct control_client *c, uint32_t session,
		 const struct sweep_config *cfg, size_t nsports, uint8_t *seen,
		 char **cause)
{
	size_t offset = 0, total;
	const cJSON *entries, *item, *t;
	struct seen_entry e;
	cJSON *msg, *reply;
	char *why = NULL;
	int check;
	size_t i;

	do {
		msg = control_message_new("seen");
		cJSON_AddNumberToObject(msg, "session", session);
		cJSON_AddNumberToObject(msg, "offset", (double)offset);
		reply = control_client_request(c, msg, "seen", cause);
		if (reply == NULL)
			return -1;
		t = cJSON_GetObjectItemCaseSensitive(reply, "withheld");
		if (offset == 0 && cJSON_IsNumber(t) && t->valuedouble > 0)
			log_warn("the agent withheld %.0f replies: over its "
				 "per-source limit (nacl-agent --reply-rate), "
				 "shared by every probe from this address; "
				 "those ports may read reply_dropped",
				 t->valuedouble);
		t = cJSON_GetObjectItemCaseSensitive(reply, "total");
		entries = cJSON_GetObjectItemCaseSensitive(reply, "entries");
		if (!cJSON_IsNumber(t) || !cJSON_IsArray(entries) ||
		    cJSON_GetArraySize(entries) == 0) {
			total = offset;
			if (!cJSON_IsNumber(t) ||
			    t->valuedouble > (double)offset) {
				*cause =
					xstrdup("the agent's seen-log reply is "
						"malformed");
				cJSON_Delete(reply);
				return -1;
			}
		} else
			total = (size_t)t->valuedouble;
		cJSON_ArrayForEach(item, entries)
		{
			offset++;
			if (seen_entry_from_json(item, &e, &why) != 0) {
				*cause = xasprintf("the agent's seen-log: %s",
						   why);
				free(why);
				cJSON_Delete(reply);
				return -1;
			}
			check = check_list_find(&cfg->checks, e.proto, e.port);
			i = range_list_index(&cfg->sports, e.sport);
			if (check < 0 || i == SIZE_MAX)
				continue;
			i += (size_t)check * nsports;
			seen[i] |= 1;
			if (e.observed_port != e.sport)
				seen[i] |= 2;
		}
		cJSON_Delete(reply);
	} while (offset < total);
	return 0;
}

static void
probe_close_session(struct control_client *c, uint32_t session)
{
	char *cause = NULL;
	cJSON *msg = control_message_new("close"), *reply;

	cJSON_AddNumberToObject(msg, "session", session);
	reply = control_client_request(c, msg, "closed", &cause);
	if (reply == NULL) {
		log_warn("closing the session: %s", cause);
		free(cause);
	}
	cJSON_Delete(reply);
}

/* The source address used toward target, for the report: no packet is sent. */
static void
probe_local_address(const struct sockaddr *target, struct sockaddr_storage *ss)
{
	socklen_t len = sizeof *ss;
	int fd = socket(target->sa_family, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	memset(ss, 0, sizeof *ss);
	if (fd < 0)
		return;
	if (connect(fd, target, netaddr_len(target)) == 0)
		getsockname(fd, (struct sockaddr *)ss, &len);
	close(fd);
}

int
main(int argc, char **argv)
{
	struct probe_options o = {0};
	enum log_level level = LOG_LEVEL_WARN;
	struct sweep_config cfg;
	struct report report = {0};
	struct event_bus bus = {0};
	struct event_base *base;
	struct control_client *control = NULL;
	struct control_auth auth;
	struct auth_key key = {NULL, 0};
	struct sockaddr_storage agent_addr, local;
	struct sweep *sweep;
	struct sweep_event ev;
	socklen_t len;
	char *cause = NULL, addr_text[NETADDR_STRLEN];
	uint8_t *seen;
	size_t i, nsports;
	bool stdout_taken;
	FILE *quiet_out, *diff_out;
	char *sports_text;
	int rc;

	memset(&cfg, 0, sizeof cfg);
	probe_parse_options(argc, argv, &o, &level);
	stdout_taken = probe_output_is_stdout(&o.outputs);
	log_init("nacl-probe", level);
	signal(SIGPIPE, SIG_IGN);

	if (check_list_parse(o.ports, &cfg.checks, &cause) != 0)
		probe_usage_error("--ports: %s", cause);
	probe_check_services(&cfg.checks);
	if (range_list_parse(o.sports, &cfg.sports, 1, &cause) != 0)
		probe_usage_error("--sports: %s", cause);
	if (netaddr_parse(o.agent ? o.agent : o.target,
			  o.agent ? CONTROL_DEFAULT_PORT : 0, &agent_addr, &len,
			  &cause) != 0)
		probe_usage_error("%s: %s", o.agent ? "--agent" : "--target",
				  cause);
	cfg.target = agent_addr;
	cfg.agent = o.agent != NULL;
	if (auth_init() != 0) {
		fprintf(stderr, "nacl-probe: libsodium cannot start\n");
		return EXIT_RUNTIME;
	}
	if (o.key_file != NULL) {
		if (!cfg.agent)
			probe_usage_error("--key-file goes with --agent: real "
					  "servers (--target) take no key");
		if (auth_key_load(o.key_file, &key, &cause) != 0)
			probe_usage_error("--key-file: %s", cause);
	}
	if (o.dns_name == NULL)
		o.dns_name = cfg.agent ? PROBE_AGENT_DNS_BASE
				       : PROBE_DEFAULT_DNS_NAME;
	probe_check_dns_name(o.dns_name);
	cfg.dns_name = o.dns_name;
	netaddr_format((struct sockaddr *)&cfg.target, addr_text);
	snprintf(cfg.host, sizeof cfg.host,
		 cfg.target.ss_family == AF_INET6 ? "[%s]" : "%s", addr_text);
	if (o.bind != NULL) {
		if (netaddr_parse(o.bind, 0, &cfg.bind, &len, &cause) != 0)
			probe_usage_error("--bind: %s", cause);
		if (cfg.bind.ss_family != cfg.target.ss_family)
			probe_usage_error("--bind %s and the target %s are not "
					  "the same address family",
					  o.bind, o.agent ? o.agent : o.target);
	}
	cfg.rate = o.rate;
	cfg.attempts = o.attempts;
	cfg.timeout_ms = o.timeout_ms;
	cfg.window = probe_cap_window(&o);

	base = event_base_new();
	if (base == NULL) {
		log_error("cannot create the event loop");
		return EXIT_RUNTIME;
	}
	if (o.events != NULL &&
	    events_file_subscribe(&bus, o.events, &cause) != 0) {
		fprintf(stderr, "nacl-probe: --events: %s\n", cause);
		return EXIT_USAGE;
	}

	report.started_at = probe_rfc3339_now();
	report.target_address = xstrdup(
		netaddr_format((struct sockaddr *)&cfg.target, addr_text));
	report.target_agent = cfg.agent;
	if (cfg.bind.ss_family != AF_UNSPEC)
		local = cfg.bind;
	else
		probe_local_address((struct sockaddr *)&cfg.target, &local);
	sports_text = range_list_format(&cfg.sports);
	if (cfg.agent) {
		control = probe_open_session(
			(struct sockaddr *)&agent_addr,
			(struct sockaddr *)&cfg.bind,
			netaddr_format((struct sockaddr *)&local, addr_text),
			sports_text, key.bytes != NULL ? &key : NULL,
			&cfg.checks, &cfg.session, &auth, &cause);
		if (control == NULL) {
			fprintf(stderr, "nacl-probe: %s\n", cause);
			return EXIT_RUNTIME;
		}
		cfg.keyed = auth.keyed;
		memcpy(cfg.session_key, auth.session_key,
		       sizeof cfg.session_key);
		/* Above the agent's per-source limit, replies would be
		 * withheld and read as drops. */
		if (auth.max_rate > 0 &&
		    (cfg.rate == 0 || cfg.rate > auth.max_rate)) {
			if (o.rate != 0)
				log_warn("--rate %u is above the agent's %u "
					 "replies per second to one source; "
					 "sweeping at %u",
					 o.rate, auth.max_rate, auth.max_rate);
			cfg.rate = auth.max_rate;
		}
		if (cfg.bind.ss_family == AF_UNSPEC)
			control_client_local(control, &local);
	}
	report.probe_bind = xstrdup(
		local.ss_family != AF_UNSPEC
			? netaddr_format((struct sockaddr *)&local, addr_text)
			: "");
	nsports = range_list_size(&cfg.sports);
	for (i = 0; i < cfg.checks.count; i++)
		report_add_check(&report, cfg.checks.checks[i].proto,
				 cfg.checks.checks[i].port,
				 cfg.checks.checks[i].service, &cfg.sports);
	aggregator_subscribe(&bus, &report);
	if (!o.quiet && isatty(STDERR_FILENO))
		progress_subscribe(&bus, stderr);

	sweep = sweep_new(base, &cfg, &bus);
	report.settings.rate = cfg.rate;
	report.settings.window = cfg.window;
	report.settings.attempts = cfg.attempts;
	report.settings.timeout_ms = cfg.timeout_ms;
	if (sweep_run(sweep) != 0) {
		log_error("the event loop failed");
		return EXIT_RUNTIME;
	}

	seen = xcalloc(sweep_nports(sweep), 1);
	if (control != NULL) {
		if (probe_fetch_seen(control, cfg.session, &cfg, nsports, seen,
				     &cause) != 0) {
			fprintf(stderr, "nacl-probe: %s\n", cause);
			return EXIT_RUNTIME;
		}
		probe_close_session(control, cfg.session);
		control_client_free(control);
	}
	for (i = 0; i < sweep_nports(sweep); i++) {
		const struct sweep_port *p = sweep_port_at(sweep, i);

		if (p->flags & PORT_OK)
			continue; /* published when it answered */
		memset(&ev, 0, sizeof ev);
		ev.status = classify_port(p->flags, cfg.agent, seen[i] & 1);
		ev.nat_translated = (seen[i] & 2) != 0;
		sweep_publish(sweep, SWEEP_EVENT_RESULT, i, &ev);
	}
	memset(&ev, 0, sizeof ev);
	sweep_publish(sweep, SWEEP_EVENT_DONE, SIZE_MAX, &ev);
	report.finished_at = probe_rfc3339_now();

	rc = report_exit_code(&report);
	/* With an output on stdout (FILE -), stdout holds it alone. */
	if (!o.quiet && !stdout_taken)
		report_write_text(&report, stdout);
	/* The history's diff goes with the summary: not with --quiet. */
	diff_out = stdout_taken ? stderr : stdout;
	quiet_out = o.quiet ? fopen("/dev/null", "w") : NULL;
	if (quiet_out != NULL)
		diff_out = quiet_out;
	switch (report_write_outputs(&report, &o.outputs, diff_out, &cause)) {
	case -1:
		fprintf(stderr, "nacl-probe: %s\n", cause);
		free(cause);
		rc = EXIT_RUNTIME;
		break;
	case 1:
		/* A regression since the previous run in --history fails. */
		if (rc == EXIT_PASS)
			rc = EXIT_FAIL;
		break;
	}
	if (quiet_out != NULL)
		fclose(quiet_out);

	free(seen);
	sweep_free(sweep);
	event_bus_free(&bus);
	report_free(&report);
	check_list_free(&cfg.checks);
	range_list_free(&cfg.sports);
	auth_key_free(&key);
	free(sports_text);
	sodium_memzero(cfg.session_key, sizeof cfg.session_key);
	event_base_free(base);
	return rc;
}
