/* Writes seed inputs for the fuzz targets from the real encoders. */
/* usage: seed DIR — creates DIR/<target>/<n> files; run by make fuzz. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "common/control.h"
#include "common/control_msg.h"
#include "common/service.h"
#include "tests/fuzz/fuzz_id.h"

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

static void
seed_message(const char *dir, int n, const struct control_msg *msg)
{
	char *cause = NULL;
	uint8_t *frame;
	size_t len;

	frame = control_msg_encode(msg, &len, &cause);
	if (frame == NULL) {
		fprintf(stderr, "seed: %s\n", cause);
		exit(1);
	}
	seed_write(dir, "control", n, frame, len);
	free(frame);
}

static void
seed_control(const char *dir)
{
	struct control_msg msg;
	char *cause = NULL;
	int n = 0, t;

	for (t = 0; t < CONTROL_MSG_COUNT; t++) {
		memset(&msg, 0, sizeof msg);
		msg.type = (enum control_msg_type)t;
		switch (msg.type) {
		case CONTROL_MSG_HELLO:
			strcpy(msg.u.hello.client, "nacl-probe/0.2");
			msg.u.hello.keyed = true;
			break;
		case CONTROL_MSG_AGENT_HELLO:
			strcpy(msg.u.agent_hello.agent, "nacl-agent/0.2");
			break;
		case CONTROL_MSG_OPEN:
			strcpy(msg.u.open.probe_addr, "198.18.1.1");
			check_list_parse("udp/53,tcp/53", &msg.u.open.ports,
					 &cause);
			range_list_parse("40000-40009", &msg.u.open.sports, 1,
					 &cause);
			msg.u.open.planned = 20;
			msg.u.open.keepalive_ms = 1000;
			break;
		case CONTROL_MSG_OPENED:
			msg.u.opened.session = 1;
			msg.u.opened.evidence = EVIDENCE_CAPTURE;
			break;
		case CONTROL_MSG_SEEN_QUERY:
		case CONTROL_MSG_CLOSE:
		case CONTROL_MSG_CLOSED:
			msg.u.session = 1;
			break;
		case CONTROL_MSG_SEEN:
			check_list_parse("udp/53,tcp/53", &msg.u.open.ports,
					 &cause);
			{
				struct check_list checks = msg.u.open.ports;

				seen_report_init(&msg.u.seen, &checks, 10);
				check_list_free(&checks);
			}
			msg.u.seen.session = 1;
			seen_report_set(&msg.u.seen, 0, SEEN_WIRE_IN, 9);
			seen_report_set(&msg.u.seen, 1, SEEN_WIRE_OUT, 0);
			break;
		case CONTROL_MSG_ERROR:
			msg.u.error = strdup("no such session");
			break;
		default:
			break;
		}
		seed_message(dir, n++, &msg);
		control_msg_free(&msg);
	}
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
				fuzz_probe_id(&id, agent);
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
	/* One of each control message, as the programs send them. */
	seed_control(argv[1]);
	seed_plans(argv[1]);
	return 0;
}
