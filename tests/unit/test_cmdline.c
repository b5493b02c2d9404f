/* Unit tests for common/cmdline.c: one table of options, read one way. */
/* Messages are compared byte for byte on a redirected standard error. */
#include <criterion/criterion.h>
#include <criterion/redirect.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "common/cmdline.h"

TestSuite(cmdline);

struct sample {
	const char *nacl;
	bool before;
	int quiet, json_calls;
	const char *json;
};

static int
sample_option(int key, const char *arg, void *options)
{
	struct sample *s = options;

	if (key == 'q') {
		s->quiet++;
		return 0;
	}
	if (*arg == '\0') {
		fputs("empty --json\n", stderr);
		return -1;
	}
	s->json = arg;
	s->json_calls++;
	return 0;
}

static const struct cmdline_option sample_options[] = {
	CMDLINE_TEXT("nacl", struct sample, nacl),
	CMDLINE_FLAG("before", struct sample, before),
	CMDLINE_SWITCH("quiet", 'q'),
	CMDLINE_VALUE("json", 'j'),
	CMDLINE_END,
};

static const struct cmdline sample_cmdline = {
	.program = "nacl-report nft",
	.usage = "usage: nacl-report nft [--nacl FILE]\n",
	.shorts = "q",
	.options = sample_options,
	.handle = sample_option,
	.once = true,
};

static int
sample_parse(int argc, const char **argv, struct sample *s)
{
	*s = (struct sample){NULL, false, 0, 0, NULL};
	return cmdline_parse(&sample_cmdline, argc, (char **)argv, s);
}

Test(cmdline, options_set_fields_and_call_the_handler,
     .init = cr_redirect_stderr)
{
	const char *argv[] = {"nft",	  "--nacl",  "a.json",	 "x.json", "-q",
			      "--before", "--quiet", "--json=-", NULL};
	struct sample s;

	cr_assert_eq(sample_parse(8, argv, &s), CMDLINE_GO);
	cr_assert_str_eq(s.nacl, "a.json");
	cr_assert_eq(s.before, true);
	cr_assert_eq(s.quiet, 2);
	cr_assert_eq(s.json_calls, 1);
	cr_assert_str_eq(s.json, "-");
	/* The operand is moved behind the options. */
	cr_assert_eq(optind, 7);
	cr_assert_str_eq(argv[optind], "x.json");
	fflush(stderr);
	cr_assert_stderr_eq_str("");
}

static void
redirect_both(void)
{
	cr_redirect_stdout();
	cr_redirect_stderr();
}

Test(cmdline, help_prints_the_usage_and_stops, .init = redirect_both)
{
	const char *argv[] = {"nft", "-h", "--bogus", NULL};
	const char *long_help[] = {"nft", "--nacl=a", "--help", "-x", NULL};
	struct sample s;

	cr_assert_eq(sample_parse(3, argv, &s), CMDLINE_HELP);
	cr_assert_eq(sample_parse(4, long_help, &s), CMDLINE_HELP);
	cr_assert_str_eq(s.nacl, "a");
	fflush(stdout);
	fflush(stderr);
	cr_assert_stdout_eq_str("usage: nacl-report nft [--nacl FILE]\n"
				"usage: nacl-report nft [--nacl FILE]\n");
	cr_assert_stderr_eq_str("");
}

Test(cmdline, value_given_to_a_flag_names_it_as_written,
     .init = cr_redirect_stderr)
{
	const char *argv[] = {"nft", "--before=x", NULL};
	const char *abbreviated[] = {"nft", "--bef=x", NULL};
	struct sample s;

	cr_assert_eq(sample_parse(2, argv, &s), CMDLINE_ERROR);
	cr_assert_eq(sample_parse(2, abbreviated, &s), CMDLINE_ERROR);
	cr_assert_eq(s.before, false);
	fflush(stderr);
	cr_assert_stderr_eq_str(
		"nacl-report nft: option '--before' takes no value: give "
		"'--before' alone\n"
		"Try 'nacl-report nft --help'.\n"
		"nacl-report nft: option '--bef' takes no value: give "
		"'--before' alone\n"
		"Try 'nacl-report nft --help'.\n");
}

