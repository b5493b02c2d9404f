/* nacl-report's subcommands and what they share: usage errors, exit codes. */
/* Each subcommand lives in its own cmd_*.c; main.c dispatches to them. */
#ifndef NACL_COMMAND_H
#define NACL_COMMAND_H

#include <getopt.h>
#include <stdbool.h>

struct nacl_source;

/* docs/design.md exit codes of nacl-report: 1 a finding, 2 bad input. */
#define COMMAND_FINDING 1
#define COMMAND_USAGE_ERROR 2

/*
 * "nacl-report COMMAND: MESSAGE" and "Try 'nacl-report COMMAND --help'." on
 * standard error; returns COMMAND_USAGE_ERROR.
 */
int command_usage_error(const char *command, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* "nacl-report COMMAND: CAUSE" on standard error; frees cause and returns
 * COMMAND_USAGE_ERROR. */
int command_input_error(const char *command, char *cause);
/*
 * getopt_long's complaint about argv[optind - 1] (opt is what it returned:
 * ':' for a missing value, else an unknown option) in our words, naming
 * the options accepted; returns COMMAND_USAGE_ERROR.
 */
int command_option_error(const char *command, int opt, int argc, char **argv,
			 const char *accepted);
/* 0 when both --probe-subnet and --agent-subnet are given, else the usage
 * error naming the missing one. */
int command_need_subnets(const char *command, const char *probe,
			 const char *agent);
/* One option getopt_long found (opt is its val, name its long name, arg
 * its value or NULL) into the subcommand's options o; 0, or -1 once the
 * error is printed. */
typedef int command_option_fn(int opt, const char *name, const char *arg,
			      void *o);
/*
 * getopt_long over argv (argv[0] the subcommand) the way every subcommand
 * reads it: --help sets *help and stops; an unknown option or a missing
 * value is the usage error naming the accepted ones; every other option
 * goes to handle. Returns 0 with optind at the first operand, or -1
 * (printed).
 */
int command_parse_options(const char *command, int argc, char **argv,
			  const struct option *options, const char *accepted,
			  command_option_fn *handle, void *o, bool *help);
/* An output option's file name (- for standard output) into *out; 0, or
 * the usage error when it is empty. */
int command_output_option(const char *command, const char *option,
			  const char *arg, const char **out);
/* 0 when src names its NACLs well (nacl_source_check), else that usage
 * error. */
int command_need_source(const char *command, const struct nacl_source *src);
/* Flushes standard output; on failure says so and returns
 * COMMAND_USAGE_ERROR, else rc. */
int command_flush(const char *command, int rc);

/* nacl-report SUBCOMMAND ARGS (argv[0] is the subcommand's name); each
 * returns the exit code. */
int explain_command(int argc, char **argv);
int nft_command(int argc, char **argv);
int predict_command(int argc, char **argv);
int plan_command(int argc, char **argv);

#endif
