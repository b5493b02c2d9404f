/* nacl-report predict: the report a scenario's sweep would give, from NACLs. */
/* The model is in predict.c; this reads the inputs and writes the outputs. */
#include <getopt.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/cmdline.h"
#include "reports/command.h"
#include "reports/nacl_source.h"
#include "reports/predict.h"

static const char predict_usage_text[] =
	"usage: nacl-report predict --scenario FILE (--nacl ACLS.json |\n"
	"                           --terraform-plan PLAN.json [--before] |\n"
	"                           --cloudformation TEMPLATE) [--json OUT]\n"
	"\n"
	"Predicts, from NACLs alone, what a sweep of the scenario would "
	"measure:\n"
	"per target and check the source-port ranges that are ok, "
	"reply_dropped\n"
	"or request_dropped, each with the NACL rule and hop that decide it. "
	"The\n"
	"--json report is a nacl-probe v1 report marked \"predicted\": true; "
	"render,\n"
	"diff and the other formats take it, so 'nacl-report diff "
	"predicted.json\n"
	"measured.json' after the sweep tells whether the NACLs behave as "
	"modelled.\n"
	"\n"
	"  --scenario FILE          the scenario the sweep runs; each target "
	"names\n"
	"                           its sides' NACLs (probe_nacl, agent_nacl: "
	"an\n"
	"                           acl- or subnet- ID, a Terraform address, "
	"a\n"
	"                           CloudFormation logical ID) and its "
	"addresses\n"
	"                           (bind or probe_cidr, the agent's address "
	"or\n"
	"                           agent_cidr)\n"
	"  --nacl ACLS.json         what 'aws ec2 describe-network-acls' "
	"prints;\n"
	"                           beside a plan or template, the NACLs it "
	"does\n"
	"                           not touch\n"
	"  --terraform-plan PLAN    'terraform show -json PLAN': the NACLs "
	"after\n"
	"                           apply (--before: as they are before)\n"
	"  --cloudformation FILE    a template, JSON or YAML (cdk synth "
	"writes\n"
	"                           one): the NACLs after the stack deploys\n"
	"  --json OUT               write the predicted report to OUT "
	"(atomically;\n"
	"                           - for standard output, instead of the "
	"text)\n"
	"  -h, --help               this text\n"
	"\n"
	"Exit status: 0 every check would meet its expectations, 1 some "
	"would not,\n"
	"2 usage error or unreadable input (named: file, JSON path, value).\n";

struct predict_options {
	const char *scenario;
	const char *json;
	struct nacl_source source;
};

static int
predict_option(int key, const char *arg, void *options)
{
	struct predict_options *o = options;

	(void)key; /* --json, the one option with a handler */
	return command_output_option("predict", "--json", arg, &o->json);
}

static int
predict_parse_options(int argc, char **argv, struct predict_options *o)
{
	static const struct cmdline_option options[] = {
		CMDLINE_TEXT("scenario", struct predict_options, scenario),
		NACL_SOURCE_OPTIONS(struct predict_options, source),
		CMDLINE_VALUE("json", 'j'),
		CMDLINE_END,
	};
	static const struct cmdline cmdline = {
		.program = "nacl-report predict",
		.usage = predict_usage_text,
		.options = options,
		.handle = predict_option,
	};
	char *accepted;
	int rc;

	memset(o, 0, sizeof *o);
	rc = cmdline_parse(&cmdline, argc, argv, o);
	if (rc != CMDLINE_GO)
		return rc;
	if (optind < argc) {
		accepted = cmdline_accepted(&cmdline);
		command_usage_error("predict",
				    "unexpected argument '%s': the inputs are "
				    "options (%s)",
				    argv[optind], accepted);
		free(accepted);
		return -1;
	}
	if (o->scenario == NULL) {
		command_usage_error("predict", "missing --scenario FILE: the "
					       "scenario whose sweep to "
					       "predict");
		return -1;
	}
	return command_need_source("predict", &o->source) != 0 ? -1 : 0;
}

int
predict_command(int argc, char **argv)
{
	struct predict_options o;
	struct scenario s;
	struct nacl_set set;
	struct predict p;
	char *cause = NULL, *from;
	int rc;

	rc = predict_parse_options(argc, argv, &o);
	if (rc != CMDLINE_GO)
		return rc == CMDLINE_HELP ? 0 : COMMAND_USAGE_ERROR;
	if (scenario_read_file(o.scenario, &s, &cause) != 0)
		return command_input_error("predict", cause);
	if (nacl_source_load(&o.source, &set, &cause) != 0) {
		scenario_free(&s);
		return command_input_error("predict", cause);
	}
	from = nacl_source_describe(&o.source);
	rc = predict_build(&p, &s, &set, from, &cause);
	free(from);
	if (rc != 0) {
		nacl_set_free(&set);
		scenario_free(&s);
		return command_input_error("predict", cause);
	}
	rc = report_exit_code(&p.report);
	if (o.json == NULL || strcmp(o.json, "-") != 0)
		predict_write_text(&p, stdout);
	if (o.json != NULL &&
	    command_write_json(o.json, "predicted report", predict_to_json(&p),
			       &cause) != 0)
		rc = command_input_error("predict", cause);
	predict_free(&p);
	nacl_set_free(&set);
	scenario_free(&s);
	return command_flush("predict", rc);
}
