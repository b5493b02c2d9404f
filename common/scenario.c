/* Scenario files: targets, checks and what each must show, read from JSON. */
/* Nothing here resolves a name or opens a socket: nacl-probe does that after
 * the whole file is known to be good. */
#include "common/scenario.h"

#include <arpa/inet.h>
#include <cjson/cJSON.h>
#include <errno.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "common/control.h"
#include "common/fileread.h"
#include "common/jsonread.h"
#include "common/netaddr.h"
#include "common/service.h"
#include "common/text.h"
#include "common/xmalloc.h"

/* Longest target name: it ends up in JUnit class names and metrics. */
#define SCENARIO_NAME_MAX 64
/* Longest scenario name and description shown back in an error. */
#define SCENARIO_TEXT_MAX 200
/* Longest NACL id suffix: acl- and 17 hex digits. */
#define SCENARIO_NACL_HEX_MAX 17
/* Longest Terraform address or logical ID naming a NACL. */
#define SCENARIO_NACL_NAME_MAX 200
/* Longest value quoted back in an error. */
#define SCENARIO_SHOW_MAX 60
/* A scenario lists a few targets and checks; more is not a scenario. */
#define SCENARIO_MAX_FILE (16 * 1024 * 1024)

/* The parser's state: where errors go and how relative key files resolve. */
struct scenario_parser {
	const char *path;
	char **cause;
};

/* Quoted back in an error: printable and short. free() it. */
static char *
scenario_show(const char *s)
{
	return text_printable(s, SCENARIO_SHOW_MAX);
}

static bool
scenario_is_name(const char *s)
{
	size_t i, len = strlen(s);

	if (len == 0 || len > SCENARIO_NAME_MAX)
		return false;
	for (i = 0; i < len; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') ||
		      (s[i] >= 'A' && s[i] <= 'Z') ||
		      (s[i] >= '0' && s[i] <= '9') || s[i] == '.' ||
		      s[i] == '_' || s[i] == '-'))
			return false;
	return true;
}

