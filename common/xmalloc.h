/* Allocation wrappers that never return NULL: out of memory is fatal. */
/* Strings and buffers they hand back are freed with free(). */
#ifndef NACL_XMALLOC_H
#define NACL_XMALLOC_H

#include <stdarg.h>
#include <stddef.h>

void *xmalloc(size_t size);
void *xcalloc(size_t count, size_t size);
void *xreallocarray(void *ptr, size_t count, size_t size);
char *xstrdup(const char *s);
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
char *xvasprintf(const char *fmt, va_list ap)
	__attribute__((format(printf, 1, 0)));
/* Appends the formatted text to the malloc'd string *s (replacing it). */
void xappendf(char **s, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* p itself, never NULL: for libraries that return NULL when out of memory
 * (cJSON, open_memstream). */
void *xcheck(void *p);

#endif
