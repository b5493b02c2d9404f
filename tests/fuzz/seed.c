/* Writes seed inputs for the fuzz targets from the real encoders. */
/* usage: seed DIR — creates DIR/<target>/<n> files; run by make fuzz. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "common/control.h"
#include "common/service.h"

static void
seed_write(const char *dir, const char *target, int n, const void *data,
	   size_t len)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof path, "%s/%s", dir, target);
	if (mkdir(path, 0755) != 0 && errno != EEXIST) {
		perror(path);
		exit(1);
	}
	snprintf(path, sizeof path, "%s/%s/seed-%d", dir, target, n);
	f = fopen(path, "wb");
	if (f == NULL || fwrite(data, 1, len, f) != len || fclose(f) != 0) {
		perror(path);
		exit(1);
	}
}

/* The shipped examples of path seed target (run from the repository). */
static void
seed_copy(const char *dir, const char *target, int n, const char *path)
{
	char buf[1 << 16];
	size_t len;
	FILE *f = fopen(path, "rb");

	if (f == NULL) {
		perror(path);
		exit(1);
	}
	len = fread(buf, 1, sizeof buf, f);
	fclose(f);
	seed_write(dir, target, n, buf, len);
}

/* The plan and template readers' seeds: the examples nacl-report ships. */
static void
seed_plans(const char *dir)
{
	seed_copy(dir, "tfplan", 0,
		  "scenarios/terraform/narrow-ephemeral.json");
	seed_copy(dir, "tfplan", 1,
		  "scenarios/terraform/unrelated-change.json");
	seed_copy(dir, "cfn", 0,
		  "scenarios/cloudformation/narrow-ephemeral.yaml");
	seed_copy(dir, "cfn", 1,
		  "scenarios/cloudformation/narrow-ephemeral.cdk.json");
}

int
main(int argc, char **argv)
{
	static const struct service_config config = {1, 0};
	struct sockaddr_in peer = {0};
	struct answer_context ctx = {(struct sockaddr *)&peer, &config, 1};
	uint8_t buf[SERVICE_MAX_MESSAGE], out[SERVICE_MAX_MESSAGE + 64];
	struct request_info info;
	struct probe_id id = {0};
	size_t s, len, outlen;
	int proto, agent, n;
	cJSON *msg;
	uint8_t *frame;
	char *cause;

	if (argc != 2) {
		fprintf(stderr, "usage: seed DIR\n");
		return 2;
	}
	peer.sin_family = AF_INET;
	peer.sin_port = htons(40000);
	for (s = 0; s < service_count(); s++) {
		const struct service_ops *ops = service_ops((enum service)s);

		n = 0;
		for (proto = PROTO_UDP; proto <= PROTO_TCP; proto++) {
			for (agent = 0; agent <= 1; agent++) {
				id.session = 0x01020304;
				id.seq = 7;
				id.attempt = 1;
				id.sport = 40000;
				id.dport = 53;
				id.agent = agent;
				id.dns_name = "example.com";
				id.host = "198.18.2.1";
				id.nonce = 0x1234;
				len = ops->request_encode(&id,
							  (enum proto)proto,
							  buf, sizeof buf);
				if (len == 0)
					continue;
				seed_write(argv[1], ops->name, n, buf, len);
				/* fuzz_token parses every service's requests.
				 */
				seed_write(argv[1], "token",
					   (int)(s * 100) + n++, buf, len);
				memset(&info, 0, sizeof info);
				if (ops->request_answer((enum proto)proto, buf,
							len, &ctx, &info, out,
							sizeof out, &outlen) ==
				    ANSWER_REPLY)
					seed_write(argv[1], ops->name, n++, out,
						   outlen);
			}
		}
	}
	msg = control_message_new("seen");
	cJSON_AddNumberToObject(msg, "session", 1);
	cJSON_AddItemToArray(cJSON_AddArrayToObject(msg, "entries"),
			     cJSON_Parse("[\"udp\",7000,40000,\"198.18.1.1\","
					 "40000,1]"));
	frame = control_frame_encode(msg, &len, &cause);
	seed_write(argv[1], "control", 0, frame, len);
	free(frame);
	cJSON_Delete(msg);
	seed_plans(argv[1]);
	return 0;
}
