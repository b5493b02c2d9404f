/* nacl-report nft: two subnets' NACLs as nftables rules for the testbed. */
/* tests/netns/testbed.sh nacl loads what it prints into the router. */
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/text.h"
#include "reports/command.h"
#include "reports/explain.h"

static const char nft_usage_text[] =
	"usage: nacl-report nft ACLS.json --probe-subnet ID=CIDR[,CIDR]\n"
	"                       --agent-subnet ID=CIDR[,CIDR] [--table NAME]\n"
	"                       [--chain NAME]\n"
	"\n"
	"Prints an 'nft -f' script that emulates the two NACLs statelessly in\n"
	"chain --chain (forward) of table inet --table (nacl), which must "
	"exist:\n"
	"one chain per direction (probe_out, agent_in, agent_out, probe_in),\n"
	"allow = return, deny = drop, then the final deny; jumped to by the\n"
	"subnets' CIDRs. tests/netns/testbed.sh nacl uses it.\n"
	"  --probe-subnet ID=CIDR[,CIDR]  the probe's subnet (subnet-ID or "
	"acl-ID)\n"
	"                                 and its networks; --agent-subnet "
	"the\n"
	"                                 agent's\n"
	"  --table NAME, --chain NAME     where the rules go (nacl, "
	"forward)\n"
	"  -h, --help                     this text\n"
	"\n"
	"Exit status: 0 printed, 2 usage error or unreadable input.\n";

struct nft_options {
	const char *nacl; /* ACLS.json */
	const char *probe_subnet;
	const char *agent_subnet;
	const char *table;
	const char *chain;
};

static int
nft_parse_options(int argc, char **argv, struct nft_options *o, bool *help)
{
	static const struct option options[] = {
		{"probe-subnet", required_argument, NULL, 'p'},
		{"agent-subnet", required_argument, NULL, 'a'},
		{"table", required_argument, NULL, 't'},
		{"chain", required_argument, NULL, 'c'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	static const char accepted[] =
		"--probe-subnet, --agent-subnet, --table, --chain and --help";
	int opt;

	memset(o, 0, sizeof *o);
	o->table = "nacl";
	o->chain = "forward";
	*help = false;
	opterr = 0;
	optind = 0;
	while ((opt = getopt_long(argc, argv, ":h", options, NULL)) != -1) {
		switch (opt) {
		case 'p':
			o->probe_subnet = optarg;
			break;
		case 'a':
			o->agent_subnet = optarg;
			break;
		case 't':
			o->table = optarg;
			break;
		case 'c':
			o->chain = optarg;
			break;
		case 'h':
			*help = true;
			return 0;
		default:
			command_option_error("nft", opt, argc, argv, accepted);
			return -1;
		}
	}
	if (optind == argc) {
		command_usage_error("nft",
				    "missing ACLS.json: give the JSON "
				    "of 'aws ec2 describe-network-acls'");
		return -1;
	}
	if (argc - optind > 1) {
		command_usage_error("nft",
				    "unexpected argument '%s': give exactly "
				    "one ACLS.json",
				    argv[optind + 1]);
		return -1;
	}
	o->nacl = argv[optind];
	if (o->probe_subnet == NULL || o->agent_subnet == NULL) {
		command_usage_error("nft",
				    "missing --%s-subnet: give the %s's "
				    "subnet as subnet-ID, acl-ID, ID=CIDR or "
				    "CIDR",
				    o->probe_subnet ? "agent" : "probe",
				    o->probe_subnet ? "agent" : "probe");
		return -1;
	}
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
	char *cause = NULL, *script;
	const char *bad;
	bool help;

	if (nft_parse_options(argc, argv, &o, &help) != 0)
		return COMMAND_USAGE_ERROR;
	if (help) {
		fputs(nft_usage_text, stdout);
		return 0;
	}
	bad = !nft_name_valid(o.table)	 ? o.table
	      : !nft_name_valid(o.chain) ? o.chain
					 : NULL;
	if (bad != NULL) {
		char *shown = text_printable(bad, 40);
		int rc = command_usage_error(
			"nft",
			"'%s' is not an nft name for --%s (expected letters, "
			"digits and '_')",
			shown, bad == o.table ? "table" : "chain");

		free(shown);
		return rc;
	}
	if (nacl_set_read_file(o.nacl, &set, &cause) != 0)
		return command_input_error("nft", cause);
	if (explain_side_parse(&set, o.nacl, "--probe-subnet", o.probe_subnet,
			       &probe, &cause) != 0) {
		nacl_set_free(&set);
		return command_input_error("nft", cause);
	}
	if (explain_side_parse(&set, o.nacl, "--agent-subnet", o.agent_subnet,
			       &agent, &cause) != 0) {
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
