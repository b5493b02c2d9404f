/* Text helpers for the tests of modules that read files or describe NACLs:
 * JSON written with ' for ", temporary files, entry lists. */
/* Every function asserts with Criterion, so call them from tests only. */
#ifndef NACL_TEST_FIXTURE_TEXT_H
#define NACL_TEST_FIXTURE_TEXT_H

#include <stddef.h>

#include "reports/nacl.h"

/* s with every ' turned into " (test JSON holds no apostrophes); free it. */
char *fixture_double_quoted(const char *s);

/* A new file under /tmp holding len bytes of content; its path, to free. */
char *fixture_write_temp(const char *content, size_t len);

/* "in 100 allow tcp 1024-65535 from 0.0.0.0/0, out ..." of acl; free it. */
char *fixture_entries_text(const struct nacl *acl);

/* "-" when res drops nothing, else "HOP/RULE" of the drop, with RULE "*"
 * when a default deny drops it; free it. */
char *fixture_drop_text(const struct nacl_path_result *res);

/* before, the service names as errors list them (service_names_text), then
 * after: an expected error message, to free. */
char *fixture_service_names_between(const char *before, const char *after);

#endif