static bool
scenario_is_text(const char *s)
{
	size_t i, len = strlen(s);

	if (len == 0 || len > SCENARIO_TEXT_MAX)
		return false;
	for (i = 0; i < len; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			return false;
	return true;
}

/* A literal address: its family and bytes (16 at most); 0 if not one. */
static int
scenario_literal(const char *s, uint8_t *addr)
{
	if (inet_pton(AF_INET, s, addr) == 1)
		return AF_INET;
	if (inet_pton(AF_INET6, s, addr) == 1)
		return AF_INET6;
	return 0;
}

/*
 * A host name that getaddrinfo may look up: letters, digits, dots and
 * dashes. Digits and dots alone must be an IPv4 address, so that a typo
 * never becomes a DNS query.
 */
static bool
scenario_is_host_name(const char *s)
{
	size_t i, len = strlen(s);
	bool letter = false;

	if (len == 0 || len > 253 || s[0] == '-' || s[0] == '.')
		return false;
	for (i = 0; i < len; i++) {
		if ((s[i] >= 'a' && s[i] <= 'z') ||
		    (s[i] >= 'A' && s[i] <= 'Z') || s[i] == '-')
			letter = true;
		else if (!(s[i] >= '0' && s[i] <= '9') && s[i] != '.')
			return false;
	}
	return letter;
}

/*
 * Splits HOST[:PORT], [IPV6][:PORT] or a bare IPV6 like netaddr_parse,
 * without resolving: *host (malloc'd) and *port (0 when none). 0 or -1.
 */
static int
scenario_split_address(const char *text, char **host, long *port)
{
	char *copy = xstrdup(text), *end, *port_text;
	bool bracketed = copy[0] == '[';
	uint8_t addr[16];

	*port = 0;
	if (netaddr_split(copy, &port_text) != 0)
		goto bad;
	if (bracketed && inet_pton(AF_INET6, copy, addr) != 1)
		goto bad;
	if (!bracketed && scenario_literal(copy, addr) == 0 &&
	    !scenario_is_host_name(copy))
		goto bad;
	if (port_text != NULL) {
		errno = 0;
		*port = strtol(port_text, &end, 10);
		if (*port_text < '0' || *port_text > '9' || *end != '\0' ||
		    errno != 0 || *port < 1 || *port > 65535)
			goto bad;
	}
	*host = copy;
	return 0;
bad:
	free(copy);
	return -1;
}

/* The accepted keys of each object, and how errors list them. */
static const char *const scenario_root_keys[] = {
	"name", "description", "targets", "settings", "checks", NULL};
static const char scenario_root_accepted[] =
	"name, description, targets, settings and checks";
static const char *const scenario_target_keys[] = {
	"name",	      "agent",	    "target",	  "control_port",
	"key_file",   "bind",	    "probe_cidr", "agent_cidr",
	"probe_nacl", "agent_nacl", "checks",	  NULL};
static const char scenario_target_accepted[] =
	"name, agent, target, control_port, key_file, bind, probe_cidr, "
	"agent_cidr, probe_nacl, agent_nacl and checks";
static const char *const scenario_settings_keys[] = {
	"rate", "window", "timeout_ms", "attempts", NULL};
static const char scenario_settings_accepted[] =
	"rate, window, timeout_ms and attempts";
static const char *const scenario_check_keys[] = {
	"proto", "port", "service", "sports", "expect", "ranges", NULL};
static const char scenario_check_accepted[] =
	"proto, port, service, sports, expect and ranges";
static const char *const scenario_range_keys[] = {"sports", "expect", NULL};
static const char scenario_range_accepted[] = "sports and expect";

static int
scenario_parse_expect(struct scenario_parser *p, const cJSON *obj,
		      const char *at, bool required, enum expectation *out)
{
	struct jsonread_at where;
	char *shown;
	const char *s;

	if (jsonread_string(obj, at, "expect",
			    "a string: open, blocked, dropped or rejected",
			    required, &s, p->cause) != 0)
		return -1;
	if (s == NULL)
		return 0;
	if (expectation_parse(s, out) == 0)
		return 0;
	shown = scenario_show(s);
	jsonread_fail(p->cause, jsonread_join(&where, at, "expect"),
		      "unknown expectation '%s' (expected %s)", shown,
		      expectation_names());
	free(shown);
	return -1;
}

static int
scenario_parse_sports(struct scenario_parser *p, const cJSON *obj,
		      const char *at, struct range_list *out)
{
	struct jsonread_at where;
	char *inner = NULL;
	const char *s;

	if (jsonread_string(obj, at, "sports",
			    "a string: source ports, ranges or presets, e.g. "
			    "linux,windows or 1024-65535",
			    true, &s, p->cause) != 0)
		return -1;
	if (range_list_parse(s, out, 1, &inner) == 0)
		return 0;
	jsonread_fail(p->cause, jsonread_join(&where, at, "sports"), "%s",
		      inner);
	free(inner);
	return -1;
}

static int
expect_range_compare(const void *a, const void *b)
{
	const struct expect_range *x = a, *y = b;

	return (x->from > y->from) - (x->from < y->from);
}

/* One entry of a check's "ranges": inside its sports, apart from the others.
 */
static int
scenario_parse_range(struct scenario_parser *p, const cJSON *item,
		     const char *check_at, size_t index,
		     struct scenario_check *c, struct range_list *seen)
{
	struct range_list sports = {NULL, 0}, outside, overlap;
	enum expectation expect = EXPECT_OPEN;
	struct jsonread_at where;
	char at[160], *a, *b, *d;
	size_t i, j;
	int rc = -1;

	snprintf(at, sizeof at, "%s.ranges[%zu]", check_at, index);
	if (!cJSON_IsObject(item)) {
		jsonread_fail(p->cause, at,
			      "expected an object {\"sports\": RANGES, "
			      "\"expect\": EXPECTATION}, found %s",
			      jsonread_type(item));
		return -1;
	}
	if (jsonread_keys(item, at, scenario_range_keys,
			  scenario_range_accepted, p->cause) != 0 ||
	    scenario_parse_sports(p, item, at, &sports) != 0 ||
	    scenario_parse_expect(p, item, at, true, &expect) != 0)
		goto out;
	jsonread_join(&where, at, "sports");
	range_list_subtract(&outside, &sports, &c->sports);
	if (outside.count > 0) {
		a = range_list_format(&sports);
		b = range_list_format(&c->sports);
		d = range_list_format(&outside);
		jsonread_fail(p->cause, where.text,
			      "%s is not inside the check's sports %s (%s "
			      "%s not swept)",
			      a, b, d,
			      range_list_size(&outside) == 1 ? "is" : "are");
		free(a);
		free(b);
		free(d);
		range_list_free(&outside);
		goto out;
	}
	for (j = 0; j < index; j++) {
		range_list_intersect(&overlap, &sports, &seen[j]);
		if (overlap.count == 0)
			continue;
		a = range_list_format(&sports);
		d = range_list_format(&overlap);
		jsonread_fail(p->cause, where.text,
			      "%s overlaps %s.ranges[%zu].sports (%s): give "
			      "each source port one expectation",
			      a, check_at, j, d);
		free(a);
		free(d);
		range_list_free(&overlap);
		goto out;
	}
	for (i = 0; i < sports.count; i++) {
		c->expectations =
			xreallocarray(c->expectations, c->nexpectations + 1,
				      sizeof *c->expectations);
		c->expectations[c->nexpectations].from = sports.ranges[i].from;
		c->expectations[c->nexpectations].to = sports.ranges[i].to;
		c->expectations[c->nexpectations].expect = expect;
		c->nexpectations++;
	}
	seen[index] = sports;
	sports.ranges = NULL;
	sports.count = 0;
	rc = 0;
out:
	range_list_free(&sports);
	return rc;
}

static int
scenario_parse_ranges(struct scenario_parser *p, const cJSON *obj,
		      const char *at, struct scenario_check *c)
{
	const cJSON *ranges, *item;
	struct range_list *seen;
	size_t n, k = 0;
	int rc = 0;

	if (jsonread_member(obj, at, "ranges", cJSON_IsArray,
			    "an array of {\"sports\": RANGES, \"expect\": "
			    "EXPECTATION} objects",
			    false, &ranges, p->cause) != 0)
		return -1;
	if (ranges == NULL)
		return 0;
	n = (size_t)cJSON_GetArraySize(ranges);
	seen = xcalloc(n ? n : 1, sizeof *seen);
	cJSON_ArrayForEach(item, ranges)
	{
		if (scenario_parse_range(p, item, at, k, c, seen) != 0) {
			rc = -1;
			break;
		}
		k++;
	}
	for (n = 0; n < k; n++)
		range_list_free(&seen[n]);
	free(seen);
	if (rc == 0 && c->nexpectations > 1)
		qsort(c->expectations, c->nexpectations,
		      sizeof *c->expectations, expect_range_compare);
	return rc;
}

static int
scenario_parse_check(struct scenario_parser *p, const cJSON *item, size_t index,
		     struct scenario *s)
{
	struct scenario_check *c = &s->checks[index];
	struct jsonread_at where;
	char at[64], *shown, *inner = NULL, *names, *what;
	const char *proto_text, *service_text;
	bool present;
	long long port;
	size_t j;
	int rc;

	snprintf(at, sizeof at, "checks[%zu]", index);
	if (!cJSON_IsObject(item)) {
		jsonread_fail(p->cause, at,
			      "expected an object (a check), found %s",
			      jsonread_type(item));
		return -1;
	}
	if (jsonread_keys(item, at, scenario_check_keys,
			  scenario_check_accepted, p->cause) != 0 ||
	    jsonread_string(item, at, "proto", "a string: udp or tcp", true,
			    &proto_text, p->cause) != 0)
		return -1;
	if (proto_parse(proto_text, &c->spec.proto) != 0) {
		shown = scenario_show(proto_text);
		jsonread_fail(p->cause, jsonread_join(&where, at, "proto"),
			      "unknown protocol '%s' (expected udp or tcp)",
			      shown);
		free(shown);
		return -1;
	}
	if (jsonread_integer(item, at, "port", 1, 65535, true, &present, &port,
			     p->cause) != 0)
		return -1;
	c->spec.port = (uint16_t)port;
	for (j = 0; j < index; j++) {
		if (s->checks[j].spec.proto == c->spec.proto &&
		    s->checks[j].spec.port == c->spec.port) {
			jsonread_fail(p->cause, at,
				      "%s/%u is already checks[%zu]; give "
				      "each protocol and port once (ranges "
				      "give parts of its source ports their "
				      "own expectation)",
				      proto_name(c->spec.proto), c->spec.port,
				      j);
			return -1;
		}
	}
	names = service_names_text();
	what = xasprintf("a string: %s", names);
	rc = jsonread_string(item, at, "service", what, false, &service_text,
			     p->cause);
	free(what);
	if (rc != 0) {
		free(names);
		return -1;
	}
	c->spec.service = service_default(c->spec.proto, c->spec.port);
	jsonread_join(&where, at, "service");
	if (service_text != NULL &&
	    service_parse(service_text, &c->spec.service) != 0) {
		shown = scenario_show(service_text);
		jsonread_fail(p->cause, where.text,
			      "unknown service '%s' (expected %s)", shown,
			      names);
		free(shown);
		free(names);
		return -1;
	}
	free(names);
	if (service_check_transport(&c->spec, &inner) != 0) {
		jsonread_fail(p->cause, where.text, "%s", inner);
		free(inner);
		return -1;
	}
	c->expect = EXPECT_OPEN;
	if (scenario_parse_sports(p, item, at, &c->sports) != 0 ||
	    scenario_parse_expect(p, item, at, false, &c->expect) != 0 ||
	    scenario_parse_ranges(p, item, at, c) != 0)
		return -1;
	return 0;
}

static int
scenario_parse_checks(struct scenario_parser *p, const cJSON *root,
		      struct scenario *s)
{
	const cJSON *checks, *item;
	size_t k = 0;

	if (jsonread_member(root, "", "checks", cJSON_IsArray,
			    "an array of checks", true, &checks, p->cause) != 0)
		return -1;
	s->nchecks = (size_t)cJSON_GetArraySize(checks);
	if (s->nchecks == 0) {
		jsonread_fail(p->cause, "checks",
			      "empty: expected at least one check");
		return -1;
	}
	s->checks = xcalloc(s->nchecks, sizeof *s->checks);
	cJSON_ArrayForEach(item, checks)
	{
		if (scenario_parse_check(p, item, k++, s) != 0)
			return -1;
	}
	return 0;
}

static int
scenario_parse_settings(struct scenario_parser *p, const cJSON *root,
			struct scenario_settings *st)
{
	const cJSON *settings;
	long long v;

	if (jsonread_member(root, "", "settings", cJSON_IsObject,
			    "an object with rate, window, timeout_ms and "
			    "attempts",
			    false, &settings, p->cause) != 0)
		return -1;
	if (settings == NULL)
		return 0;
	if (jsonread_keys(settings, "settings", scenario_settings_keys,
			  scenario_settings_accepted, p->cause) != 0 ||
	    jsonread_integer(settings, "settings", "rate", 0, SCENARIO_MAX_RATE,
			     false, &st->has_rate, &v, p->cause) != 0)
		return -1;
	st->rate = st->has_rate ? (unsigned)v : 0;
	if (jsonread_integer(settings, "settings", "window", 1,
			     SCENARIO_MAX_WINDOW, false, &st->has_window, &v,
			     p->cause) != 0)
		return -1;
	st->window = st->has_window ? (unsigned)v : 0;
	if (jsonread_integer(settings, "settings", "timeout_ms", 1,
			     SCENARIO_MAX_TIMEOUT_MS, false, &st->has_timeout,
			     &v, p->cause) != 0)
		return -1;
	st->timeout_ms = st->has_timeout ? (unsigned)v : 0;
	if (jsonread_integer(settings, "settings", "attempts", 1,
			     SCENARIO_MAX_ATTEMPTS, false, &st->has_attempts,
			     &v, p->cause) != 0)
		return -1;
	st->attempts = st->has_attempts ? (unsigned)v : 0;
	return 0;
}

/* The target's "checks": indices into the scenario's checks, or all. */
static int
scenario_parse_target_checks(struct scenario_parser *p, const cJSON *item,
			     const char *at, const struct scenario *s,
			     struct scenario_target *t)
{
	const cJSON *list, *index;
	struct jsonread_at list_at, where;
	size_t k = 0, j;
	double v;

	if (jsonread_member(item, at, "checks", cJSON_IsArray,
			    "an array of indices into checks", false, &list,
			    p->cause) != 0)
		return -1;
	if (list == NULL) {
		t->nchecks = s->nchecks;
		t->checks = xcalloc(s->nchecks, sizeof *t->checks);
		for (j = 0; j < s->nchecks; j++)
			t->checks[j] = j;
		return 0;
	}
	t->nchecks = (size_t)cJSON_GetArraySize(list);
	if (t->nchecks == 0) {
		jsonread_fail(p->cause, jsonread_join(&where, at, "checks"),
			      "empty: expected the indices of the checks this "
			      "target runs (leave it out for all of them)");
		return -1;
	}
	t->checks = xcalloc(t->nchecks, sizeof *t->checks);
	jsonread_join(&list_at, at, "checks");
	cJSON_ArrayForEach(index, list)
	{
		jsonread_index(&where, list_at.text, k);
		if (!cJSON_IsNumber(index)) {
			jsonread_fail(p->cause, where.text,
				      "expected an integer from 0 to %zu (an "
				      "index into checks), found %s",
				      s->nchecks - 1, jsonread_type(index));
			return -1;
		}
		v = index->valuedouble;
		if (v != v || v < 0 || v > (double)(s->nchecks - 1) ||
		    v != (double)(size_t)v) {
			jsonread_fail(p->cause, where.text,
				      "expected an integer from 0 to %zu (an "
				      "index into checks), found %g",
				      s->nchecks - 1, v);
			return -1;
		}
		t->checks[k] = (size_t)v;
		for (j = 0; j < k; j++) {
			if (t->checks[j] == t->checks[k]) {
				jsonread_fail(p->cause, where.text,
					      "check %zu is listed twice",
					      t->checks[k]);
				return -1;
			}
		}
		k++;
	}
	return 0;
}

/* PREFIX and 1 to 17 lowercase hex digits: an AWS ID, safe inside a command
 * line. */
static bool
scenario_is_aws_id(const char *s, const char *prefix)
{
	size_t i, len = strlen(s), plen = strlen(prefix);

	if (len < plen + 1 || len > plen + SCENARIO_NACL_HEX_MAX ||
	    strncmp(s, prefix, plen) != 0)
		return false;
	for (i = plen; i < len; i++)
		if (!((s[i] >= '0' && s[i] <= '9') ||
		      (s[i] >= 'a' && s[i] <= 'f')))
			return false;
	return true;
}

bool
scenario_nacl_is_id(const char *s)
{
	return scenario_is_aws_id(s, "acl-");
}

/* A Terraform name: a letter or '_', then letters, digits, '_' and '-'. */
static const char *
scenario_tf_name(const char *s)
{
	if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
	      *s == '_'))
		return NULL;
	while ((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
	       (*s >= '0' && *s <= '9') || *s == '_' || *s == '-')
		s++;
	return s;
}

