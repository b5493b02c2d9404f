/* The programs' version, set by the Makefile from VERSION and git. */
/* Built without the Makefile's definition, it says so rather than guess. */
#include "common/version.h"

#include <stdio.h>

#ifndef NACL_VERSION
#define NACL_VERSION "0.0.0+unknown"
#endif

const char *
nacl_version(void)
{
	return NACL_VERSION;
}

void
nacl_version_print(const char *program)
{
	printf("%s %s\n", program, nacl_version());
}
