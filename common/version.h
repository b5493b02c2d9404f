/* The programs' version: the VERSION file, plus the commit when built from a
 * clone. */
/* One source of truth for --version, the report's "tool" and build_info. */
#ifndef NACL_VERSION_H
#define NACL_VERSION_H

/* "0.2.0", or "0.2.0+g1a2b3c4" (".dirty" after local changes) from a clone
 * that is not at the release's tag. */
const char *nacl_version(void);

/* Prints "PROGRAM VERSION" to standard output, for --version. */
void nacl_version_print(const char *program);

#endif
