/* Usage errors of the programs' command lines, worded one way everywhere. */
/* The same option given a bad number reads the same in every program. */
#include "common/usage.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

void
usage_vprint(const char *program, const char *fmt, va_list ap)
{
	fprintf(stderr, "%s: ", program);
	vfprintf(stderr, fmt, ap);
	fprintf(stderr, "\nTry '%s --help'.\n", program);
}

void
usage_print(const char *program, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	usage_vprint(program, fmt, ap);
	va_end(ap);
}

void
usage_exit(int status, const char *program, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	usage_vprint(program, fmt, ap);
	va_end(ap);
	exit(status);
}

int
usage_number(const char *program, const char *option, const char *text,
	     unsigned long min, unsigned long max, unsigned long *out)
{
	unsigned long n;
	char *end;

	errno = 0;
	n = strtoul(text, &end, 10);
	if (errno != 0 || *text == '\0' || *text == '-' || *end != '\0' ||
	    n < min || n > max) {
		usage_print(program,
			    "%s: bad value '%s': expected a whole number from "
			    "%lu to %lu",
			    option, text, min, max);
		return -1;
	}
	*out = n;
	return 0;
}
