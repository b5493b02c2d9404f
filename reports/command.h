/* nacl-report's subcommands and what they share: errors, exit codes, output. */
/* Each subcommand lives in its own cmd_*.c; main.c dispatches to them. */
#ifndef NACL_COMMAND_H
#define NACL_COMMAND_H

#include <cjson/cJSON.h>
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
/* 0 when both --probe-subnet and --agent-subnet are given, else the usage
 * error naming the missing one. */
int command_need_subnets(const char *command, const char *probe,
			 const char *agent);
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
/* data to path atomically (what names it in errors), or to standard output
 * for "-". Returns 0, or -1 with *cause (malloc'd). */
int command_write_file(const char *path, const char *what, const char *data,
		       char **cause);
/* root as indented JSON and a newline, as command_write_file writes it;
 * root is deleted. */
int command_write_json(const char *path, const char *what, cJSON *root,
		       char **cause);

/* nacl-report SUBCOMMAND ARGS (argv[0] is the subcommand's name); each
 * returns the exit code. */
int explain_command(int argc, char **argv);
int nft_command(int argc, char **argv);
int predict_command(int argc, char **argv);
int plan_command(int argc, char **argv);

#endif
