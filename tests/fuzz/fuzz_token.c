/* libFuzzer target: identity extraction of every service, then the token check.
 */
/* A random token that verifies would be a broken check: abort. */
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

#include "common/auth.h"
#include "common/service.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct service_config config = {1, 0};
	static const uint8_t key[AUTH_SESSION_KEY_SIZE] = {1, 2, 3};
	struct sockaddr_in peer = {.sin_family = AF_INET};
	struct answer_context ctx = {(struct sockaddr *)&peer, &config, 1};
	uint8_t out[SERVICE_MAX_MESSAGE + SERVICE_MAX_GROWTH];
	struct request_info info;
	struct auth_token_input in;
	size_t i, outlen;
	int proto;

	if (size > SERVICE_MAX_MESSAGE)
		return 0;
	for (i = 0; i < service_count(); i++) {
		for (proto = PROTO_UDP; proto <= PROTO_TCP; proto++) {
			memset(&info, 0, sizeof info);
			service_ops((enum service)i)
				->request_answer((enum proto)proto, data, size,
						 &ctx, &info, out, sizeof out,
						 &outlen);
			if (!info.identified)
				continue;
			in.proto = (enum proto)proto;
			in.dport = 7;
			in.sport = info.sport;
			in.session = info.session;
			in.seq = info.seq;
			in.attempt = info.attempt;
			if (auth_token_verify(key, &in, info.token))
				abort();
		}
	}
	return 0;
}