/* An instance key, [0] or ["a-1"], or nothing. */
static const char *
scenario_tf_key(const char *s)
{
	if (*s != '[')
		return s;
	s++;
	if (*s == '"') {
		for (s++; *s != '"'; s++)
			if (!((*s >= 'a' && *s <= 'z') ||
			      (*s >= 'A' && *s <= 'Z') ||
			      (*s >= '0' && *s <= '9') ||
			      strchr("_-.:/", *s) != NULL) ||
			    *s == '\0')
				return NULL;
		s++;
	} else {
		if (*s < '0' || *s > '9')
			return NULL;
		while (*s >= '0' && *s <= '9')
			s++;
	}
	return *s == ']' ? s + 1 : NULL;
}

/*
 * A Terraform resource address of a NACL or subnet:
 * [module.NAME[KEY].]...TYPE.NAME[KEY], TYPE one of aws_network_acl,
 * aws_default_network_acl, aws_subnet.
 */
static bool
scenario_is_tf_address(const char *s)
{
	static const char *const types[] = {"aws_network_acl.",
					    "aws_default_network_acl.",
					    "aws_subnet.", NULL};
	size_t i;

	if (strlen(s) > SCENARIO_NACL_NAME_MAX)
		return false;
	while (strncmp(s, "module.", 7) == 0) {
		s = scenario_tf_name(s + 7);
		s = s ? scenario_tf_key(s) : NULL;
		if (s == NULL || *s != '.')
			return false;
		s++;
	}
	for (i = 0; types[i] != NULL; i++)
		if (strncmp(s, types[i], strlen(types[i])) == 0)
			break;
	if (types[i] == NULL)
		return false;
	s = scenario_tf_name(s + strlen(types[i]));
	s = s ? scenario_tf_key(s) : NULL;
	return s != NULL && *s == '\0';
}

