/* nacl-probe: sweeps source ports toward an agent and reports which are
 * dropped, and where. */
/* main() parses options, plans the targets (the command line or a scenario),
 * sweeps each in turn into one report, renders it. */
#include <errno.h>
#include <fcntl.h>
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

#include "common/cmdline.h"
#include "common/control.h"
#include "common/log.h"
#include "common/version.h"
#include "common/netaddr.h"
#include "common/scenario.h"
#include "common/service.h"
#include "common/usage.h"
#include "common/xmalloc.h"
#include "probe/plan.h"
#include "probe/target.h"
#include "reports/events.h"
#include "reports/outputs.h"
#include "reports/rfc3339.h"
#include "reports/report.h"

#define PROBE_DEFAULT_PORTS "udp/7000,tcp/7000"
#define PROBE_DEFAULT_SPORTS "linux"
#define PROBE_DEFAULT_RATE 2000
#define PROBE_DEFAULT_WINDOW 16384
#define PROBE_DEFAULT_TIMEOUT_MS 1000
#define PROBE_DEFAULT_ATTEMPTS 3

/* Exit codes of docs/design.md. */
enum {
	EXIT_PASS = 0,
	EXIT_FAIL = 1,
	EXIT_USAGE = 2,
	EXIT_RUNTIME = 3,
	EXIT_INTERRUPTED = 130
};

struct probe_options {
	const char *agent;
	const char *target;
	const char *scenario;
	const char *ports;
	const char *sports;
	const char *bind;
	struct report_outputs outputs; /* --json, --junit, --prom, --html,
					  --history, --keep */
	const char *dns_name;
	const char *key_file;
	unsigned rate, window, attempts, timeout_ms;
	uint16_t control_sport;
	unsigned max_conntrack;
	bool raw;
	bool rate_set, window_set, attempts_set, timeout_set;
	bool ports_set, sports_set;
	bool quiet;
	enum log_level level; /* -v: more */
};

