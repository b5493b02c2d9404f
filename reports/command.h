/* nacl-report's subcommands and what they share: usage errors, exit codes. */
/* Each subcommand lives in its own cmd_*.c; main.c dispatches to them. */
#ifndef NACL_COMMAND_H
#define NACL_COMMAND_H

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