/* A CloudFormation logical ID: letters and digits. */
static bool
scenario_is_logical_id(const char *s)
{
	size_t i, len = strlen(s);

	if (len == 0 || len > SCENARIO_NACL_NAME_MAX)
		return false;
	for (i = 0; i < len; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') ||
		      (s[i] >= 'A' && s[i] <= 'Z') ||
		      (s[i] >= '0' && s[i] <= '9')))
			return false;
	return true;
}

static int
scenario_parse_nacl(struct scenario_parser *p, const cJSON *item,
		    const char *at, const char *name, char **out)
{
	struct jsonread_at where;
	char *shown;
	const char *s;

	if (jsonread_string(item, at, name,
			    "a string: a NACL or subnet ID (acl-0a1b2c3d, "
			    "subnet-0a1b2c3d), a Terraform address or a "
			    "CloudFormation logical ID",
			    false, &s, p->cause) != 0)
		return -1;
	if (s == NULL)
		return 0;
	jsonread_join(&where, at, name);
	shown = scenario_show(s);
	/* An ID that looks like one must be one: it lands in commands. */
	if (strncmp(s, "acl-", 4) == 0 && !scenario_nacl_is_id(s)) {
		jsonread_fail(p->cause, where.text,
			      "bad NACL id '%s': expected acl- and 1 to 17 "
			      "hex digits (0-9, a-f), e.g. "
			      "acl-0a1b2c3d4e5f60718",
			      shown);
		free(shown);
		return -1;
	}
	if (strncmp(s, "subnet-", 7) == 0 &&
	    !scenario_is_aws_id(s, "subnet-")) {
		jsonread_fail(p->cause, where.text,
			      "bad subnet id '%s': expected subnet- and 1 to "
			      "17 hex digits (0-9, a-f), e.g. "
			      "subnet-0a1b2c3d4e5f60718",
			      shown);
		free(shown);
		return -1;
	}
	if (strncmp(s, "acl-", 4) != 0 && strncmp(s, "subnet-", 7) != 0 &&
	    !scenario_is_tf_address(s) && !scenario_is_logical_id(s)) {
		jsonread_fail(p->cause, where.text,
			      "'%s' names no NACL: expected a NACL ID "
			      "(acl-0a1b2c3d), a subnet ID (subnet-0a1b2c3d), "
			      "a Terraform address (aws_network_acl.app, "
			      "module.vpc.aws_subnet.app[0]) or a "
			      "CloudFormation logical ID (letters and digits)",
			      shown);
		free(shown);
		return -1;
	}
	free(shown);
	*out = xstrdup(s);
	return 0;
}

