/* The programs' command lines: one table of options, read one way. */
/* nacl-probe, nacl-agent and every nacl-report subcommand parse with it. */
#ifndef NACL_CMDLINE_H
#define NACL_CMDLINE_H

#include <stdbool.h>
#include <stddef.h>

/* What an option does with what follows it on the command line. */
enum cmdline_kind {
	CMDLINE_KIND_FLAG, /* no value: sets the bool at offset */
	CMDLINE_KIND_TEXT, /* a value: sets the const char * at offset */
	CMDLINE_KIND_SWITCH, /* no value: calls handle with key */
	CMDLINE_KIND_VALUE, /* a value: calls handle with key and the value */
};

/* One option: its long name (without "--") and what it does. */
struct cmdline_option {
	const char *name;
	enum cmdline_kind kind;
	size_t offset; /* CMDLINE_FLAG, CMDLINE_TEXT: where in the options */
	int key; /* what handle sees; a letter also in shorts is -key */
	const char *shown; /* after the name in the accepted list, or NULL */
};

/* The rows of a table of options: --NAME sets the options' field, or
 * calls the handler with key; CMDLINE_END ends the table. */
#define CMDLINE_TEXT(name, type, field)                                        \
	{                                                                      \
		name, CMDLINE_KIND_TEXT, offsetof(type, field), 0, NULL        \
	}
#define CMDLINE_FLAG(name, type, field)                                        \
	{                                                                      \
		name, CMDLINE_KIND_FLAG, offsetof(type, field), 0, NULL        \
	}
#define CMDLINE_VALUE(name, key)                                               \
	{                                                                      \
		name, CMDLINE_KIND_VALUE, 0, key, NULL                         \
	}
#define CMDLINE_SWITCH(name, key)                                              \
	{                                                                      \
		name, CMDLINE_KIND_SWITCH, 0, key, NULL                        \
	}
#define CMDLINE_END                                                            \
	{                                                                      \
		NULL, CMDLINE_KIND_FLAG, 0, 0, NULL                            \
	}

/* What cmdline_parse found: go on with optind at the first operand, the
 * help was asked for, or a usage error (printed). */
#define CMDLINE_GO 0
#define CMDLINE_HELP 1
#define CMDLINE_ERROR (-1)

/*
 * One command line: who complains (program, e.g. "nacl-report nft", and a
 * prefix before each message, NULL or "render: "), the usage text
 * printed on --help (NULL: the caller prints its own), its short options
 * besides -h as getopt spells them ("qv", "f:o:"; each the key of one
 * option), its options (ending with a NULL name; --help is always
 * accepted and listed last) and the handler of the CMDLINE_SWITCH and
 * CMDLINE_VALUE ones (0, or -1 once it printed the usage error).
 */
struct cmdline {
	const char *program;
	const char *prefix;
	const char *usage;
	const char *operand; /* the one operand it takes at most, or NULL */
	const char *shorts;
	const struct cmdline_option *options;
	int (*handle)(int key, const char *arg, void *o);
	bool once; /* an option with a value given twice is an error */
};

/*
 * Reads argv's options into o (argv[0] is the program or subcommand):
 * -h or --help prints the usage and stops (CMDLINE_HELP); an unknown
 * option, a missing or unwanted value or (with once) a repeated one is the
 * usage error naming it as written and what is accepted (CMDLINE_ERROR),
 * and so is a second operand where c->operand names the one it takes.
 * Else CMDLINE_GO with optind at the first operand.
 */
int cmdline_parse(const struct cmdline *c, int argc, char **argv, void *o);
/*
 * "--a, --b VALUE and --help": the options c accepts; free() it. On the
 * usage errors of operands, beside cmdline_parse's own.
 */
char *cmdline_accepted(const struct cmdline *c);

#endif
