/* nacl-report: renders and compares saved reports; explains, predicts and
 * judges NACLs (each subcommand in its own cmd_*.c). */
/* Exit codes follow docs/design.md: 0 done, 1 regression (diff), 2 usage
 * error or bad report. */
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/cmdline.h"
#include "common/log.h"
#include "common/version.h"
#include "common/usage.h"
#include "reports/diff.h"
#include "reports/command.h"
#include "reports/render.h"
#include "reports/report.h"

#define REPORT_REGRESSION 1
#define REPORT_USAGE_ERROR 2

static const char report_usage_text[] =
	"usage: nacl-report render REPORT.json [--format FORMAT] [--output "
	"FILE]\n"
	"       nacl-report diff OLD.json NEW.json\n"
	"       nacl-report explain REPORT.json --nacl ACLS.json "
	"--probe-subnet S --agent-subnet S\n"
	"                   [--probe-address ADDR] [--agent-address ADDR] "
	"[--json]\n"
	"       nacl-report nft ACLS.json --probe-subnet ID=CIDR "
	"--agent-subnet ID=CIDR\n"
	"       nacl-report predict --scenario FILE (--nacl ACLS.json |\n"
	"                   --terraform-plan PLAN.json [--before] | "
	"--cloudformation T)\n"
	"       nacl-report plan (PLAN.json | --cloudformation T) --scenario "
	"FILE\n"
	"                   [--nacl CURRENT.json] [--emit-scenario OUT]\n"
	"\n"
	"render    print a report saved by nacl-probe --json (REPORT.json may "
	"be -\n"
	"          for standard input) in another format\n"
	"  -f, --format FORMAT  text (default): a summary for a person, with "
	"the\n"
	"                         source-port ranges that fail, their "
	"direction and\n"
	"                         the client families they hit\n"
	"                       json: the report re-serialized (schema "
	"nacl-probe/report/v1)\n"
	"                       junit: JUnit XML for CI, one testcase per "
	"check\n"
	"                       prom: Prometheus text format for "
	"node_exporter's\n"
	"                         textfile collector (naclprobe_* gauges)\n"
	"                       html: one self-contained page with a colour "
	"strip\n"
	"                         of the source ports per check\n"
	"  -o, --output FILE    write FILE atomically (a reader never sees "
	"half of\n"
	"                       it) instead of standard output\n"
	"\n"
	"diff      compare two reports of the same sweep, check by check "
	"(matched by\n"
	"          target, protocol and port): the source-port ranges whose "
	"status\n"
	"          changed, ports newly not ok first in importance, fixes, "
	"checks\n"
	"          probed in only one of them\n"
	"\n"
	"explain   which NACL rule drops each measured range, and where the "
	"NACLs\n"
	"          and the measurement disagree (nacl-report explain --help)\n"
	"nft       the NACLs as nftables rules for the testbed (nacl-report "
	"nft --help)\n"
	"predict   the report a scenario's sweep would give, from NACLs, a "
	"Terraform\n"
	"          plan or a CloudFormation template (nacl-report predict "
	"--help)\n"
	"plan      what a NACL change breaks before it is applied, the fixes, "
	"and the\n"
	"          scenario that proves it after (nacl-report plan --help)\n"
	"\n"
	"  -h, --help           this text\n"
	"  --version            the version\n"
	"\n"
	"Exit status: 0 done (diff: no port that was ok is now not ok); 1 "
	"diff found\n"
	"a regression; 2 usage error, unreadable report, or reports that "
	"cannot be\n"
	"compared (no check in common, other source ports swept).\n";

static int report_usage_error(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));

static int
report_usage_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	usage_vprint("nacl-report", fmt, ap);
	va_end(ap);
	return REPORT_USAGE_ERROR;
}

static int
report_read(const char *path, struct report *r)
{
	char *cause = NULL;

	if (report_read_json(path, r, &cause) == 0)
		return 0;
	fprintf(stderr, "nacl-report: %s\n", cause);
	free(cause);
	return -1;
}

struct render_options {
	const struct render_format *format;
	const char *output;
};

static int
render_option(int key, const char *arg, void *options)
{
	struct render_options *o = options;

	if (key == 'f') {
		o->format = render_format_find(arg);
		if (o->format == NULL)
			return report_usage_error("render: unknown format '%s' "
						  "for --format: expected %s",
						  arg, render_format_names());
		return 0;
	}
	if (*arg == '\0')
		return report_usage_error("render: --output needs a file name");
	o->output = strcmp(arg, "-") == 0 ? NULL : arg;
	return 0;
}

