/* User text quoted back in errors and on terminals, made safe to print, */
/* and looked up in tables of names. Escape sequences never pass. */
#ifndef NACL_TEXT_H
#define NACL_TEXT_H

#include <stddef.h>

/*
 * s made safe to quote inside an error or a terminal line: bytes outside
 * printable ASCII become '?', and past max characters it ends in "...".
 * free() the result.
 */
char *text_printable(const char *s, size_t max);
/* The index of name in names[0..count-1] (compared exactly), or -1. */
int text_index(const char *const *names, size_t count, const char *name);

#endif
