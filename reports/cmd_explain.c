/* nacl-report explain: which NACL rule drops each measured range, if any. */
/* Reads a report and a describe-network-acls export; the model is in
 * explain.c, its rendering in explain_render.c. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/cmdline.h"
#include "common/xmalloc.h"
#include "reports/command.h"
#include "reports/explain.h"

static const char explain_usage_text[] =
	"usage: nacl-report explain REPORT.json --nacl ACLS.json "
	"--probe-subnet S\n"
	"                           --agent-subnet S [--probe-address ADDR]\n"
	"                           [--agent-address ADDR] "
	"[--security-groups SGS.json]\n"
	"                           [--json]\n"
	"\n"
	"explain   predicts, from the NACLs themselves, the fate of every "
	"source port\n"
	"          the report swept, and sets it against what was measured.\n"
	"          A probe crosses four NACL directions: the request leaves "
	"the probe's\n"
	"          subnet (probe-out) and enters the agent's (agent-in); the "
	"reply\n"
	"          leaves the agent's subnet (agent-out) and enters the "
	"probe's\n"
	"          (probe-in). Each is judged the AWS way: entries by "
	"ascending rule\n"
	"          number, the first match wins, no match is the final deny "
	"(*); the\n"
	"          port range is the packet's destination port, the CIDR its "
	"peer; IPv4\n"
	"          entries never match IPv6 packets; protocol -1 matches all.\n"
	"  --nacl ACLS.json       what 'aws ec2 describe-network-acls' "
	"prints\n"
	"  --probe-subnet S       the probe's subnet, --agent-subnet S the "
	"agent's:\n"
	"                         subnet-ID (its NACL from the "
	"Associations), acl-ID\n"
	"                         (that NACL), ID=CIDR[,CIDR] (the same, "
	"and the\n"
	"                         address must lie in a CIDR), or a CIDR "
	"alone when\n"
	"                         ACLS.json holds exactly one NACL; both "
	"naming one\n"
	"                         subnet means no NACL filters the traffic\n"
	"  --probe-address ADDR   instead of the report's probe.bind "
	"(needed when\n"
	"                         the probe bound no address)\n"
	"  --agent-address ADDR   instead of the report's target.address\n"
	"  --security-groups SGS.json  what 'aws ec2 "
	"describe-security-groups'\n"
	"                         prints for the agent's groups: a request "
	"drop the\n"
	"                         NACLs allow is judged against their inbound "
	"rules\n"
	"                         (stateful: replies always pass), and one "
	"that\n"
	"                         they drop is named: no NACL fix helps it\n"
	"  --json                 print the nacl-probe/explain/v1 document "
	"instead\n"
	"  -h, --help             this text\n"
	"\n"
	"Every range that is not plainly ok is listed with its outcome:\n"
	"  explained        dropped, and the named NACL rule drops it in that "
	"direction\n"
	"                   (reply_dropped by agent-out or probe-in, "
	"request_dropped\n"
	"                   by probe-out or agent-in, dropped by any)\n"
	"  UNEXPLAINED      not ok, yet every NACL allows it (or it was "
	"rejected,\n"
	"                   which a NACL never does): something else on the "
	"path,\n"
	"                   a security group, a host firewall\n"
	"  CONTRADICTED     ok, yet a NACL rule should drop it: is the export "
	"stale?\n"
	"  WRONG DIRECTION  dropped one way, the NACLs drop it the other way\n"
	"  not probed       local_error: the probe could not send; not a "
	"disagreement\n"
	"\n"
	"Exit status: 0 every measured range agrees with the NACLs, 1 some "
	"range is\n"
	"unexplained, contradicted or in the wrong direction, 2 usage error "
	"or\n"
	"unreadable input.\n";

struct explain_options {
	const char *input; /* REPORT.json */
	const char *nacl;
	const char *probe_subnet;
	const char *agent_subnet;
	const char *probe_address;
	const char *agent_address;
	const char *security_groups;
	bool json;
};

static int
explain_parse_options(int argc, char **argv, struct explain_options *o)
{
	static const struct cmdline_option options[] = {
		CMDLINE_TEXT("nacl", struct explain_options, nacl),
		CMDLINE_TEXT("probe-subnet", struct explain_options,
			     probe_subnet),
		CMDLINE_TEXT("agent-subnet", struct explain_options,
			     agent_subnet),
		CMDLINE_TEXT("probe-address", struct explain_options,
			     probe_address),
		CMDLINE_TEXT("agent-address", struct explain_options,
			     agent_address),
		CMDLINE_TEXT("security-groups", struct explain_options,
			     security_groups),
		CMDLINE_FLAG("json", struct explain_options, json),
		CMDLINE_END,
	};
	static const struct cmdline cmdline = {
		.program = "nacl-report explain",
		.usage = explain_usage_text,
		.operand = "REPORT.json",
		.options = options,
	};
	int rc;

	memset(o, 0, sizeof *o);
	rc = cmdline_parse(&cmdline, argc, argv, o);
	if (rc != CMDLINE_GO)
		return rc;
	if (optind == argc) {
		command_usage_error("explain", "missing REPORT.json: give the "
					       "JSON file written by "
					       "nacl-probe --json");
		return -1;
	}
	o->input = argv[optind];
	if (o->nacl == NULL) {
		command_usage_error("explain", "missing --nacl ACLS.json: the "
					       "output of 'aws ec2 "
					       "describe-network-acls'");
		return -1;
	}
	if (command_need_subnets("explain", o->probe_subnet, o->agent_subnet) !=
	    0)
		return -1;
	return 0;
}

