/* RFC 3339 times, as the report and the events carry them. */
/* Parsing is strict: a time nacl-report cannot read is left out, not guessed.
 */
#ifndef NACL_RFC3339_H
#define NACL_RFC3339_H

#include <time.h>

/*
 * Parses an RFC 3339 time ("2026-11-20T23:48:00Z", fractions and offsets
 * allowed) into *t. Returns 0, or -1 when text is not one.
 */
int rfc3339_parse(const char *text, time_t *t);
/* "2026-11-20T23:48:00Z" for t, in UTC; free() it. */
char *rfc3339_format(time_t t);
/* The current time, as rfc3339_format; free() it. */
char *rfc3339_now(void);

#endif
