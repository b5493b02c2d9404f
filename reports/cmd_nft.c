/* nacl-report nft: two subnets' NACLs as nftables rules for the testbed. */
/* tests/netns/testbed.sh nacl loads what it prints into the router. */
#include <getopt.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/cmdline.h"
#include "common/text.h"
#include "reports/command.h"
#include "reports/explain.h"
#include "reports/nacl_source.h"

static const char nft_usage_text[] =
	"usage: nacl-report nft (ACLS.json | --terraform-plan PLAN.json "
	"[--before] |\n"
	"                       --cloudformation TEMPLATE) [--nacl "
	"CURRENT.json]\n"
	"                       --probe-subnet NAME=CIDR[,CIDR]\n"
	"                       --agent-subnet NAME=CIDR[,CIDR] [--table "
	"NAME]\n"
	"                       [--chain NAME]\n"
	"\n"
	"Prints an 'nft -f' script that emulates the two NACLs statelessly in\n"
	"chain --chain (forward) of table inet --table (nacl), which must "
	"exist:\n"
	"one chain per direction (probe_out, agent_in, agent_out, probe_in),\n"
	"allow = return, deny = drop, then the final deny; jumped to by the\n"
	"subnets' CIDRs. tests/netns/testbed.sh nacl uses it.\n"
	"  ACLS.json                what 'aws ec2 describe-network-acls' "
	"prints\n"
	"  --terraform-plan PLAN    'terraform show -json PLAN': the NACLs "
	"after\n"
	"                           apply (--before: as they are before)\n"
	"  --cloudformation FILE    a template (JSON or YAML): the NACLs after "
	"deploy\n"
	"  --nacl CURRENT.json      beside a plan or template: the NACLs it "
	"does\n"
	"                           not touch\n"
	"  --probe-subnet NAME=CIDR[,CIDR]  the probe's subnet (a subnet or "
	"NACL\n"
	"                           ID; for a plan or template also a "
	"Terraform\n"
	"                           address or logical ID) and its networks;\n"
	"                           --agent-subnet the agent's\n"
	"  --table NAME, --chain NAME  where the rules go (nacl, forward)\n"
	"  -h, --help               this text\n"
	"\n"
	"Exit status: 0 printed, 2 usage error or unreadable input.\n";

struct nft_options {
	struct nacl_source source;
	const char *probe_subnet;
	const char *agent_subnet;
	const char *table;
	const char *chain;
};

static int
nft_parse_options(int argc, char **argv, struct nft_options *o)
{
	static const struct cmdline_option options[] = {
		CMDLINE_TEXT("probe-subnet", struct nft_options, probe_subnet),
		CMDLINE_TEXT("agent-subnet", struct nft_options, agent_subnet),
		CMDLINE_TEXT("table", struct nft_options, table),
		CMDLINE_TEXT("chain", struct nft_options, chain),
		NACL_SOURCE_OPTIONS(struct nft_options, source),
		CMDLINE_END,
	};
	static const struct cmdline cmdline = {
		.program = "nacl-report nft",
		.usage = nft_usage_text,
		.operand = "ACLS.json",
		.options = options,
	};
	int rc;

	memset(o, 0, sizeof *o);
	o->table = "nacl";
	o->chain = "forward";
	rc = cmdline_parse(&cmdline, argc, argv, o);
	if (rc != CMDLINE_GO)
		return rc;
	if (optind < argc && o->source.nacl != NULL) {
		command_usage_error("nft",
				    "give ACLS.json or --nacl, not both");
		return -1;
	}
	if (optind < argc)
		o->source.nacl = argv[optind];
	if (o->source.nacl == NULL && o->source.terraform_plan == NULL &&
	    o->source.cloudformation == NULL) {
		command_usage_error("nft", "missing ACLS.json: give the JSON "
					   "of 'aws ec2 describe-network-acls'"
					   " (or --terraform-plan, "
					   "--cloudformation)");
		return -1;
	}
	if (command_need_source("nft", &o->source) != 0)
		return -1;
	if (command_need_subnets("nft", o->probe_subnet, o->agent_subnet) != 0)
		return -1;
	return 0;
}

static bool
nft_name_valid(const char *s)
{
	size_t i, len = strlen(s);

	if (len == 0 || len > 64 || (s[0] >= '0' && s[0] <= '9'))
		return false;
	for (i = 0; i < len; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') ||
		      (s[i] >= 'A' && s[i] <= 'Z') ||
		      (s[i] >= '0' && s[i] <= '9') || s[i] == '_'))
			return false;
	return true;
}

int
nft_command(int argc, char **argv)
{
	struct explain_side probe, agent;
	struct nacl_nft_side p, a;
	struct nft_options o;
	struct nacl_set set = {0};
	char *cause = NULL, *script, *file;
	const char *bad;
	int rc;

	rc = nft_parse_options(argc, argv, &o);
	if (rc != CMDLINE_GO)
		return rc == CMDLINE_HELP ? 0 : COMMAND_USAGE_ERROR;
	bad = !nft_name_valid(o.table)	 ? o.table
	      : !nft_name_valid(o.chain) ? o.chain
					 : NULL;
	if (bad != NULL) {
		char *shown = text_printable(bad, 40);

		rc = command_usage_error("nft",
					 "'%s' is not an nft name for --%s "
					 "(expected letters, digits and '_')",
					 shown,
					 bad == o.table ? "table" : "chain");
		free(shown);
		return rc;
	}
	if (nacl_source_load(&o.source, &set, &cause) != 0)
		return command_input_error("nft", cause);
	file = nacl_source_describe(&o.source);
	rc = explain_side_parse(&set, file, "--probe-subnet", o.probe_subnet,
				&probe, &cause);
	if (rc == 0 && explain_side_parse(&set, file, "--agent-subnet",
					  o.agent_subnet, &agent, &cause) != 0)
		rc = -1;
	free(file);
	if (rc != 0) {
		explain_side_free(&probe);
		nacl_set_free(&set);
		return command_input_error("nft", cause);
	}
	if (probe.nnets == 0 || agent.nnets == 0) {
		explain_side_free(&probe);
		explain_side_free(&agent);
		nacl_set_free(&set);
		return command_usage_error(
			"nft",
			"--%s-subnet needs its CIDRs: give ID=CIDR[,CIDR], "
			"e.g. subnet-0abc=198.18.1.0/24,2001:db8:1::/64",
			probe.nnets == 0 ? "probe" : "agent");
	}
	p.acl = probe.acl;
	p.nets = probe.nets;
	p.nnets = probe.nnets;
	a.acl = agent.acl;
	a.nets = agent.nets;
	a.nnets = agent.nnets;
	script = nacl_to_nft(&p, &a, o.table, o.chain);
	fputs(script, stdout);
	free(script);
	explain_side_free(&probe);
	explain_side_free(&agent);
	nacl_set_free(&set);
	return command_flush("nft", 0);
}