Test(cmdline, unknown_options_name_the_accepted_ones,
     .init = cr_redirect_stderr)
{
	const char *unknown_long[] = {"nft", "--table", "x", NULL};
	const char *unknown_short[] = {"nft", "-x", NULL};
	struct sample s;

	cr_assert_eq(sample_parse(3, unknown_long, &s), CMDLINE_ERROR);
	cr_assert_eq(sample_parse(2, unknown_short, &s), CMDLINE_ERROR);
	fflush(stderr);
	cr_assert_stderr_eq_str(
		"nacl-report nft: unknown option '--table': accepted are "
		"--nacl, --before, --quiet, --json and --help\n"
		"Try 'nacl-report nft --help'.\n"
		"nacl-report nft: unknown option '-x': accepted are "
		"--nacl, --before, --quiet, --json and --help\n"
		"Try 'nacl-report nft --help'.\n");
}

Test(cmdline, missing_repeated_and_refused_values, .init = cr_redirect_stderr)
{
	const char *missing[] = {"nft", "--nacl", NULL};
	const char *twice[] = {"nft", "--json", "a", "--json", "b", NULL};
	const char *refused[] = {"nft", "--json", "", NULL};
	struct sample s;

	cr_assert_eq(sample_parse(2, missing, &s), CMDLINE_ERROR);
	cr_assert_eq(sample_parse(5, twice, &s), CMDLINE_ERROR);
	cr_assert_str_eq(s.json, "a");
	cr_assert_eq(sample_parse(3, refused, &s), CMDLINE_ERROR);
	fflush(stderr);
	cr_assert_stderr_eq_str(
		"nacl-report nft: option '--nacl' needs a value\n"
		"Try 'nacl-report nft --help'.\n"
		"nacl-report nft: --json given twice: give it once\n"
		"Try 'nacl-report nft --help'.\n"
		"empty --json\n");
}

Test(cmdline, accepted_lists_the_options_then_help)
{
	static const struct cmdline_option shown[] = {
		{"format", CMDLINE_KIND_VALUE, 0, 'f', "text|json"},
		CMDLINE_END,
	};
	static const struct cmdline_option none[] = {CMDLINE_END};
	const struct cmdline with_values = {.program = "nacl-report",
					    .options = shown};
	const struct cmdline empty = {.program = "nacl-report",
				      .options = none};
	char *text = cmdline_accepted(&sample_cmdline);

	cr_assert_str_eq(text, "--nacl, --before, --quiet, --json and --help");
	free(text);
	text = cmdline_accepted(&with_values);
	cr_assert_str_eq(text, "--format text|json and --help");
	free(text);
	text = cmdline_accepted(&empty);
	cr_assert_str_eq(text, "--help");
	free(text);
}

Test(cmdline, a_second_operand_is_refused_where_one_is_taken,
     .init = cr_redirect_stderr)
{
	static const struct cmdline_option none[] = {CMDLINE_END};
	const struct cmdline one = {.program = "nacl-report",
				    .prefix = "render: ",
				    .operand = "REPORT.json",
				    .options = none};
	const char *single[] = {"render", "a.json", NULL};
	const char *two[] = {"render", "a.json", "b.json", NULL};

	cr_assert_eq(cmdline_parse(&one, 2, (char **)single, NULL), CMDLINE_GO);
	cr_assert_eq(optind, 1);
	cr_assert_eq(cmdline_parse(&one, 3, (char **)two, NULL), CMDLINE_ERROR);
	fflush(stderr);
	cr_assert_stderr_eq_str("nacl-report: render: unexpected argument "
				"'b.json': give exactly one REPORT.json\n"
				"Try 'nacl-report --help'.\n");
}