/* What the addresses of a target are, when literal: for the CIDR checks. */
struct scenario_addresses {
	const char *role; /* "agent" or "target" */
	const char *host;
	int family; /* 0 when host is a name */
	uint8_t addr[16];
	const char *bind;
	int bind_family; /* 0 without bind */
	uint8_t bind_addr[16];
};

/*
 * A CIDR block of the probe's side (probe_cidr) or the far side
 * (agent_cidr): it must hold the address it stands for, when known.
 */
static int
scenario_parse_cidr(struct scenario_parser *p, const cJSON *item,
		    const char *at, const char *name, bool probe_side,
		    const struct scenario_addresses *a, char **out)
{
	struct jsonread_at where;
	char buf[NETADDR_CIDR_STRLEN], *shown, *inner = NULL;
	const uint8_t *addr = NULL;
	struct netaddr_cidr cidr;
	const char *s, *other = NULL, *whose;
	int family = 0;

	if (jsonread_string(item, at, name,
			    "a string: a CIDR block like 10.0.1.0/24", false,
			    &s, p->cause) != 0)
		return -1;
	if (s == NULL)
		return 0;
	jsonread_join(&where, at, name);
	if (netaddr_cidr_parse(s, &cidr, &inner) != 0) {
		jsonread_fail(p->cause, where.text, "%s", inner);
		free(inner);
		return -1;
	}
	if (probe_side && a->bind_family != 0) {
		family = a->bind_family;
		addr = a->bind_addr;
		other = a->bind;
		whose = "the bind address";
	} else {
		family = a->family;
		addr = a->family ? a->addr : NULL;
		other = a->host;
		whose = strcmp(a->role, "agent") == 0 ? "the agent"
						      : "the target";
	}
	shown = scenario_show(s);
	if (family != 0 && cidr.family != family) {
		jsonread_fail(p->cause, where.text,
			      "%s and %s %s are not the same address family",
			      shown, whose, other);
		free(shown);
		return -1;
	}
	/* The probe's block needs the probe's address: bind. */
	if (addr != NULL && (!probe_side || a->bind_family != 0) &&
	    !netaddr_cidr_contains(&cidr, family, addr)) {
		jsonread_fail(p->cause, where.text, "%s does not hold %s %s",
			      shown, whose, other);
		free(shown);
		return -1;
	}
	free(shown);
	*out = xstrdup(netaddr_cidr_format(&cidr, buf));
	return 0;
}