static void
probe_usage(FILE *out)
{
	char *services = service_help_text("                         ");

	fprintf(out,
		"Usage: nacl-probe --agent HOST[:PORT] [options]\n"
		"       nacl-probe --target HOST [options]\n"
		"       nacl-probe --scenario FILE [options]\n"
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
		"  --scenario FILE      a JSON scenario: its targets, checks\n"
		"                       and what each must show (see\n"
		"                       Scenarios); instead of --agent,\n"
		"                       --target and --ports\n"
		"What to probe:\n"
		"  --ports SPEC         comma list of PROTO/PORTS[=SERVICE]\n"
		"                       (default %s), e.g.\n"
		"                       tcp/443,tcp/8080=http; services:\n"
		"%s"
		"  --sports RANGES      source ports: a comma list of ports,\n"
		"                       ranges and presets, e.g. 32768-60999,\n"
		"                       1025-5000,49152-65535 or\n"
		"                       linux,windows; presets: linux\n"
		"                       (32768-60999), linux-legacy\n"
		"                       (32768-61000), windows (49152-65535),\n"
		"                       windows-legacy (1025-5000),\n"
		"                       nat-gateway, elb, all (1024-65535);\n"
		"                       default %s; with --scenario, every\n"
		"                       check keeps only these\n"
		"  --dns-name NAME      DNS: the name to ask (agentless,\n"
		"                       default %s) or under which\n"
		"                       the probe's identity label goes\n"
		"                       (agent, default %s); TLS:\n"
		"                       the server name (SNI)\n"
		"  --key-file FILE      the agent's key (see nacl-agent\n"
		"                       --gen-key): proves who we are and\n"
		"                       signs every probe with a session "
		"token\n"
		"  --bind ADDR          local address to send from (default:\n"
		"                       chosen by routing)\n"
		"  --control-sport PORT source port of the control connection\n"
		"                       to the agent, tried first; without\n"
		"                       it (and when no SYN-ACK comes back in\n"
		"                       2 s) the probe tries ports outside\n"
		"                       every swept range: one of the\n"
		"                       kernel's ephemeral range, one below\n"
		"                       32768, one in 61000-65535\n"
		"Pace:\n"
		"  --rate PPS           attempts per second, 0 = no limit\n"
		"                       (default %d)\n"
		"  --window N           attempts in flight at most (default\n"
		"                       %d, capped below the open-file limit,\n"
		"                       which is raised as far as allowed)\n"
		"  --timeout MS         the longest wait for a reply\n"
		"                       (default %d); silent ports cost a\n"
		"                       few measured round trips, TCP\n"
		"                       handshakes at least 1.1 s\n"
		"  --max-conntrack N    TCP attempts in flight at most, for a\n"
		"                       NAT or stateful firewall on the path\n"
		"                       whose connection table holds N more\n"
		"                       (each agent port keeps besides to\n"
		"                       what its listen backlog holds)\n"
		"  --engine socket|raw  UDP from one socket per source port\n"
		"                       (default), or from one raw socket\n"
		"                       with replies read in batches (IPv4,\n"
		"                       CAP_NET_RAW; else sockets)\n"
		"  --attempts N         tries per source port before the\n"
		"                       confirmation pass re-probes silent\n"
		"                       ports (default %d; TCP half as many:\n"
		"                       each tries its SYN twice)\n"
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
		"                       happen, with its time and target\n"
		"                       (- for stdout)\n"
		"                       (every output is tried before the\n"
		"                       first probe, and written however\n"
		"                       the run ends: a failed or stopped\n"
		"                       run marks what it did not finish\n"
		"                       unfinished)\n"
		"  -q, --quiet          no summary on stdout, no progress "
		"line\n"
		"  -v, --verbose        more log lines on stderr (twice: "
		"debug)\n"
		"  -h, --help           this text\n"
		"  --version            the version\n"
		"\n"
		"Scenarios:\n"
		"  {\"name\", \"description\", \"targets\": [...], "
		"\"settings\": {...},\n"
		"   \"checks\": [...]}. A target: \"name\", \"agent\": "
		"\"HOST[:PORT]\"\n"
		"  or \"target\": \"HOST\" (no agent), \"control_port\", "
		"\"key_file\"\n"
		"  (beside the file when relative), \"bind\", "
		"\"probe_cidr\",\n"
		"  \"agent_cidr\", \"probe_nacl\", \"agent_nacl\" (for the "
		"fixes),\n"
		"  \"checks\": [indices] (default: all). Settings: "
		"\"rate\",\n"
		"  \"window\", \"timeout_ms\", \"attempts\". A check: "
		"\"proto\", \"port\",\n"
		"  \"service\", \"sports\", \"expect\" and \"ranges\": "
		"[{\"sports\",\n"
		"  \"expect\"}] for source ports that must show something "
		"else.\n"
		"  Targets are swept one after the other into one report.\n"
		"  What a port may be expected to show:\n"
		"    open      a reply (the default, also without a "
		"scenario)\n"
		"    blocked   anything but a reply: dropped either way or\n"
		"              rejected (not local_error: not probed)\n"
		"    dropped   a silent drop: reply_dropped, "
		"request_dropped\n"
		"              or dropped\n"
		"    rejected  a TCP reset or an ICMP unreachable\n"
		"  --rate, --window, --timeout, --attempts override its\n"
		"  settings; --key-file every agent's key, --bind every\n"
		"  target's address, --dns-name every DNS check's name.\n"
		"  For each silent drop where a reply was expected, the\n"
		"  summary names the NACL entries that would let it through\n"
		"  and the aws ec2 create-network-acl-entry commands (never\n"
		"  run).\n"
		"\n"
		"Exit status: 0 every expectation met (without a scenario:\n"
		"every port answered); 1 some port missed its expectation;\n"
		"2 usage or scenario error (an output that cannot be\n"
		"written, an option given twice); 3 runtime failure (agent\n"
		"unreachable, authentication failed, the agent lost\n"
		"mid-sweep, its seen-log too small for the plan); 130\n"
		"interrupted by SIGINT or SIGTERM.\n",
		CONTROL_DEFAULT_PORT, PROBE_DEFAULT_PORTS, services,
		PROBE_DEFAULT_SPORTS, PLAN_DEFAULT_DNS_NAME,
		PLAN_AGENT_DNS_BASE, PROBE_DEFAULT_RATE, PROBE_DEFAULT_WINDOW,
		PROBE_DEFAULT_TIMEOUT_MS, PROBE_DEFAULT_ATTEMPTS,
		HISTORY_DEFAULT_KEEP);
	free(services);
}

