/* The seen-log: per check of a session, bitmaps over its source ports. */
/* Base64 is libsodium's (sodium_bin2base64), not hand-written; decoding
 * refuses any bitmap that does not fit the session exactly. */
#include "common/seenlog.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "common/jsonget.h"
#include "common/xmalloc.h"

static const char *const seen_set_names[SEEN_SETS] = {
	"wire_in",
	"socket",
	"wire_out",
	"nat",
};

/* The members of "losses", in the order of seen_loss_at(). */
static const char *const seen_loss_names[] = {
	"socket_overflows", "listen_overflows", "listen_drops",
	"syncookies_sent",  "capture_drops",	"not_kept",
	"withheld",
};

#define SEEN_NLOSSES (sizeof seen_loss_names / sizeof *seen_loss_names)

/* The losses in the order of seen_loss_names. */
static uint64_t *
seen_loss_at(struct seen_losses *l, size_t i)
{
	uint64_t *fields[SEEN_NLOSSES] = {
		&l->socket_overflows, &l->listen_overflows, &l->listen_drops,
		&l->syncookies_sent,  &l->capture_drops,    &l->not_kept,
		&l->withheld,
	};

	return fields[i];
}

const char *
evidence_name(enum evidence e)
{
	return e == EVIDENCE_CAPTURE ? "capture" : "socket";
}

int
evidence_parse(const char *name, enum evidence *e)
{
	if (strcmp(name, "capture") == 0)
		*e = EVIDENCE_CAPTURE;
	else if (strcmp(name, "socket") == 0)
		*e = EVIDENCE_SOCKET;
	else
		return -1;
	return 0;
}

const char *
seen_set_name(enum seen_set set)
{
	return (unsigned)set < SEEN_SETS ? seen_set_names[set] : "?";
}

static size_t
seen_bytes(size_t nsports)
{
	return (nsports + 7) / 8;
}

static void
seen_report_alloc(struct seen_report *r, size_t nchecks, size_t nsports)
{
	size_t c, set;

	memset(r, 0, sizeof *r);
	r->nsports = nsports;
	r->nchecks = nchecks;
	r->checks = xcalloc(nchecks ? nchecks : 1, sizeof *r->checks);
	for (c = 0; c < nchecks; c++)
		for (set = 0; set < SEEN_SETS; set++)
			r->checks[c].bits[set] =
				xcalloc(seen_bytes(nsports) + 1, 1);
}

void
seen_report_init(struct seen_report *r, const struct check_list *checks,
		 size_t nsports)
{
	size_t c;

	seen_report_alloc(r, checks->count, nsports);
	for (c = 0; c < checks->count; c++) {
		r->checks[c].proto = checks->checks[c].proto;
		r->checks[c].port = checks->checks[c].port;
	}
}

void
seen_report_free(struct seen_report *r)
{
	size_t c, set;

	if (r == NULL)
		return;
	for (c = 0; c < r->nchecks; c++)
		for (set = 0; set < SEEN_SETS; set++)
			free(r->checks[c].bits[set]);
	free(r->checks);
	memset(r, 0, sizeof *r);
}

void
seen_report_clear(struct seen_report *r)
{
	size_t c, set;

	for (c = 0; c < r->nchecks; c++) {
		for (set = 0; set < SEEN_SETS; set++)
			memset(r->checks[c].bits[set], 0,
			       seen_bytes(r->nsports));
		r->checks[c].socket_overflows = 0;
	}
	memset(&r->losses, 0, sizeof r->losses);
	r->has_nat_sample = false;
}

bool
seen_report_set(struct seen_report *r, size_t check, enum seen_set set,
		size_t index)
{
	if (check >= r->nchecks || (unsigned)set >= SEEN_SETS ||
	    index >= r->nsports)
		return false;
	r->checks[check].bits[set][index / 8] |= (uint8_t)(1u << (index % 8));
	return true;
}

bool
seen_report_get(const struct seen_report *r, size_t check, enum seen_set set,
		size_t index)
{
	if (check >= r->nchecks || (unsigned)set >= SEEN_SETS ||
	    index >= r->nsports)
		return false;
	return (r->checks[check].bits[set][index / 8] >> (index % 8)) & 1;
}

size_t
seen_report_count(const struct seen_report *r, enum seen_set set)
{
	size_t c, i, n = 0;

	for (c = 0; c < r->nchecks; c++)
		for (i = 0; i < seen_bytes(r->nsports); i++)
			n += (size_t)__builtin_popcount(
				r->checks[c].bits[set][i]);
	return n;
}

/* Base64 of the bitmap without its trailing zero bytes. */
static char *
seen_bitmap_encode(const uint8_t *bits, size_t len)
{
	size_t size;
	char *text;

	while (len > 0 && bits[len - 1] == 0)
		len--;
	size = sodium_base64_ENCODED_LEN(len, sodium_base64_VARIANT_ORIGINAL);
	text = xmalloc(size);
	sodium_bin2base64(text, size, bits, len,
			  sodium_base64_VARIANT_ORIGINAL);
	return text;
}

