/* Shared body of the protocol fuzz targets: every parser of one service. */
/* The agent's answer must stay within 64 bytes of the request, or we abort. */
#ifndef NACL_FUZZ_SERVICE_H
#define NACL_FUZZ_SERVICE_H

#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include "common/service.h"
#include "tests/fuzz/fuzz_id.h"

static void
fuzz_service(const char *name, const uint8_t *data, size_t size)
{
	static const struct service_config config = {1, 0};
	struct sockaddr_in6 peer;
	struct answer_context ctx = {(struct sockaddr *)&peer, &config,
				     0xeb000000aa000000ULL};
	uint8_t out[SERVICE_MAX_MESSAGE + SERVICE_MAX_GROWTH];
	struct request_info info;
	struct reply_info reply;
	struct probe_id id = {0};
	const struct service_ops *ops;
	enum service service;
	size_t outlen;
	int proto, agent;

	memset(&peer, 0, sizeof peer);
	peer.sin6_family = AF_INET6;
	peer.sin6_port = htons(65535);
	memset(&peer.sin6_addr, 0xff, sizeof peer.sin6_addr);
	if (size > SERVICE_MAX_MESSAGE)
		return;
	if (service_parse(name, &service) != 0)
		abort();
	ops = service_ops(service);
	for (proto = PROTO_UDP; proto <= PROTO_TCP; proto++) {
		memset(&info, 0, sizeof info);
		if (ops->request_answer((enum proto)proto, data, size, &ctx,
					&info, out, sizeof out,
					&outlen) == ANSWER_REPLY &&
		    (outlen > sizeof out || outlen > size + SERVICE_MAX_GROWTH))
			abort();
		for (agent = 0; agent <= 1; agent++) {
			fuzz_probe_id(&id, agent); /* as seed.c encodes */
			ops->reply_match(&id, (enum proto)proto, data, size,
					 false, &reply);
			ops->reply_match(&id, (enum proto)proto, data, size,
					 true, &reply);
		}
	}
}

#endif
