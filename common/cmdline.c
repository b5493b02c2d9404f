/* The programs' command lines: one table of options, read one way. */
/* getopt_long does the reading; the messages are ours, the same in all. */
#include "common/cmdline.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/usage.h"
#include "common/xmalloc.h"

/* getopt_long's val of options[i]; above every char, so never a letter. */
#define CMDLINE_VAL_BASE 256

static size_t
cmdline_count(const struct cmdline *c)
{
	size_t n = 0;

	while (c->options[n].name != NULL)
		n++;
	return n;
}

char *
cmdline_accepted(const struct cmdline *c)
{
	size_t i, n = cmdline_count(c);
	char *out = xstrdup("");

	for (i = 0; i < n; i++) {
		const struct cmdline_option *opt = &c->options[i];

		xappendf(&out, "%s--%s%s%s", i == 0 ? "" : ", ", opt->name,
			 opt->shown ? " " : "", opt->shown ? opt->shown : "");
	}
	xappendf(&out, "%s--help", n > 0 ? " and " : "");
	return out;
}

static bool
cmdline_takes_value(const struct cmdline_option *opt)
{
	return opt->kind == CMDLINE_KIND_TEXT ||
	       opt->kind == CMDLINE_KIND_VALUE;
}

static const char *
cmdline_prefix(const struct cmdline *c)
{
	return c->prefix ? c->prefix : "";
}

/* getopt_long's complaint (ret ':' or '?') about argv[optind - 1]. */
static void
cmdline_error(const struct cmdline *c, int ret, int argc, char **argv)
{
	const char *arg = optind > 0 && optind <= argc ? argv[optind - 1] : "?";
	char *accepted;

	if (ret == ':') {
		usage_print(c->program, "%soption '%s' needs a value",
			    cmdline_prefix(c), arg);
		return;
	}
	/* A long option that takes no value, given one: --before=x. */
	if (optopt >= CMDLINE_VAL_BASE) {
		usage_print(c->program,
			    "%soption '%.*s' takes no value: give '--%s' "
			    "alone",
			    cmdline_prefix(c), (int)strcspn(arg, "="), arg,
			    c->options[optopt - CMDLINE_VAL_BASE].name);
		return;
	}
	accepted = cmdline_accepted(c);
	/* optopt names a bad short option; long ones are whole. */
	if (optopt != 0)
		usage_print(c->program,
			    "%sunknown option '-%c': accepted are %s",
			    cmdline_prefix(c), optopt, accepted);
	else
		usage_print(c->program,
			    "%sunknown option '%s': accepted are %s",
			    cmdline_prefix(c), arg, accepted);
	free(accepted);
}

/* The option getopt_long returned as ret, or NULL for -h and --help. */
static const struct cmdline_option *
cmdline_find(const struct cmdline *c, size_t n, int ret)
{
	size_t i;

	if (ret >= CMDLINE_VAL_BASE && (size_t)(ret - CMDLINE_VAL_BASE) < n)
		return &c->options[ret - CMDLINE_VAL_BASE];
	for (i = 0; i < n; i++)
		if (c->options[i].key == ret)
			return &c->options[i];
	return NULL;
}

static int
cmdline_apply(const struct cmdline *c, const struct cmdline_option *opt,
	      void *o)
{
	char *field = (char *)o + opt->offset;

	switch (opt->kind) {
	case CMDLINE_KIND_FLAG:
		*(bool *)field = true;
		return 0;
	case CMDLINE_KIND_TEXT:
		*(const char **)field = optarg;
		return 0;
	case CMDLINE_KIND_SWITCH:
		return c->handle(opt->key, NULL, o);
	case CMDLINE_KIND_VALUE:
		return c->handle(opt->key, optarg, o);
	}
	return 0;
}

static int
cmdline_run(const struct cmdline *c, struct option *table, size_t n, bool *seen,
	    int argc, char **argv, void *o)
{
	char *shorts = xasprintf(":h%s", c->shorts ? c->shorts : "");
	const struct cmdline_option *opt;
	int ret, rc = CMDLINE_GO;

	while ((ret = getopt_long(argc, argv, shorts, table, NULL)) != -1) {
		if (ret == 'h') {
			if (c->usage != NULL)
				fputs(c->usage, stdout);
			rc = CMDLINE_HELP;
			break;
		}
		if (ret == ':' || ret == '?') {
			cmdline_error(c, ret, argc, argv);
			rc = CMDLINE_ERROR;
			break;
		}
		opt = cmdline_find(c, n, ret);
		if (opt == NULL)
			continue;
		/* A second value would silently win; flags may repeat. */
		if (c->once && cmdline_takes_value(opt) &&
		    seen[opt - c->options]) {
			usage_print(c->program,
				    "%s--%s given twice: give it once",
				    cmdline_prefix(c), opt->name);
			rc = CMDLINE_ERROR;
			break;
		}
		seen[opt - c->options] = true;
		if (cmdline_apply(c, opt, o) != 0) {
			rc = CMDLINE_ERROR;
			break;
		}
	}
	free(shorts);
	return rc;
}

int
cmdline_parse(const struct cmdline *c, int argc, char **argv, void *o)
{
	size_t i, n = cmdline_count(c);
	struct option *table = xcalloc(n + 2, sizeof *table);
	bool *seen = xcalloc(n + 1, sizeof *seen);
	int rc;

	for (i = 0; i < n; i++) {
		table[i].name = c->options[i].name;
		table[i].has_arg = cmdline_takes_value(&c->options[i])
					   ? required_argument
					   : no_argument;
		table[i].val = CMDLINE_VAL_BASE + (int)i;
	}
	table[n].name = "help";
	table[n].val = 'h';
	opterr = 0;
	/* 0, not 1: glibc then forgets a previous run's permutation too. */
	optind = 0;
	rc = cmdline_run(c, table, n, seen, argc, argv, o);
	if (rc == CMDLINE_GO && c->operand != NULL && argc - optind > 1) {
		usage_print(c->program,
			    "%sunexpected argument '%s': give exactly one %s",
			    cmdline_prefix(c), argv[optind + 1], c->operand);
		rc = CMDLINE_ERROR;
	}
	free(seen);
	free(table);
	return rc;
}