/* The usage error: says what is wrong, points at --help, exits. */
#define probe_usage_error(...) usage_exit(EXIT_USAGE, "nacl-probe", __VA_ARGS__)

static unsigned
probe_parse_number(const char *option, const char *text, unsigned min,
		   unsigned max)
{
	unsigned long v;

	if (usage_number("nacl-probe", option, text, min, max, &v) != 0)
		exit(EXIT_USAGE);
	return (unsigned)v;
}

/* The options a table row cannot set alone: numbers, the engine, -v. */
static int
probe_option(int key, const char *arg, void *options)
{
	struct probe_options *o = options;

	switch (key) {
	case 'p':
		o->ports = arg;
		o->ports_set = true;
		break;
	case 's':
		o->sports = arg;
		o->sports_set = true;
		break;
	case 'r':
		o->rate =
			probe_parse_number("--rate", arg, 0, SCENARIO_MAX_RATE);
		o->rate_set = true;
		break;
	case 'w':
		o->window = probe_parse_number("--window", arg, 1,
					       SCENARIO_MAX_WINDOW);
		o->window_set = true;
		break;
	case 't':
		o->timeout_ms = probe_parse_number("--timeout", arg, 1,
						   SCENARIO_MAX_TIMEOUT_MS);
		o->timeout_set = true;
		break;
	case 'a':
		o->attempts = probe_parse_number("--attempts", arg, 1,
						 SCENARIO_MAX_ATTEMPTS);
		o->attempts_set = true;
		break;
	case 'K':
		o->outputs.keep = probe_parse_number("--keep", arg, 1, 100000);
		break;
	case 'G':
		if (strcmp(arg, "raw") == 0)
			o->raw = true;
		else if (strcmp(arg, "socket") == 0)
			o->raw = false;
		else
			probe_usage_error("--engine: bad value '%s': "
					  "expected socket or raw",
					  arg);
		break;
	case 'C':
		o->control_sport = (uint16_t)probe_parse_number(
			"--control-sport", arg, 1, 65535);
		break;
	case 'M':
		o->max_conntrack = probe_parse_number("--max-conntrack", arg, 1,
						      SCENARIO_MAX_WINDOW);
		break;
	case 'v':
		if (o->level < LOG_LEVEL_DEBUG)
			o->level++;
		break;
	case 'V':
		nacl_version_print("nacl-probe");
		exit(EXIT_PASS);
	}
	return 0;
}

