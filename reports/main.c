/* nacl-report: renders a saved nacl-probe JSON report. */
/* Exit codes follow DESIGN.md: 0 done, 2 usage error or bad report. */
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "reports/report.h"

#define REPORT_USAGE_ERROR 2

static const char report_usage_text[] =
	"usage: nacl-report render REPORT.json [--format text|json]\n"
	"       nacl-report diff OLD.json NEW.json        (not implemented "
	"yet)\n"
	"       nacl-report explain REPORT.json --nacl ACLS.json "
	"--probe-subnet S --agent-subnet S\n"
	"                                                 (not implemented "
	"yet)\n"
	"\n"
	"render    print the report saved by nacl-probe --json; REPORT.json "
	"may be -\n"
	"          for standard input\n"
	"  -f, --format FORMAT  text (default): a summary for a person, with "
	"the\n"
	"                       source-port ranges that fail, their "
	"direction and\n"
	"                       the client families they hit\n"
	"                       json: the report re-serialized (schema "
	"nacl-probe/report/v1)\n"
	"                       junit, prom, html: not implemented yet\n"
	"  -h, --help           this text\n"
	"\n"
	"Exit status: 0 rendered, 2 usage error or unreadable report.\n";

enum report_format { FORMAT_TEXT, FORMAT_JSON };

static int report_usage_error(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));

static int
report_usage_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fputs("nacl-report: ", stderr);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputs("\nTry 'nacl-report --help'.\n", stderr);
	return REPORT_USAGE_ERROR;
}

static int
report_parse_format(const char *name, enum report_format *format)
{
	static const char *const later[] = {"junit", "prom", "html"};
	size_t i;

	if (strcmp(name, "text") == 0) {
		*format = FORMAT_TEXT;
		return 0;
	}
	if (strcmp(name, "json") == 0) {
		*format = FORMAT_JSON;
		return 0;
	}
	for (i = 0; i < sizeof later / sizeof *later; i++) {
		if (strcmp(name, later[i]) == 0) {
			fprintf(stderr,
				"nacl-report: --format %s is not implemented "
				"yet; available: text, json\n",
				name);
			return -1;
		}
	}
	report_usage_error("unknown format '%s' for --format: expected text "
			   "or json (junit, prom and html are not implemented "
			   "yet)",
			   name);
	return -1;
}

static int
report_render(int argc, char **argv)
{
	static const struct option options[] = {
		{"format", required_argument, NULL, 'f'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	enum report_format format = FORMAT_TEXT;
	struct report r;
	const char *path;
	char *cause = NULL;
	int opt, rc = 0;

	opterr = 0;
	optind = 1;
	while ((opt = getopt_long(argc, argv, ":f:h", options, NULL)) != -1) {
		switch (opt) {
		case 'f':
			if (report_parse_format(optarg, &format) != 0)
				return REPORT_USAGE_ERROR;
			break;
		case 'h':
			fputs(report_usage_text, stdout);
			return 0;
		case ':':
			return report_usage_error("render: option '%s' needs a "
						  "value: text or json",
						  argv[optind - 1]);
		default:
			/* optopt names a bad short option; long ones are whole.
			 */
			if (optopt != 0)
				return report_usage_error(
					"render: unknown option '-%c': "
					"accepted are --format text|json and "
					"--help",
					optopt);
			return report_usage_error("render: unknown option "
						  "'%s': accepted are --format "
						  "text|json and --help",
						  argv[optind - 1]);
		}
	}
	if (optind == argc)
		return report_usage_error("render: missing %s: give the JSON "
					  "file written by nacl-probe --json",
					  "REPORT.json");
	if (argc - optind > 1)
		return report_usage_error("render: unexpected argument '%s': "
					  "give exactly one REPORT.json",
					  argv[optind + 1]);
	path = argv[optind];
	if (report_read_json(path, &r, &cause) != 0) {
		fprintf(stderr, "nacl-report: %s\n", cause);
		free(cause);
		return REPORT_USAGE_ERROR;
	}
	if (format == FORMAT_TEXT) {
		report_write_text(&r, stdout);
		if (fflush(stdout) != 0) {
			perror("nacl-report: standard output");
			rc = REPORT_USAGE_ERROR;
		}
	} else if (report_write_json(&r, "-", &cause) != 0) {
		fprintf(stderr, "nacl-report: %s\n", cause);
		free(cause);
		rc = REPORT_USAGE_ERROR;
	}
	report_free(&r);
	return rc;
}

int
main(int argc, char **argv)
{
	const char *command;

	log_init("nacl-report", LOG_LEVEL_WARN);
	if (argc < 2)
		return report_usage_error("missing %s: expected render, diff, "
					  "explain or --help",
					  "command");
	command = argv[1];
	if (strcmp(command, "--help") == 0 || strcmp(command, "-h") == 0 ||
	    strcmp(command, "help") == 0) {
		fputs(report_usage_text, stdout);
		return 0;
	}
	if (strcmp(command, "render") == 0)
		return report_render(argc - 1, argv + 1);
	if (strcmp(command, "diff") == 0 || strcmp(command, "explain") == 0) {
		fprintf(stderr,
			"nacl-report: %s is not implemented yet; available: "
			"render\n",
			command);
		return REPORT_USAGE_ERROR;
	}
	return report_usage_error("unknown command '%s': expected render, "
				  "diff, explain or --help",
				  command);
}
