/* Text helpers for the tests of modules that read files or describe NACLs
 * (see fixture_text.h). */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <unistd.h>

#include "common/xmalloc.h"
#include "common/service.h"
#include "tests/unit/fixture_text.h"

char *
fixture_double_quoted(const char *s)
{
	char *out = xstrdup(s), *p;

	for (p = out; *p; p++)
		if (*p == '\'')
			*p = '"';
	return out;
}

char *
fixture_write_temp(const char *content, size_t len)
{
	char *path = xstrdup("/tmp/nacl-unit-XXXXXX");
	int fd = mkstemp(path);

	cr_assert_geq(fd, 0);
	cr_assert_eq(write(fd, content, len), (ssize_t)len);
	close(fd);
	return path;
}

char *
fixture_entries_text(const struct nacl *acl)
{
	char *out = xstrdup(""), *next, *what;
	size_t i;

	for (i = 0; i < acl->nentries; i++) {
		what = nacl_entry_describe(&acl->entries[i]);
		next = xasprintf("%s%s%u %s", out, i ? ", " : "",
				 acl->entries[i].rule_number, what);
		free(out);
		free(what);
		out = next;
	}
	return out;
}

char *
fixture_service_names_between(const char *before, const char *after)
{
	char *names = service_names_text();
	char *text = xasprintf("%s%s%s", before, names, after);

	free(names);
	return text;
}

char *
fixture_drop_text(const struct nacl_path_result *res)
{
	const struct nacl_entry *e;
	const char *hop;

	if (res->drop_hop < 0)
		return xstrdup("-");
	e = res->hops[res->drop_hop].entry;
	hop = nacl_hop_name((enum nacl_hop)res->drop_hop);
	if (nacl_entry_is_default(e))
		return xasprintf("%s/*", hop);
	return xasprintf("%s/%u", hop, e->rule_number);
}
