/* nacl-report plan: what a Terraform plan or CloudFormation change breaks. */
/* Run in CI before apply; --emit-scenario writes the sweep that proves the
 * prediction after apply. The model is in plan.c. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "reports/command.h"
#include "reports/nacl_source.h"
#include "reports/plan.h"
#include "reports/render.h"

static const char plan_usage_text[] =
	"usage: nacl-report plan (PLAN.json | --cloudformation TEMPLATE) "
	"--scenario FILE\n"
	"                        [--nacl CURRENT.json] [--rule-quota N] "
	"[--json OUT]\n"
	"                        [--junit OUT] [--emit-scenario OUT]\n"
	"\n"
	"Judges a NACL change before it is applied: predicts the scenario's "
	"sweep\n"
	"before and after it (as nacl-report predict does) and prints what "
	"changes,\n"
	"the ranges newly broken first, with the client families they hit, "
	"the NACL\n"
	"rule and hop responsible and the entry that would fix it (a "
	"Terraform block,\n"
	"a CloudFormation resource or an aws ec2 command). Then the checks a "
	"change\n"
	"deserves beyond the scenario, on the NACLs it touches: more rules "
	"in a\n"
	"direction than the quota, two rules with one number, an IPv4 rule "
	"for\n"
	"0.0.0.0/0 without its ::/0 twin where a subnet has IPv6, a deny an "
	"earlier\n"
	"allow covers (it never matches).\n"
	"\n"
	"  PLAN.json               'terraform show -json PLAN' "
	"(terraform plan -out PLAN)\n"
	"  --cloudformation FILE   a template (JSON or YAML, cdk synth "
	"output) instead\n"
	"  --scenario FILE         the scenario: targets, checks and what "
	"they expect\n"
	"  --nacl CURRENT.json     'aws ec2 describe-network-acls': the "
	"NACLs the\n"
	"                          change does not touch, and a template's "
	"before\n"
	"  --rule-quota N          rules per NACL and direction AWS accepts "
	"(20, the\n"
	"                          default quota; raise it if yours is)\n"
	"  --json OUT              the predicted report after the change (v1, "
	"predicted)\n"
	"  --junit OUT             its JUnit XML, one testcase per check\n"
	"  --emit-scenario OUT     the scenario a sweep after apply runs: the "
	"checks\n"
	"                          expecting what the NACLs after the change "
	"predict\n"
	"                          (open where they allow, dropped where they "
	"drop);\n"
	"                          'nacl-report diff predicted.json "
	"measured.json'\n"
	"                          then compares direction too\n"
	"  -h, --help              this text\n"
	"\n"
	"Exit status: 0 after the change every port meets its expectation, "
	"1 some\n"
	"port does not (a port expected open is not ok, or one expected "
	"blocked is),\n"
	"2 usage error or unreadable input (named: file, JSON path, value).\n";

struct plan_options {
	const char *scenario;
	const char *json;
	const char *junit;
	const char *emit;
	unsigned rule_quota;
	struct nacl_source source;
};

static int
plan_parse_quota(const char *text, unsigned *out)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(text, &end, 10);
	if (errno != 0 || *text < '0' || *text > '9' || *end != '\0' || v < 1 ||
	    v > 1000)
		return command_usage_error("plan",
					   "--rule-quota: bad value '%s': "
					   "expected a whole number from 1 to "
					   "1000 (AWS's default is 20, at "
					   "most 40 on request)",
					   text);
	*out = (unsigned)v;
	return 0;
}

static int
plan_option(int key, const char *arg, void *options)
{
	struct plan_options *o = options;

	switch (key) {
	case 'q':
		return plan_parse_quota(arg, &o->rule_quota);
	case 'j':
		return command_output_option("plan", "--json", arg, &o->json);
	case 'u':
		return command_output_option("plan", "--junit", arg, &o->junit);
	case 'e':
		return command_output_option("plan", "--emit-scenario", arg,
					     &o->emit);
	}
	return 0;
}

static int
plan_parse_options(int argc, char **argv, struct plan_options *o)
{
	static const struct cmdline_option options[] = {
		CMDLINE_TEXT("scenario", struct plan_options, scenario),
		CMDLINE_TEXT("nacl", struct plan_options, source.nacl),
		CMDLINE_TEXT("cloudformation", struct plan_options,
			     source.cloudformation),
		CMDLINE_VALUE("rule-quota", 'q'),
		CMDLINE_VALUE("json", 'j'),
		CMDLINE_VALUE("junit", 'u'),
		CMDLINE_VALUE("emit-scenario", 'e'),
		CMDLINE_END,
	};
	static const struct cmdline cmdline = {
		.program = "nacl-report plan",
		.usage = plan_usage_text,
		.options = options,
		.handle = plan_option,
	};
	int stdout_outputs, rc;

	memset(o, 0, sizeof *o);
	o->rule_quota = PLAN_DEFAULT_RULE_QUOTA;
	rc = cmdline_parse(&cmdline, argc, argv, o);
	if (rc != CMDLINE_GO)
		return rc;
	if (o->source.cloudformation == NULL && optind == argc) {
		command_usage_error("plan",
				    "missing PLAN.json: give 'terraform show "
				    "-json PLAN' (or --cloudformation "
				    "TEMPLATE)");
		return -1;
	}
	if (o->source.cloudformation != NULL && optind < argc) {
		command_usage_error("plan",
				    "unexpected argument '%s': give PLAN.json "
				    "or --cloudformation TEMPLATE, not both",
				    argv[optind]);
		return -1;
	}
	if (argc - optind > 1) {
		command_usage_error("plan",
				    "unexpected argument '%s': give exactly "
				    "one PLAN.json",
				    argv[optind + 1]);
		return -1;
	}
	if (optind < argc)
		o->source.terraform_plan = argv[optind];
	if (o->scenario == NULL) {
		command_usage_error("plan", "missing --scenario FILE: the "
					    "targets and checks the change "
					    "is judged by");
		return -1;
	}
	stdout_outputs = (o->json && strcmp(o->json, "-") == 0) +
			 (o->junit && strcmp(o->junit, "-") == 0) +
			 (o->emit && strcmp(o->emit, "-") == 0);
	if (stdout_outputs > 1) {
		command_usage_error("plan",
				    "at most one of --json, --junit and "
				    "--emit-scenario may be -");
		return -1;
	}
	return 0;
}

static int
plan_outputs(const struct plan_options *o, const struct plan *p,
	     const struct scenario *s)
{
	char *cause = NULL, *data;
	size_t len;
	cJSON *root;
	int rc = 0;

	if (o->json != NULL &&
	    command_write_json(o->json, "predicted report",
			       predict_to_json(&p->after), &cause) != 0)
		rc = command_input_error("plan", cause);
	if (o->junit != NULL) {
		data = render_to_string(&p->after.report,
					render_format_find("junit"), &len);
		if (command_write_file(o->junit, "JUnit report", data,
				       &cause) != 0)
			rc = command_input_error("plan", cause);
		free(data);
	}
	if (o->emit != NULL) {
		root = plan_emit_scenario(p, s, p->change->path, &cause);
		if (root == NULL ||
		    command_write_json(o->emit, "scenario", root, &cause) != 0)
			rc = command_input_error("plan", cause);
	}
	return rc;
}

int
plan_command(int argc, char **argv)
{
	struct plan_options o;
	struct nacl_set current;
	struct nacl_change change;
	struct scenario s;
	struct plan p;
	char *cause = NULL;
	bool quiet;
	int rc;

	rc = plan_parse_options(argc, argv, &o);
	if (rc != CMDLINE_GO)
		return rc == CMDLINE_HELP ? 0 : COMMAND_USAGE_ERROR;
	if (scenario_read_file(o.scenario, &s, &cause) != 0)
		return command_input_error("plan", cause);
	if (nacl_source_read(&o.source, &current, &change, &cause) != 0) {
		scenario_free(&s);
		return command_input_error("plan", cause);
	}
	if (plan_build(&p, &change, o.source.nacl ? &current : NULL,
		       o.source.nacl, &s, o.rule_quota, &cause) != 0) {
		nacl_change_free(&change);
		nacl_set_free(&current);
		scenario_free(&s);
		return command_input_error("plan", cause);
	}
	rc = plan_exit_code(&p);
	quiet = (o.json && strcmp(o.json, "-") == 0) ||
		(o.junit && strcmp(o.junit, "-") == 0) ||
		(o.emit && strcmp(o.emit, "-") == 0);
	if (!quiet)
		plan_write_text(&p, stdout);
	if (plan_outputs(&o, &p, &s) != 0)
		rc = COMMAND_USAGE_ERROR;
	plan_free(&p);
	nacl_change_free(&change);
	nacl_set_free(&current);
	scenario_free(&s);
	return command_flush("plan", rc);
}