static void
probe_parse_options(int argc, char **argv, struct probe_options *o)
{
	static const struct cmdline_option options[] = {
		CMDLINE_TEXT("agent", struct probe_options, agent),
		CMDLINE_TEXT("target", struct probe_options, target),
		CMDLINE_VALUE("ports", 'p'),
		CMDLINE_VALUE("sports", 's'),
		CMDLINE_TEXT("bind", struct probe_options, bind),
		CMDLINE_VALUE("rate", 'r'),
		CMDLINE_VALUE("window", 'w'),
		CMDLINE_VALUE("timeout", 't'),
		CMDLINE_VALUE("attempts", 'a'),
		CMDLINE_TEXT("json", struct probe_options, outputs.json),
		CMDLINE_TEXT("events", struct probe_options, outputs.events),
		CMDLINE_TEXT("dns-name", struct probe_options, dns_name),
		CMDLINE_VALUE("engine", 'G'),
		{"quiet", CMDLINE_KIND_FLAG,
		 offsetof(struct probe_options, quiet), 'q', NULL},
		CMDLINE_SWITCH("verbose", 'v'),
		CMDLINE_SWITCH("version", 'V'),
		CMDLINE_TEXT("scenario", struct probe_options, scenario),
		CMDLINE_TEXT("key-file", struct probe_options, key_file),
		CMDLINE_TEXT("junit", struct probe_options, outputs.junit),
		CMDLINE_TEXT("prom", struct probe_options, outputs.prom),
		CMDLINE_TEXT("html", struct probe_options, outputs.html),
		CMDLINE_TEXT("history", struct probe_options, outputs.history),
		CMDLINE_VALUE("keep", 'K'),
		CMDLINE_VALUE("control-sport", 'C'),
		CMDLINE_VALUE("max-conntrack", 'M'),
		CMDLINE_END,
	};
	static const struct cmdline cmdline = {
		.program = "nacl-probe",
		.shorts = "qv",
		.options = options,
		.handle = probe_option,
		.once = true,
	};
	/* What is not given on the command line; the rest starts zero. */
	static const struct probe_options defaults = {
		.level = LOG_LEVEL_WARN,
		.ports = PROBE_DEFAULT_PORTS,
		.sports = PROBE_DEFAULT_SPORTS,
		.rate = PROBE_DEFAULT_RATE,
		.window = PROBE_DEFAULT_WINDOW,
		.timeout_ms = PROBE_DEFAULT_TIMEOUT_MS,
		.attempts = PROBE_DEFAULT_ATTEMPTS,
	};
	char *cause = NULL;

	*o = defaults;
	switch (cmdline_parse(&cmdline, argc, argv, o)) {
	case CMDLINE_ERROR:
		exit(EXIT_USAGE);
	case CMDLINE_HELP:
		probe_usage(stdout);
		exit(EXIT_PASS);
	}
	if (optind < argc)
		probe_usage_error("unexpected argument '%s'", argv[optind]);
	if (o->outputs.keep != 0 && o->outputs.history == NULL)
		probe_usage_error("--keep goes with --history DIR");
	if (report_outputs_check(&o->outputs, &cause) != 0)
		probe_usage_error("%s", cause);
	if (o->scenario != NULL &&
	    (o->agent != NULL || o->target != NULL || o->ports_set))
		probe_usage_error("--scenario FILE names the targets and the "
				  "checks: leave out --agent, --target and "
				  "--ports (--sports narrows the scenario's "
				  "source ports)");
	if (o->scenario == NULL && (o->agent == NULL) == (o->target == NULL))
		probe_usage_error("give exactly one of --agent HOST[:PORT] (a "
				  "nacl-agent), --target HOST (no agent) or "
				  "--scenario FILE");
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

/* Exits 2 with the scenario's own message: it names the file and path. */
static void probe_scenario_error(char *cause) __attribute__((noreturn));

static void
probe_scenario_error(char *cause)
{
	fprintf(stderr, "nacl-probe: %s\n", cause);
	free(cause);
	exit(EXIT_USAGE);
}

/* Writes the summary and every output; rc is the run's exit code so far,
 * raised to 1 by a regression in --history or to 3 by an output that
 * failed. */
static int
probe_write_results(const struct probe_options *o, const struct report *report,
		    int rc)
{
	bool stdout_taken = report_outputs_use_stdout(&o->outputs);
	FILE *quiet_out, *diff_out;
	char *cause = NULL;

	/* With an output on stdout (FILE -), stdout holds it alone. */
	if (!o->quiet && !stdout_taken)
		report_write_text(report, stdout);
	/* The history's diff goes with the summary: not with --quiet. */
	diff_out = stdout_taken ? stderr : stdout;
	quiet_out = o->quiet ? fopen("/dev/null", "w") : NULL;
	if (quiet_out != NULL)
		diff_out = quiet_out;
	switch (report_write_outputs(report, &o->outputs, diff_out, &cause)) {
	case -1:
		fprintf(stderr, "nacl-probe: %s\n", cause);
		free(cause);
		if (rc == EXIT_PASS || rc == EXIT_FAIL)
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
	log_debug("outputs written; exit code %d", rc);
	return rc;
}

/* The run in progress: what a signal needs to write its outputs. */
struct probe_run {
	const struct probe_options *o;
	const struct plan *plan;
	struct report *report;
	struct event_base *base;
	struct events_context events;
};

/* The self-pipe: the handler writes the signal's number, the loop reads it.
 */
static volatile sig_atomic_t probe_signal;
static int probe_signal_pipe[2] = {-1, -1};

static void
probe_signal_handler(int sig)
{
	int saved = errno;
	unsigned char byte = (unsigned char)sig;

	probe_signal = sig;
	if (write(probe_signal_pipe[1], &byte, 1) < 0) {
		/* The flag alone still stops the run at its next check. */
	}
	errno = saved;
}

/*
 * SIGINT and SIGTERM stop the run with its outputs written. Without
 * SA_RESTART a blocking wait on the agent fails with EINTR at once.
 */
static int
probe_signals_install(void)
{
	struct sigaction sa;

	if (pipe2(probe_signal_pipe, O_CLOEXEC | O_NONBLOCK) != 0)
		return -1;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = probe_signal_handler;
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGINT, &sa, NULL) != 0 ||
	    sigaction(SIGTERM, &sa, NULL) != 0)
		return -1;
	return 0;
}

