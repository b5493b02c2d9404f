/* What the fuzz targets of the NACL change readers (CloudFormation,
 * Terraform) check of a change they read: each state builds, or says why. */
#ifndef NACL_FUZZ_CHANGE_H
#define NACL_FUZZ_CHANGE_H

#include <stdbool.h>
#include <stdlib.h>

#include "reports/nacl_change.h"

/*
 * What a reader returned (rc) and said (cause) for c: a change read must
 * yield its state after, and before too if with_before; every failure must
 * say why (else abort). Frees cause and c.
 */
static void
fuzz_change_check(int rc, struct nacl_change *c, char *cause, bool with_before)
{
	struct nacl_set set;
	int after;

	if (rc != 0 && cause == NULL)
		abort();
	for (after = with_before ? 0 : 1; rc == 0 && after <= 1; after++) {
		if (nacl_change_state(c, after, NULL, &set, &cause) == 0)
			nacl_set_free(&set);
		else if (cause == NULL)
			abort();
		free(cause);
		cause = NULL;
	}
	free(cause);
	nacl_change_free(c);
}

#endif
