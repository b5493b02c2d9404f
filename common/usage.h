/* Usage errors of the programs' command lines, worded one way everywhere. */
/* nacl-probe, nacl-agent and nacl-report print them; their mains exit. */
#ifndef NACL_USAGE_H
#define NACL_USAGE_H

#include <stdarg.h>

/*
 * "PROGRAM: MESSAGE" and "Try 'PROGRAM --help'." on standard error;
 * program may hold a subcommand ("nacl-report explain").
 */
void usage_vprint(const char *program, const char *fmt, va_list ap)
	__attribute__((format(printf, 2, 0)));
/* The same with printf's arguments. */
void usage_print(const char *program, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* usage_vprint's message, then exit(status). */
void usage_exit(int status, const char *program, const char *fmt, ...)
	__attribute__((format(printf, 3, 4), noreturn));
/*
 * The whole number text from min to max into *out, or -1 once the usage
 * error naming option, text and the range is printed.
 */
int usage_number(const char *program, const char *option, const char *text,
		 unsigned long min, unsigned long max, unsigned long *out);

#endif
