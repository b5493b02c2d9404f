/* Source-port range lists ("1025-5000,49152-65535") and the client presets. */
/* Parsing is strict: every malformed piece is named back to the user; a list
 * may mix presets and ranges ("windows-legacy,49152-65535"). */
#include "common/portrange.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "common/xmalloc.h"

const struct port_preset port_presets[] = {
	{"linux", "32768-60999", "Linux (current kernels)"},
	{"linux-legacy", "32768-61000",
	 "Linux (older kernels, Amazon Linux 1)"},
	{"windows", "49152-65535", "Windows Vista / Server 2008 and later"},
	{"windows-legacy", "1025-5000", "Windows XP / Server 2003 and older"},
	{"nat-gateway", "1024-65535", "AWS NAT gateway"},
	{"elb", "1024-65535", "Elastic Load Balancing"},
	{"all", "1024-65535", "every non-privileged port"},
	{NULL, NULL, NULL},
};

static int
port_range_compare(const void *a, const void *b)
{
	const struct port_range *x = a, *y = b;

	if (x->from != y->from)
		return x->from < y->from ? -1 : 1;
	return (x->to > y->to) - (x->to < y->to);
}

static void
range_list_normalize(struct range_list *list)
{
	size_t i, out = 0;

	if (list->count == 0)
		return;
	qsort(list->ranges, list->count, sizeof *list->ranges,
	      port_range_compare);
	for (i = 1; i < list->count; i++) {
		struct port_range *last = &list->ranges[out];
		const struct port_range *r = &list->ranges[i];

		if ((uint32_t)r->from <= (uint32_t)last->to + 1) {
			if (r->to > last->to)
				last->to = r->to;
		} else
			list->ranges[++out] = *r;
	}
	list->count = out + 1;
}

void
range_list_add(struct range_list *list, uint16_t from, uint16_t to)
{
	list->ranges = xreallocarray(list->ranges, list->count + 1,
				     sizeof *list->ranges);
	list->ranges[list->count].from = from;
	list->ranges[list->count].to = to;
	list->count++;
	range_list_normalize(list);
}

static int
port_parse(const char *s, size_t len, uint16_t min_port, long *out)
{
	char buf[8], *end;
	long v;
	size_t i;

	if (len == 0 || len >= sizeof buf)
		return -1;
	for (i = 0; i < len; i++)
		if (!isdigit((unsigned char)s[i]))
			return -1;
	memcpy(buf, s, len);
	buf[len] = '\0';
	errno = 0;
	v = strtol(buf, &end, 10);
	if (errno != 0 || *end != '\0' || v < min_port || v > 65535)
		return -1;
	*out = v;
	return 0;
}

static char *
range_list_preset_names(void)
{
	char *names = xstrdup("");
	const struct port_preset *p;

	for (p = port_presets; p->name != NULL; p++)
		xappendf(&names, "%s%s", *names ? ", " : "", p->name);
	return names;
}

/* The preset named by the len bytes at name, or NULL. */
static const struct port_preset *
range_list_find_preset(const char *name, size_t len)
{
	const struct port_preset *p;

	for (p = port_presets; p->name != NULL; p++)
		if (strlen(p->name) == len && memcmp(p->name, name, len) == 0)
			return p;
	return NULL;
}

int
range_list_parse(const char *text, struct range_list *list, uint16_t min_port,
		 char **cause)
{
	const struct port_preset *p;
	const char *piece = text, *comma, *dash;
	struct range_list parsed = {NULL, 0}, preset;

	if (*text == '\0') {
		*cause = xstrdup("empty port list");
		return -1;
	}
	for (;;) {
		long from, to;
		size_t len, i;

		comma = strchr(piece, ',');
		len = comma ? (size_t)(comma - piece) : strlen(piece);
		dash = memchr(piece, '-', len);
		p = range_list_find_preset(piece, len);
		if (p != NULL) {
			/* A preset's own ranges always parse. */
			if (range_list_parse(p->ranges, &preset, min_port,
					     cause) != 0) {
				range_list_free(&parsed);
				return -1;
			}
			for (i = 0; i < preset.count; i++)
				range_list_add(&parsed, preset.ranges[i].from,
					       preset.ranges[i].to);
			range_list_free(&preset);
		} else {
			if (dash == NULL) {
				if (port_parse(piece, len, min_port, &from) !=
				    0)
					goto bad;
				to = from;
			} else if (port_parse(piece, (size_t)(dash - piece),
					      min_port, &from) != 0 ||
				   port_parse(dash + 1,
					      len - (size_t)(dash - piece) - 1,
					      min_port, &to) != 0 ||
				   from > to)
				goto bad;
			range_list_add(&parsed, (uint16_t)from, (uint16_t)to);
		}
		if (comma == NULL)
			break;
		piece = comma + 1;
	}
	*list = parsed;
	return 0;

bad : {
	char *names = range_list_preset_names();
	int len = (int)(comma ? (size_t)(comma - piece) : strlen(piece));

	*cause = xasprintf("bad port range '%.*s' in '%s': expected PORT, "
			   "FROM-TO with %u <= FROM <= TO <= 65535 or a "
			   "preset (%s), comma-separated",
			   len, piece, text, min_port, names);
	free(names);
	range_list_free(&parsed);
	return -1;
}
}

