/* What nacl-report's subcommands share: usage errors, exit codes, outputs. */
/* Messages name the option or input and what would be accepted. */
#include "reports/command.h"

#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/usage.h"
#include "common/xmalloc.h"
#include "reports/atomic_file.h"
#include "reports/nacl_source.h"

int
command_usage_error(const char *command, const char *fmt, ...)
{
	char program[64];
	va_list ap;

	snprintf(program, sizeof program, "nacl-report %s", command);
	va_start(ap, fmt);
	usage_vprint(program, fmt, ap);
	va_end(ap);
	return COMMAND_USAGE_ERROR;
}

int
command_input_error(const char *command, char *cause)
{
	fprintf(stderr, "nacl-report %s: %s\n", command, cause);
	free(cause);
	return COMMAND_USAGE_ERROR;
}

int
command_output_option(const char *command, const char *option, const char *arg,
		      const char **out)
{
	if (*arg == '\0')
		return command_usage_error(command,
					   "%s needs a file name (- for "
					   "standard output)",
					   option);
	*out = arg;
	return 0;
}

int
command_need_subnets(const char *command, const char *probe, const char *agent)
{
	if (probe != NULL && agent != NULL)
		return 0;
	return command_usage_error(command,
				   "missing --%s-subnet: give the %s's subnet "
				   "as subnet-ID, acl-ID, ID=CIDR or CIDR",
				   probe ? "agent" : "probe",
				   probe ? "agent" : "probe");
}

int
command_need_source(const char *command, const struct nacl_source *src)
{
	const char *problem = nacl_source_check(src);

	if (problem == NULL)
		return 0;
	return command_usage_error(command, "%s", problem);
}

int
command_flush(const char *command, int rc)
{
	if (fflush(stdout) == 0 && !ferror(stdout))
		return rc;
	fprintf(stderr, "nacl-report %s: standard output: write error\n",
		command);
	return COMMAND_USAGE_ERROR;
}

int
command_write_file(const char *path, const char *what, const char *data,
		   char **cause)
{
	if (strcmp(path, "-") == 0) {
		fputs(data, stdout);
		return 0;
	}
	return atomic_file_replace(path, what, data, strlen(data), cause);
}

int
command_write_json(const char *path, const char *what, cJSON *root,
		   char **cause)
{
	char *text = xcheck(cJSON_Print(root)), *data;
	int rc;

	cJSON_Delete(root);
	data = xasprintf("%s\n", text);
	free(text);
	rc = command_write_file(path, what, data, cause);
	free(data);
	return rc;
}