/* Where a relative key file is: beside the scenario file. */
static char *
scenario_key_path(const char *scenario_path, const char *key_file)
{
	char *copy, *dir, *out;

	if (key_file[0] == '/')
		return xstrdup(key_file);
	copy = xstrdup(scenario_path);
	dir = dirname(copy);
	out = strcmp(dir, ".") == 0 ? xstrdup(key_file)
				    : xasprintf("%s/%s", dir, key_file);
	free(copy);
	return out;
}

static int
scenario_parse_endpoint(struct scenario_parser *p, const cJSON *item,
			const char *at, struct scenario_target *t,
			struct scenario_addresses *a)
{
	const cJSON *agent = cJSON_GetObjectItemCaseSensitive(item, "agent");
	const cJSON *target = cJSON_GetObjectItemCaseSensitive(item, "target");
	const cJSON *member;
	struct jsonread_at where;
	char *shown;
	const char *text;
	bool present;
	long port;
	long long control;

	if ((agent == NULL) == (target == NULL)) {
		jsonread_fail(p->cause, at,
			      "give exactly one of agent (a nacl-agent, "
			      "HOST[:PORT]) or target (a server without "
			      "agent, HOST)");
		return -1;
	}
	t->agent = agent != NULL;
	a->role = t->agent ? "agent" : "target";
	if (jsonread_string(item, at, a->role,
			    t->agent ? "a string: HOST[:PORT] of a nacl-agent"
				     : "a string: HOST of a server",
			    true, &text, p->cause) != 0)
		return -1;
	jsonread_join(&where, at, a->role);
	if (scenario_split_address(text, &t->host, &port) != 0 ||
	    (!t->agent && port != 0)) {
		free(t->host);
		t->host = NULL;
		shown = scenario_show(text);
		if (t->agent)
			jsonread_fail(p->cause, where.text,
				      "bad address '%s': expected HOST, "
				      "HOST:PORT, IPV6 or [IPV6]:PORT with "
				      "PORT 1-65535",
				      shown);
		else
			jsonread_fail(p->cause, where.text,
				      "bad address '%s': expected HOST or "
				      "IPV6, without a port (each check gives "
				      "its port)",
				      shown);
		free(shown);
		return -1;
	}
	a->host = t->host;
	a->family = scenario_literal(t->host, a->addr);
	if (jsonread_integer(item, at, "control_port", 1, 65535, false,
			     &present, &control, p->cause) != 0)
		return -1;
	jsonread_join(&where, at, "control_port");
	if (present && !t->agent) {
		jsonread_fail(p->cause, where.text,
			      "goes with agent; a target without agent has no "
			      "control port");
		return -1;
	}
	if (present && port != 0) {
		shown = scenario_show(text);
		jsonread_fail(p->cause, where.text,
			      "the agent '%s' already gives its control port; "
			      "give it once",
			      shown);
		free(shown);
		return -1;
	}
	t->control_port = (uint16_t)(present ? control
				     : port  ? port
					     : CONTROL_DEFAULT_PORT);
	if (!t->agent) {
		t->control_port = 0;
		member = cJSON_GetObjectItemCaseSensitive(item, "key_file");
		if (member != NULL) {
			jsonread_fail(p->cause,
				      jsonread_join(&where, at, "key_file"),
				      "goes with agent; a target without agent "
				      "takes no key");
			return -1;
		}
	}
	if (jsonread_string(item, at, "key_file",
			    "a string: the agent's key file", false, &text,
			    p->cause) != 0)
		return -1;
	if (text != NULL) {
		if (*text == '\0') {
			jsonread_fail(p->cause,
				      jsonread_join(&where, at, "key_file"),
				      "empty: expected the agent's key file "
				      "(relative to the scenario's folder)");
			return -1;
		}
		t->key_file = scenario_key_path(p->path, text);
	}
	return 0;
}

