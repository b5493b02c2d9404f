/* Allocation wrappers that never return NULL: out of memory is fatal. */
/* One place to die on ENOMEM keeps every caller free of NULL checks. */
#include "common/xmalloc.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The one place the programs die of ENOMEM; size 0: not known. */
static void
xmalloc_die(size_t size)
{
	if (size == 0)
		fprintf(stderr, "fatal: out of memory\n");
	else
		fprintf(stderr, "fatal: out of memory allocating %zu bytes\n",
			size);
	abort();
}

void *
xmalloc(size_t size)
{
	void *p = malloc(size ? size : 1);

	if (p == NULL)
		xmalloc_die(size);
	return p;
}

void *
xcalloc(size_t count, size_t size)
{
	void *p = calloc(count ? count : 1, size ? size : 1);

	if (p == NULL)
		xmalloc_die(count * size);
	return p;
}

void *
xreallocarray(void *ptr, size_t count, size_t size)
{
	void *p;

	if (size != 0 && count > SIZE_MAX / size)
		xmalloc_die(SIZE_MAX);
	p = realloc(ptr, count * size != 0 ? count * size : 1);
	if (p == NULL)
		xmalloc_die(count * size);
	return p;
}

char *
xstrdup(const char *s)
{
	char *p = strdup(s);

	if (p == NULL)
		xmalloc_die(strlen(s) + 1);
	return p;
}

char *
xvasprintf(const char *fmt, va_list ap)
{
	char *s;

	if (vasprintf(&s, fmt, ap) < 0)
		xmalloc_die(0);
	return s;
}

char *
xasprintf(const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	s = xvasprintf(fmt, ap);
	va_end(ap);
	return s;
}

void *
xcheck(void *p)
{
	if (p == NULL)
		xmalloc_die(0);
	return p;
}

void
xappendf(char **s, const char *fmt, ...)
{
	va_list ap;
	char *part, *next;

	va_start(ap, fmt);
	part = xvasprintf(fmt, ap);
	va_end(ap);
	next = xasprintf("%s%s", *s, part);
	free(part);
	free(*s);
	*s = next;
}
