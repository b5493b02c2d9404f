/* Scenario files: targets, checks and what each must show, read from JSON. */
/* Parsing is strict and pure: every error names the file, the JSON path, the
 * bad value and what is accepted; nothing is resolved or sent. */
#ifndef NACL_SCENARIO_H
#define NACL_SCENARIO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/checkspec.h"
#include "common/portrange.h"
#include "common/status.h"

struct scenario_check {
	struct check_spec spec;
	struct range_list sports;
	enum expectation expect; /* for ports no range overrides */
	/* The "ranges" overrides: sorted, disjoint, inside sports. */
	struct expect_range *expectations;
	size_t nexpectations;
};

struct scenario_target {
	char *name;
	bool agent; /* "agent" (a nacl-agent) or "target" (none) */
	char *host; /* literal address or host name, no brackets, no port */
	uint16_t control_port; /* agent only */
	char *key_file; /* relative paths made relative to the file's folder;
			   NULL: none */
	char *bind; /* literal address; NULL: chosen by routing */
	/* Normalized CIDR blocks, for the fixes and predictions; NULL if not
	 * given. */
	char *probe_cidr;
	char *agent_cidr;
	/* The NACL of each side: its ID (acl-...), its subnet's ID
	 * (subnet-...), or before apply a Terraform address or CloudFormation
	 * logical ID; NULL if not given. */
	char *probe_nacl;
	char *agent_nacl;
	size_t *checks; /* indices into the scenario's checks, as listed */
	size_t nchecks;
};

struct scenario_settings {
	bool has_rate, has_window, has_timeout, has_attempts;
	unsigned rate; /* 0 = no limit */
	unsigned window;
	unsigned timeout_ms;
	unsigned attempts;
};

struct scenario {
	char *path; /* as given, for messages */
	char *name;
	char *description; /* NULL when none */
	struct scenario_target *targets;
	size_t ntargets;
	struct scenario_check *checks;
	size_t nchecks;
	struct scenario_settings settings;
};

/* Limits shared with nacl-probe's flags. */
#define SCENARIO_MAX_RATE 10000000
#define SCENARIO_MAX_WINDOW 65536
#define SCENARIO_MAX_TIMEOUT_MS 600000
#define SCENARIO_MAX_ATTEMPTS 20

/*
 * Parses len bytes of text as the scenario file path (which names the file
 * in errors and anchors relative key files). Returns 0, or -1 with *cause
 * (malloc'd) "PATH: JSON.PATH: what is wrong (what is accepted)".
 * scenario_free() the result.
 */
int scenario_parse(const char *text, size_t len, const char *path,
		   struct scenario *s, char **cause);
/* Reads and parses the file path; errors as scenario_parse. */
int scenario_read_file(const char *path, struct scenario *s, char **cause);
/* Frees what s holds (not s); a zeroed scenario is a no-op. */
void scenario_free(struct scenario *s);

/* "acl-" and 1 to 17 hex digits: a NACL ID a command line may hold. */
bool scenario_nacl_is_id(const char *s);

/*
 * Narrows every check to the source ports it shares with only (nacl-probe
 * --sports with --scenario), expectations too. Returns 0, or -1 with
 * *cause (malloc'd) naming the first check left without a port.
 */
int scenario_narrow(struct scenario *s, const struct range_list *only,
		    char **cause);

#endif