static int
report_render(int argc, char **argv)
{
	static const struct cmdline_option options[] = {
		{"format", CMDLINE_KIND_VALUE, 0, 'f',
		 "text|json|junit|prom|html"},
		{"output", CMDLINE_KIND_VALUE, 0, 'o', "FILE"},
		CMDLINE_END,
	};
	static const struct cmdline cmdline = {
		.program = "nacl-report",
		.prefix = "render: ",
		.usage = report_usage_text,
		.operand = "REPORT.json",
		.shorts = "f:o:",
		.options = options,
		.handle = render_option,
	};
	struct render_options o = {render_format_find("text"), NULL};
	const struct render_format *format;
	const char *output;
	struct report r;
	char *cause = NULL;
	int rc;

	rc = cmdline_parse(&cmdline, argc, argv, &o);
	if (rc != CMDLINE_GO)
		return rc == CMDLINE_HELP ? 0 : REPORT_USAGE_ERROR;
	format = o.format;
	output = o.output;
	if (optind == argc)
		return report_usage_error("render: missing REPORT.json: give "
					  "the JSON file written by nacl-probe "
					  "--json");
	if (report_read(argv[optind], &r) != 0)
		return REPORT_USAGE_ERROR;
	if (output != NULL) {
		if (render_to_file(&r, format, output, "output", &cause) != 0) {
			fprintf(stderr, "nacl-report: --output: %s\n", cause);
			free(cause);
			rc = REPORT_USAGE_ERROR;
		}
	} else {
		format->write(&r, stdout);
		if (fflush(stdout) != 0 || ferror(stdout)) {
			perror("nacl-report: standard output");
			rc = REPORT_USAGE_ERROR;
		}
	}
	report_free(&r);
	return rc;
}

static int
report_diff(int argc, char **argv)
{
	static const struct cmdline_option options[] = {CMDLINE_END};
	static const struct cmdline cmdline = {
		.program = "nacl-report",
		.prefix = "diff: ",
		.usage = report_usage_text,
		.options = options,
	};
	struct report old, new;
	struct report_diff d;
	char *cause = NULL;
	int rc;

	rc = cmdline_parse(&cmdline, argc, argv, NULL);
	if (rc != CMDLINE_GO)
		return rc == CMDLINE_HELP ? 0 : REPORT_USAGE_ERROR;
	if (argc - optind != 2)
		return report_usage_error(
			"diff: expected OLD.json NEW.json (two reports saved "
			"by nacl-probe --json), got %d %s",
			argc - optind,
			argc - optind == 1 ? "argument" : "arguments");
	if (report_read(argv[optind], &old) != 0)
		return REPORT_USAGE_ERROR;
	if (report_read(argv[optind + 1], &new) != 0) {
		report_free(&old);
		return REPORT_USAGE_ERROR;
	}
	if (report_diff_compute(&old, &new, &d, &cause) != 0) {
		fprintf(stderr, "nacl-report: diff %s %s: %s\n", argv[optind],
			argv[optind + 1], cause);
		free(cause);
		rc = REPORT_USAGE_ERROR;
	} else {
		report_diff_write(&d, argv[optind], argv[optind + 1], stdout);
		rc = report_diff_regressed(&d) ? REPORT_REGRESSION : 0;
		report_diff_free(&d);
		if (fflush(stdout) != 0 || ferror(stdout)) {
			perror("nacl-report: standard output");
			rc = REPORT_USAGE_ERROR;
		}
	}
	report_free(&old);
	report_free(&new);
	return rc;
}

/* nacl-report's subcommands, in the order the messages name them. */
static const struct {
	const char *name;
	int (*run)(int argc, char **argv);
} report_commands[] = {
	{"render", report_render},    {"diff", report_diff},
	{"explain", explain_command}, {"nft", nft_command},
	{"predict", predict_command}, {"plan", plan_command},
};

#define REPORT_COMMANDS_EXPECTED                                               \
	"expected render, diff, explain, nft, predict, plan or --help"

int
main(int argc, char **argv)
{
	const char *command;
	size_t i;

	log_init("nacl-report", LOG_LEVEL_WARN);
	if (argc < 2)
		return report_usage_error("missing command: %s",
					  REPORT_COMMANDS_EXPECTED);
	command = argv[1];
	if (strcmp(command, "--help") == 0 || strcmp(command, "-h") == 0 ||
	    strcmp(command, "help") == 0) {
		fputs(report_usage_text, stdout);
		return 0;
	}
	if (strcmp(command, "--version") == 0) {
		nacl_version_print("nacl-report");
		return 0;
	}
	for (i = 0; i < sizeof report_commands / sizeof *report_commands; i++)
		if (strcmp(command, report_commands[i].name) == 0)
			return report_commands[i].run(argc - 1, argv + 1);
	return report_usage_error("unknown command '%s': %s", command,
				  REPORT_COMMANDS_EXPECTED);
}