void
seen_report_to_json(const struct seen_report *r, cJSON *msg)
{
	cJSON *checks, *item, *losses, *sample;
	struct seen_losses l = r->losses;
	size_t c, set, i;
	char *text;

	xcheck(cJSON_AddNumberToObject(msg, "session", r->session));
	xcheck(cJSON_AddStringToObject(msg, "evidence",
				       evidence_name(r->evidence)));
	xcheck(cJSON_AddNumberToObject(msg, "nsports", (double)r->nsports));
	checks = xcheck(cJSON_AddArrayToObject(msg, "checks"));
	for (c = 0; c < r->nchecks; c++) {
		const struct seen_check *k = &r->checks[c];

		item = xcheck(cJSON_CreateObject());
		cJSON_AddItemToArray(checks, item);
		xcheck(cJSON_AddStringToObject(item, "proto",
					       proto_name(k->proto)));
		xcheck(cJSON_AddNumberToObject(item, "port", k->port));
		for (set = 0; set < SEEN_SETS; set++) {
			text = seen_bitmap_encode(k->bits[set],
						  seen_bytes(r->nsports));
			xcheck(cJSON_AddStringToObject(
				item, seen_set_names[set], text));
			free(text);
		}
		xcheck(cJSON_AddNumberToObject(item, "socket_overflows",
					       (double)k->socket_overflows));
	}
	if (r->has_nat_sample) {
		sample = xcheck(cJSON_AddArrayToObject(msg, "nat_sample"));
		cJSON_AddItemToArray(sample,
				     xcheck(cJSON_CreateString(r->nat_addr)));
		cJSON_AddItemToArray(sample,
				     xcheck(cJSON_CreateNumber(r->nat_port)));
	}
	losses = xcheck(cJSON_AddObjectToObject(msg, "losses"));
	for (i = 0; i < SEEN_NLOSSES; i++)
		xcheck(cJSON_AddNumberToObject(losses, seen_loss_names[i],
					       (double)*seen_loss_at(&l, i)));
}

/* One bitmap member: base64 of at most the session's bytes, no bit set
 * past its last port. */
static int
seen_bitmap_decode(const cJSON *item, const char *name, size_t nsports,
		   uint8_t *bits, char **cause)
{
	const cJSON *s = cJSON_GetObjectItemCaseSensitive(item, name);
	size_t len = 0, max = seen_bytes(nsports);
	const char *end = NULL;

	if (!cJSON_IsString(s)) {
		*cause = xasprintf("'seen' check member \"%s\" must be a "
				   "base64 string",
				   name);
		return -1;
	}
	if (strlen(s->valuestring) >
	    sodium_base64_ENCODED_LEN(max, sodium_base64_VARIANT_ORIGINAL) -
		    1) {
		*cause = xasprintf("'seen' check member \"%s\" is longer than "
				   "a bitmap of %zu ports (%zu bytes)",
				   name, nsports, max);
		return -1;
	}
	/* bits has max + 1 bytes: one past the limit shows an overlong map. */
	if (sodium_base642bin(bits, max + 1, s->valuestring,
			      strlen(s->valuestring), NULL, &len, &end,
			      sodium_base64_VARIANT_ORIGINAL) != 0 ||
	    *end != '\0') {
		*cause = xasprintf("'seen' check member \"%s\" is not valid "
				   "base64",
				   name);
		return -1;
	}
	if (len > max) {
		*cause = xasprintf("'seen' check member \"%s\" is longer than "
				   "a bitmap of %zu ports (%zu bytes)",
				   name, nsports, max);
		return -1;
	}
	if ((len == max && nsports % 8 != 0 &&
	     (bits[max - 1] >> (nsports % 8)) != 0)) {
		*cause =
			xasprintf("'seen' check member \"%s\" marks ports past "
				  "the session's %zu",
				  name, nsports);
		return -1;
	}
	return 0;
}

static int
seen_check_decode(const cJSON *item, struct seen_report *r, size_t c,
		  char **cause)
{
	struct seen_check *k = &r->checks[c];
	char proto[8];
	uint64_t port;
	size_t set;

	if (!cJSON_IsObject(item)) {
		*cause = xstrdup("'seen' member \"checks\" must hold objects");
		return -1;
	}
	if (json_get_string(item, "seen", "proto", proto, sizeof proto,
			    cause) != 0 ||
	    json_get_uint(item, "seen", "port", 65535, &port, cause) != 0 ||
	    json_get_uint(item, "seen", "socket_overflows", UINT64_C(1) << 53,
			  &k->socket_overflows, cause) != 0)
		return -1;
	if (proto_parse(proto, &k->proto) != 0 || port == 0) {
		*cause = xasprintf("'seen' check %s/%llu: expected \"udp\" or "
				   "\"tcp\" and a port from 1 to 65535",
				   proto, (unsigned long long)port);
		return -1;
	}
	k->port = (uint16_t)port;
	for (set = 0; set < SEEN_SETS; set++)
		if (seen_bitmap_decode(item, seen_set_names[set], r->nsports,
				       k->bits[set], cause) != 0)
			return -1;
	return 0;
}

