/* User text quoted back in errors and on terminals, made safe to print. */
/* Every reader quotes what it refuses through text_printable; enum names are
 * looked up with text_index. */
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

int
text_index(const char *const *names, size_t count, const char *name)
{
	size_t i;

	for (i = 0; i < count; i++)
		if (names[i] != NULL && strcmp(name, names[i]) == 0)
			return (int)i;
	return -1;
}