/* Reads the report and the NACLs, resolves both sides; 0 or -1 (printed). */
static int
explain_load(const struct explain_options *o, struct report *r,
	     struct nacl_set *set, struct explain_side *probe,
	     struct explain_side *agent, struct nacl_path *path)
{
	char *cause = NULL, *probe_where = NULL, *agent_where = NULL;
	const char *probe_addr, *agent_addr;
	int rc = -1;

	memset(r, 0, sizeof *r);
	memset(probe, 0, sizeof *probe);
	memset(agent, 0, sizeof *agent);
	if (report_read_json(o->input, r, &cause) != 0)
		goto out;
	/* One probe-agent path per explanation. */
	if (r->ntargets > 1) {
		cause = xasprintf("%s: the report holds %zu targets; explain "
				  "judges one probe and one agent: run the "
				  "scenario with one target per report",
				  o->input, r->ntargets);
		goto out;
	}
	if (nacl_set_read_file(o->nacl, set, &cause) != 0)
		goto out;
	if (explain_side_parse(set, o->nacl, "--probe-subnet", o->probe_subnet,
			       probe, &cause) != 0 ||
	    explain_side_parse(set, o->nacl, "--agent-subnet", o->agent_subnet,
			       agent, &cause) != 0)
		goto out;
	probe_addr = o->probe_address ? o->probe_address : r->probe_bind;
	agent_addr = o->agent_address ? o->agent_address : r->target_address;
	probe_where = o->probe_address ? xstrdup("--probe-address")
				       : xasprintf("%s: probe.bind", o->input);
	agent_where = o->agent_address
			      ? xstrdup("--agent-address")
			      : xasprintf("%s: target.address", o->input);
	if (probe_addr == NULL || *probe_addr == '\0') {
		cause = xasprintf("%s is empty: the probe bound no address; "
				  "give --probe-address ADDR",
				  probe_where);
		goto out;
	}
	if (agent_addr == NULL || *agent_addr == '\0') {
		cause = xasprintf("%s is empty; give --agent-address ADDR",
				  agent_where);
		goto out;
	}
	if (explain_path_init(path, probe, "--probe-subnet", probe_addr,
			      probe_where, agent, "--agent-subnet", agent_addr,
			      agent_where, &cause) != 0)
		goto out;
	rc = 0;
out:
	free(probe_where);
	free(agent_where);
	if (rc != 0)
		command_input_error("explain", cause);
	return rc;
}

int
explain_command(int argc, char **argv)
{
	struct explain_side probe, agent;
	struct explain_options o;
	struct nacl_set set = {0};
	struct nacl_path path;
	struct sg_set sgs = {NULL, 0};
	struct explain x;
	struct report r;
	char *cause = NULL;
	int rc;

	rc = explain_parse_options(argc, argv, &o);
	if (rc != CMDLINE_GO)
		return rc == CMDLINE_HELP ? 0 : COMMAND_USAGE_ERROR;
	if (explain_load(&o, &r, &set, &probe, &agent, &path) != 0) {
		explain_side_free(&probe);
		explain_side_free(&agent);
		nacl_set_free(&set);
		report_free(&r);
		return COMMAND_USAGE_ERROR;
	}
	if (o.security_groups != NULL &&
	    sg_set_read_file(o.security_groups, &sgs, &cause) != 0) {
		explain_side_free(&probe);
		explain_side_free(&agent);
		nacl_set_free(&set);
		report_free(&r);
		return command_input_error("explain", cause);
	}
	explain_build(&x, &r, &path);
	x.probe_subnet = probe.subnet_id;
	x.agent_subnet = agent.subnet_id;
	if (o.security_groups != NULL)
		explain_judge_security_groups(&x, &sgs);
	rc = explain_exit_code(&x);
	if (o.json) {
		cJSON *root = explain_to_json(&x);
		char *text = xcheck(cJSON_Print(root));

		cJSON_Delete(root);
		puts(text);
		free(text);
	} else
		explain_write_text(&x, stdout);
	rc = command_flush("explain", rc);
	explain_free(&x);
	sg_set_free(&sgs);
	explain_side_free(&probe);
	explain_side_free(&agent);
	nacl_set_free(&set);
	report_free(&r);
	return rc;
}
