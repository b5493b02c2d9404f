/* User text quoted back in errors and on terminals, made safe to print. */
/* A file name or a JSON value may hold escape sequences; they never pass. */
#ifndef NACL_TEXT_H
#define NACL_TEXT_H

#include <stddef.h>

/*
 * s made safe to quote inside an error or a terminal line: bytes outside
 * printable ASCII become '?', and past max characters it ends in "...".
 * free() the result.
 */
char *text_printable(const char *s, size_t max);

#endif