/* Puts the checks in expect's order; every one there exactly once. */
static int
seen_report_order(struct seen_report *r, const struct check_list *expect,
		  char **cause)
{
	struct seen_check *ordered;
	size_t c;
	int i;

	if (r->nchecks != expect->count) {
		*cause = xasprintf("'seen' holds %zu checks; the session has "
				   "%zu",
				   r->nchecks, expect->count);
		return -1;
	}
	ordered = xcalloc(r->nchecks ? r->nchecks : 1, sizeof *ordered);
	for (c = 0; c < r->nchecks; c++) {
		i = check_list_find(expect, r->checks[c].proto,
				    r->checks[c].port);
		if (i < 0 || ordered[i].bits[0] != NULL) {
			*cause = xasprintf(
				"'seen' check %s/%u is %s",
				proto_name(r->checks[c].proto),
				r->checks[c].port,
				i < 0 ? "not one of the session's checks"
				      : "given twice");
			free(ordered);
			return -1;
		}
		ordered[i] = r->checks[c];
	}
	free(r->checks);
	r->checks = ordered;
	return 0;
}

int
seen_report_from_json(const cJSON *msg, const struct seen_expect *expect,
		      struct seen_report *r, char **cause)
{
	const cJSON *checks, *item, *losses, *sample, *a, *p;
	struct seen_losses l = {0};
	uint64_t session, nsports;
	char evidence[16];
	size_t c, i, nchecks;

	memset(r, 0, sizeof *r);
	if (json_get_uint(msg, "seen", "session", UINT32_MAX, &session,
			  cause) != 0 ||
	    json_get_uint(msg, "seen", "nsports", 65536, &nsports, cause) !=
		    0 ||
	    json_get_string(msg, "seen", "evidence", evidence, sizeof evidence,
			    cause) != 0)
		return -1;
	checks = json_get_typed(msg, "seen", "checks", cJSON_Array,
				"an array of checks", cause);
	if (checks == NULL)
		return -1;
	losses = json_get_typed(msg, "seen", "losses", cJSON_Object,
				"an object of counts", cause);
	if (losses == NULL)
		return -1;
	if (expect != NULL && nsports != expect->nsports) {
		*cause =
			xasprintf("'seen' covers %llu source ports; the "
				  "session has %zu",
				  (unsigned long long)nsports, expect->nsports);
		return -1;
	}
	nchecks = (size_t)cJSON_GetArraySize(checks);
	if (nsports > 0 && nchecks > SEEN_MAX_ENTRIES / nsports) {
		*cause = xasprintf("'seen' holds %zu checks of %llu ports: "
				   "more than %u entries",
				   nchecks, (unsigned long long)nsports,
				   SEEN_MAX_ENTRIES);
		return -1;
	}
	seen_report_alloc(r, nchecks, (size_t)nsports);
	r->session = (uint32_t)session;
	if (evidence_parse(evidence, &r->evidence) != 0) {
		*cause = xasprintf("'seen' member \"evidence\" is '%s': "
				   "expected \"capture\" or \"socket\"",
				   evidence);
		goto fail;
	}
	c = 0;
	cJSON_ArrayForEach(item, checks)
	{
		if (seen_check_decode(item, r, c++, cause) != 0)
			goto fail;
	}
	for (i = 0; i < SEEN_NLOSSES; i++)
		if (json_get_uint(losses, "seen losses", seen_loss_names[i],
				  UINT64_C(1) << 53, seen_loss_at(&l, i),
				  cause) != 0)
			goto fail;
	r->losses = l;
	sample = cJSON_GetObjectItemCaseSensitive(msg, "nat_sample");
	if (sample != NULL) {
		a = cJSON_GetArrayItem(sample, 0);
		p = cJSON_GetArrayItem(sample, 1);
		if (!cJSON_IsArray(sample) || cJSON_GetArraySize(sample) != 2 ||
		    !cJSON_IsString(a) ||
		    strlen(a->valuestring) >= sizeof r->nat_addr ||
		    !cJSON_IsNumber(p) || !(p->valuedouble >= 0) ||
		    p->valuedouble > 65535) {
			*cause = xstrdup("'seen' member \"nat_sample\" must be "
					 "[ADDRESS, PORT]");
			goto fail;
		}
		r->has_nat_sample = true;
		strcpy(r->nat_addr, a->valuestring);
		r->nat_port = (uint16_t)p->valuedouble;
	}
	if (expect != NULL && seen_report_order(r, expect->checks, cause) != 0)
		goto fail;
	return 0;
fail:
	seen_report_free(r);
	return -1;
}
