/* The probe identity that tests/fuzz/seed.c encodes its seed requests with
 * and the service fuzz targets match replies against: one place, so that
 * the seeds stay requests the targets recognise. */
#ifndef NACL_FUZZ_ID_H
#define NACL_FUZZ_ID_H

#include <stdbool.h>

#include "common/service.h"

static void
fuzz_probe_id(struct probe_id *id, bool agent)
{
	id->session = 0x01020304;
	id->seq = 7;
	id->attempt = 1;
	id->sport = 40000;
	id->dport = 53;
	id->agent = agent;
	id->dns_name = "example.com";
	id->host = "198.18.2.1";
	id->nonce = 0x1234;
}

#endif