static const char *
probe_signal_name(int sig)
{
	return sig == SIGTERM ? "SIGTERM" : "SIGINT";
}

/*
 * Ends the run however it went: ports not measured become unfinished, the
 * times and settings are filled in, every output is written. error names why
 * the run as a whole stopped (NULL: it did not). The exit code.
 */
static int
probe_finish_run(struct probe_run *run, const char *error, int rc)
{
	struct report *report = run->report;

	report->settings.rate = run->plan->settings.rate;
	report->settings.window = run->plan->settings.window;
	report->settings.attempts = run->plan->settings.attempts;
	report->settings.timeout_ms = run->plan->settings.timeout_ms;
	report_set_error(report, error);
	report_mark_unfinished(report);
	report_finish(report);
	free(report->finished_at);
	report->finished_at = rfc3339_now();
	if (rc == EXIT_PASS)
		rc = report_exit_code(report);
	return probe_write_results(run->o, report, rc);
}

/* Interrupted: the outputs of what finished, then exit 130. */
static void probe_interrupted(struct probe_run *run) __attribute__((noreturn));

static void
probe_interrupted(struct probe_run *run)
{
	char *error = xasprintf("interrupted by %s before the run finished",
				probe_signal_name(probe_signal));

	/* A second signal ends the program at once. */
	signal(SIGINT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	fprintf(stderr, "nacl-probe: %s; writing what was measured\n", error);
	probe_finish_run(run, error, EXIT_INTERRUPTED);
	free(error);
	exit(EXIT_INTERRUPTED);
}

/* The signal reached the sweep's event loop: stop it there, so that the
 * sweep hands in what it settled before the outputs are written. */
static void
probe_signal_event_callback(evutil_socket_t fd, short what, void *arg)
{
	struct probe_run *run = arg;
	unsigned char byte;

	(void)what;
	while (read(fd, &byte, 1) > 0)
		continue;
	event_base_loopbreak(run->base);
}

/* Sweeps target i; on failure records why in the report. 0 or -1. */
static int
probe_sweep_target(struct probe_run *run, struct event_base *base,
		   struct event_bus *bus, size_t i)
{
	const struct plan_target *t = &run->plan->targets[i];
	char *cause = NULL;

	run->events.target = t->label;
	log_debug("sweeping %s", t->label);
	if (target_sweep(base, run->plan, i, bus,
			 !run->o->quiet && isatty(STDERR_FILENO), &cause) == 0)
		return 0;
	if (probe_signal != 0) {
		free(cause);
		probe_interrupted(run);
	}
	if (run->o->scenario != NULL)
		fprintf(stderr, "nacl-probe: target %s: %s\n", t->label, cause);
	else
		fprintf(stderr, "nacl-probe: %s\n", cause);
	report_set_target_error(run->report, t->report_target, cause);
	free(cause);
	return -1;
}

/*
 * Sweeps every target in turn into the report, then writes it, also when
 * a target could not be swept (its checks read unfinished, exit 3) or a
 * signal stopped the run (exit 130). The exit code.
 */
static int
probe_run(struct probe_run *run)
{
	const struct probe_options *o = run->o;
	struct event_bus run_bus = {0};
	struct event_base *base;
	struct event *signal_event = NULL;
	char *cause = NULL, *error = NULL;
	size_t i, failed = 0, last_failed = 0;
	int rc = EXIT_PASS;

	base = event_base_new();
	if (base == NULL) {
		log_error("cannot create the event loop");
		return EXIT_RUNTIME;
	}
	run->base = base;
	/* One aggregator for the whole run: results of every target. */
	aggregator_subscribe(&run_bus, run->report);
	if (o->outputs.events != NULL &&
	    events_file_subscribe(&run_bus, o->outputs.events, &run->events,
				  &cause) != 0) {
		fprintf(stderr, "nacl-probe: --events: %s\n", cause);
		free(cause);
		event_base_free(base);
		return EXIT_USAGE;
	}
	if (probe_signals_install() != 0) {
		log_error("cannot handle SIGINT and SIGTERM: %s",
			  strerror(errno));
		event_bus_free(&run_bus);
		event_base_free(base);
		return EXIT_RUNTIME;
	}
	signal_event =
		event_new(base, probe_signal_pipe[0], EV_READ | EV_PERSIST,
			  probe_signal_event_callback, run);
	if (signal_event == NULL || event_add(signal_event, NULL) != 0)
		log_warn("SIGINT will not stop a sweep in progress");
	run->report->started_at = rfc3339_now();
	for (i = 0; i < run->plan->ntargets; i++) {
		if (probe_signal != 0)
			probe_interrupted(run);
		if (probe_sweep_target(run, base, &run_bus, i) != 0) {
			failed++;
			last_failed = i;
		}
	}
	if (probe_signal != 0)
		probe_interrupted(run);
	if (failed > 0) {
		rc = EXIT_RUNTIME;
		/* The run failed as a whole when no target could be swept. */
		if (failed == run->plan->ntargets)
			error = xstrdup(
				run->plan->ntargets == 1
					? run->report
						  ->targets
							  [run->plan->targets[0]
								   .report_target]
						  .error
					: "no target could be swept");
		else
			log_debug("%zu of %zu targets failed, the last %s",
				  failed, run->plan->ntargets,
				  run->plan->targets[last_failed].label);
	}
	rc = probe_finish_run(run, error, rc);
	free(error);
	event_free(signal_event);
	event_bus_free(&run_bus);
	event_base_free(base);
	return rc;
}

/* The plan's request: what the command line asks. */
static void
probe_request(const struct probe_options *o, struct plan_request *rq)
{
	memset(rq, 0, sizeof *rq);
	rq->agent = o->agent;
	rq->target = o->target;
	rq->scenario = o->scenario;
	rq->ports = o->ports;
	rq->sports = o->sports;
	rq->sports_set = o->sports_set;
	rq->bind = o->bind;
	rq->key_file = o->key_file;
	rq->dns_name = o->dns_name;
	rq->settings.rate = o->rate;
	rq->settings.window = o->window;
	rq->settings.attempts = o->attempts;
	rq->settings.timeout_ms = o->timeout_ms;
	rq->settings.control_sport = o->control_sport;
	rq->settings.max_conntrack = o->max_conntrack;
	rq->settings.raw = o->raw;
	rq->rate_set = o->rate_set;
	rq->window_set = o->window_set;
	rq->attempts_set = o->attempts_set;
	rq->timeout_set = o->timeout_set;
}

int
main(int argc, char **argv)
{
	struct probe_options o = {0};
	struct report report = {0};
	struct probe_run run = {0};
	struct plan_request request;
	struct plan plan;
	char *cause = NULL;
	int rc;

	probe_parse_options(argc, argv, &o);
	log_init("nacl-probe", o.level);
	signal(SIGPIPE, SIG_IGN);
	if (auth_init() != 0) {
		fprintf(stderr, "nacl-probe: libsodium cannot start\n");
		return EXIT_RUNTIME;
	}
	if (o.dns_name != NULL)
		probe_check_dns_name(o.dns_name);
	probe_request(&o, &request);
	switch (plan_build(&plan, &request, &report, &cause)) {
	case PLAN_OK:
		break;
	case PLAN_USAGE:
		probe_usage_error("%s", cause);
	case PLAN_SCENARIO:
		probe_scenario_error(cause);
	}
	log_debug("plan: %zu %s, %zu %s, %zu source ports; rate %u, window "
		  "%u, timeout %u ms, attempts %u",
		  plan.ntargets, plan.ntargets == 1 ? "target" : "targets",
		  report.nchecks, report.nchecks == 1 ? "check" : "checks",
		  plan_ports(&plan), plan.settings.rate, plan.settings.window,
		  plan.settings.timeout_ms, plan.settings.attempts);
	report_set_tool(&report, "nacl-probe", nacl_version());
	run.o = &o;
	run.plan = &plan;
	run.report = &report;
	rc = probe_run(&run);
	plan_free(&plan);
	report_free(&report);
	return rc;
}
