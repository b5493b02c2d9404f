/* User text quoted back in errors and on terminals, made safe to print. */
/* Every reader quotes what it refuses through this one function. */
#include "common/text.h"

#include <string.h>

#include "common/xmalloc.h"

char *
text_printable(const char *s, size_t max)
{
	size_t len = strlen(s), n = len > max ? max : len, i;
	char *out = xmalloc(n + 4);

	for (i = 0; i < n; i++)
		out[i] = s[i] >= 0x20 && s[i] < 0x7f ? s[i] : '?';
	out[n] = '\0';
	if (len > max)
		strcpy(out + n, "...");
	return out;
}