void
range_list_free(struct range_list *list)
{
	free(list->ranges);
	list->ranges = NULL;
	list->count = 0;
}

size_t
range_list_size(const struct range_list *list)
{
	size_t i, n = 0;

	for (i = 0; i < list->count; i++)
		n += (size_t)list->ranges[i].to - list->ranges[i].from + 1;
	return n;
}

bool
range_list_contains(const struct range_list *list, uint16_t port)
{
	return range_list_index(list, port) != SIZE_MAX;
}

size_t
range_list_index(const struct range_list *list, uint16_t port)
{
	size_t i, base = 0;

	for (i = 0; i < list->count; i++) {
		const struct port_range *r = &list->ranges[i];

		if (port >= r->from && port <= r->to)
			return base + (port - r->from);
		base += (size_t)r->to - r->from + 1;
	}
	return SIZE_MAX;
}

uint16_t
range_list_port_at(const struct range_list *list, size_t index)
{
	size_t i;

	for (i = 0; i < list->count; i++) {
		size_t n =
			(size_t)list->ranges[i].to - list->ranges[i].from + 1;

		if (index < n)
			return (uint16_t)(list->ranges[i].from + index);
		index -= n;
	}
	return 0;
}

char *
range_list_format(const struct range_list *list)
{
	char *out = xstrdup("");
	size_t i;

	for (i = 0; i < list->count; i++) {
		const struct port_range *r = &list->ranges[i];

		if (r->from == r->to)
			xappendf(&out, "%s%u", i ? "," : "", r->from);
		else
			xappendf(&out, "%s%u-%u", i ? "," : "", r->from, r->to);
	}
	return out;
}

void
range_list_copy(struct range_list *dst, const struct range_list *src)
{
	dst->count = src->count;
	dst->ranges = xreallocarray(NULL, src->count, sizeof *src->ranges);
	if (src->count)
		memcpy(dst->ranges, src->ranges,
		       src->count * sizeof *src->ranges);
}

bool
port_range_overlap(uint16_t a_from, uint16_t a_to, uint16_t b_from,
		   uint16_t b_to, struct port_range *out)
{
	out->from = a_from > b_from ? a_from : b_from;
	out->to = a_to < b_to ? a_to : b_to;
	return out->from <= out->to;
}

void
range_list_intersect(struct range_list *out, const struct range_list *a,
		     const struct range_list *b)
{
	struct range_list result = {NULL, 0};
	size_t i = 0, j = 0;

	/* Both are sorted and merged: walk them in step. */
	while (i < a->count && j < b->count) {
		struct port_range both;

		if (port_range_overlap(a->ranges[i].from, a->ranges[i].to,
				       b->ranges[j].from, b->ranges[j].to,
				       &both))
			range_list_add(&result, both.from, both.to);
		if (a->ranges[i].to < b->ranges[j].to)
			i++;
		else
			j++;
	}
	*out = result;
}

void
range_list_subtract(struct range_list *out, const struct range_list *a,
		    const struct range_list *b)
{
	struct range_list result = {NULL, 0};
	size_t i, j;

	for (i = 0; i < a->count; i++) {
		uint32_t from = a->ranges[i].from, to = a->ranges[i].to;

		for (j = 0; j < b->count && from <= to; j++) {
			if (b->ranges[j].to < from || b->ranges[j].from > to)
				continue;
			if (b->ranges[j].from > from)
				range_list_add(
					&result, (uint16_t)from,
					(uint16_t)(b->ranges[j].from - 1));
			from = (uint32_t)b->ranges[j].to + 1;
		}
		if (from <= to)
			range_list_add(&result, (uint16_t)from, (uint16_t)to);
	}
	*out = result;
}