static int
scenario_parse_bind(struct scenario_parser *p, const cJSON *item,
		    const char *at, struct scenario_target *t,
		    struct scenario_addresses *a)
{
	struct jsonread_at where;
	char *shown;
	const char *text;

	if (jsonread_string(item, at, "bind",
			    "a string: the address to send from", false, &text,
			    p->cause) != 0)
		return -1;
	if (text == NULL)
		return 0;
	jsonread_join(&where, at, "bind");
	shown = scenario_show(text);
	a->bind_family = scenario_literal(text, a->bind_addr);
	if (a->bind_family == 0) {
		jsonread_fail(p->cause, where.text,
			      "bad address '%s': expected an IPv4 or IPv6 "
			      "address",
			      shown);
		free(shown);
		return -1;
	}
	if (a->family != 0 && a->family != a->bind_family) {
		jsonread_fail(p->cause, where.text,
			      "%s and the %s %s are not the same address "
			      "family",
			      shown, a->role, a->host);
		free(shown);
		return -1;
	}
	free(shown);
	t->bind = xstrdup(text);
	a->bind = t->bind;
	return 0;
}

static int
scenario_parse_target(struct scenario_parser *p, const cJSON *item,
		      size_t index, struct scenario *s)
{
	struct scenario_target *t = &s->targets[index];
	struct scenario_addresses a;
	struct jsonread_at where;
	char at[64], *shown;
	const char *name;
	size_t j;

	memset(&a, 0, sizeof a);
	snprintf(at, sizeof at, "targets[%zu]", index);
	if (!cJSON_IsObject(item)) {
		jsonread_fail(p->cause, at,
			      "expected an object (a target), found %s",
			      jsonread_type(item));
		return -1;
	}
	if (jsonread_keys(item, at, scenario_target_keys,
			  scenario_target_accepted, p->cause) != 0 ||
	    jsonread_string(item, at, "name", "a string: the target's name",
			    true, &name, p->cause) != 0)
		return -1;
	jsonread_join(&where, at, "name");
	if (!scenario_is_name(name)) {
		shown = scenario_show(name);
		jsonread_fail(p->cause, where.text,
			      "bad name '%s': expected 1 to %d letters, "
			      "digits, '.', '_' or '-'",
			      shown, SCENARIO_NAME_MAX);
		free(shown);
		return -1;
	}
	for (j = 0; j < index; j++) {
		if (strcmp(s->targets[j].name, name) == 0) {
			jsonread_fail(p->cause, where.text,
				      "'%s' is already the name of "
				      "targets[%zu]",
				      name, j);
			return -1;
		}
	}
	t->name = xstrdup(name);
	if (scenario_parse_endpoint(p, item, at, t, &a) != 0 ||
	    scenario_parse_bind(p, item, at, t, &a) != 0 ||
	    scenario_parse_cidr(p, item, at, "probe_cidr", true, &a,
				&t->probe_cidr) != 0 ||
	    scenario_parse_cidr(p, item, at, "agent_cidr", false, &a,
				&t->agent_cidr) != 0 ||
	    scenario_parse_nacl(p, item, at, "probe_nacl", &t->probe_nacl) !=
		    0 ||
	    scenario_parse_nacl(p, item, at, "agent_nacl", &t->agent_nacl) !=
		    0 ||
	    scenario_parse_target_checks(p, item, at, s, t) != 0)
		return -1;
	return 0;
}

static int
scenario_parse_targets(struct scenario_parser *p, const cJSON *root,
		       struct scenario *s)
{
	const cJSON *targets, *item;
	size_t k = 0;

	if (jsonread_member(root, "", "targets", cJSON_IsArray,
			    "an array of targets", true, &targets,
			    p->cause) != 0)
		return -1;
	s->ntargets = (size_t)cJSON_GetArraySize(targets);
	if (s->ntargets == 0) {
		jsonread_fail(p->cause, "targets",
			      "empty: expected at least one target");
		return -1;
	}
	s->targets = xcalloc(s->ntargets, sizeof *s->targets);
	cJSON_ArrayForEach(item, targets)
	{
		if (scenario_parse_target(p, item, k++, s) != 0)
			return -1;
	}
	return 0;
}

static int
scenario_parse_root(struct scenario_parser *p, const cJSON *root,
		    struct scenario *s)
{
	const char *text;
	char *shown;

	if (!cJSON_IsObject(root)) {
		jsonread_fail(p->cause, "",
			      "expected a JSON object (a nacl-probe scenario), "
			      "found %s",
			      jsonread_type(root));
		return -1;
	}
	if (jsonread_keys(root, "", scenario_root_keys, scenario_root_accepted,
			  p->cause) != 0 ||
	    jsonread_string(root, "", "name", "a string: the scenario's name",
			    true, &text, p->cause) != 0)
		return -1;
	if (!scenario_is_text(text)) {
		shown = scenario_show(text);
		jsonread_fail(p->cause, "name",
			      "bad name '%s': expected 1 to %d characters, no "
			      "control characters",
			      shown, SCENARIO_TEXT_MAX);
		free(shown);
		return -1;
	}
	s->name = xstrdup(text);
	if (jsonread_string(root, "", "description", "a string", false, &text,
			    p->cause) != 0)
		return -1;
	if (text != NULL)
		s->description = xstrdup(text);
	/* Checks first: targets refer to them by index. */
	if (scenario_parse_settings(p, root, &s->settings) != 0 ||
	    scenario_parse_checks(p, root, s) != 0 ||
	    scenario_parse_targets(p, root, s) != 0)
		return -1;
	return 0;
}

int
scenario_parse(const char *text, size_t len, const char *path,
	       struct scenario *s, char **cause)
{
	struct scenario_parser p = {path, cause};
	struct scenario parsed;
	char *copy, *inner = NULL;
	cJSON *root;
	int rc;

	memset(&parsed, 0, sizeof parsed);
	/* jsonread_text wants the NUL after the text. */
	copy = xmalloc(len + 1);
	memcpy(copy, text, len);
	copy[len] = '\0';
	root = jsonread_text(copy, len, path, "a nacl-probe scenario (JSON)",
			     cause);
	free(copy);
	if (root == NULL)
		return -1;
	p.cause = &inner;
	parsed.path = xstrdup(path);
	rc = scenario_parse_root(&p, root, &parsed);
	cJSON_Delete(root);
	if (rc != 0) {
		jsonread_fail_in(cause, path, inner);
		scenario_free(&parsed);
		return -1;
	}
	*s = parsed;
	return 0;
}

int
scenario_read_file(const char *path, struct scenario *s, char **cause)
{
	size_t len;
	char *text = file_read_all(path, SCENARIO_MAX_FILE,
				   "a nacl-probe scenario", &len, cause);
	int rc;

	if (text == NULL)
		return -1;
	rc = scenario_parse(text, len, path, s, cause);
	free(text);
	return rc;
}

void
scenario_free(struct scenario *s)
{
	size_t i;

	if (s == NULL)
		return;
	for (i = 0; i < s->ntargets; i++) {
		struct scenario_target *t = &s->targets[i];

		free(t->name);
		free(t->host);
		free(t->key_file);
		free(t->bind);
		free(t->probe_cidr);
		free(t->agent_cidr);
		free(t->probe_nacl);
		free(t->agent_nacl);
		free(t->checks);
	}
	for (i = 0; i < s->nchecks; i++) {
		range_list_free(&s->checks[i].sports);
		free(s->checks[i].expectations);
	}
	free(s->targets);
	free(s->checks);
	free(s->path);
	free(s->name);
	free(s->description);
	memset(s, 0, sizeof *s);
}

/* The expectations of c inside sports, split where sports has gaps. */
static void
scenario_narrow_expectations(struct scenario_check *c)
{
	struct expect_range *out = NULL;
	size_t i, j, n = 0;

	for (i = 0; i < c->nexpectations; i++) {
		const struct expect_range *e = &c->expectations[i];

		for (j = 0; j < c->sports.count; j++) {
			uint16_t lo = e->from > c->sports.ranges[j].from
					      ? e->from
					      : c->sports.ranges[j].from;
			uint16_t hi = e->to < c->sports.ranges[j].to
					      ? e->to
					      : c->sports.ranges[j].to;

			if (lo > hi)
				continue;
			out = xreallocarray(out, n + 1, sizeof *out);
			out[n].from = lo;
			out[n].to = hi;
			out[n].expect = e->expect;
			n++;
		}
	}
	free(c->expectations);
	c->expectations = out;
	c->nexpectations = n;
}

int
scenario_narrow(struct scenario *s, const struct range_list *only, char **cause)
{
	struct range_list narrowed;
	char *a, *b;
	size_t i;

	for (i = 0; i < s->nchecks; i++) {
		struct scenario_check *c = &s->checks[i];

		range_list_intersect(&narrowed, &c->sports, only);
		if (narrowed.count == 0) {
			a = range_list_format(&c->sports);
			b = range_list_format(only);
			*cause =
				xasprintf("%s: checks[%zu] (%s/%u, sports %s) "
					  "has no source port in %s",
					  s->path, i, proto_name(c->spec.proto),
					  c->spec.port, a, b);
			free(a);
			free(b);
			return -1;
		}
		range_list_free(&c->sports);
		c->sports = narrowed;
		scenario_narrow_expectations(c);
	}
	return 0;
}
