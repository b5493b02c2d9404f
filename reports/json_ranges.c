/* Reading a report's JSON text with each check's ranges lifted out of it, so
 * that cJSON builds a tree of the rest only. */
/*
 * Hand-written, and only for this one array shape: a streaming JSON library
 * (libyajl) would turn the whole reader into callbacks and leave the paths
 * of its errors to be rebuilt, where common/jsonread already names them on
 * cJSON's tree; the scanner below only follows strings and brackets down to
 * checks[i].ranges, and whatever it is not sure of it leaves to cJSON.
 */
#include "reports/json_ranges.h"

#include <stdlib.h>
#include <string.h>

#include "common/fileread.h"
#include "common/jsonread.h"
#include "common/xmalloc.h"

/* A growing byte buffer. */
struct lift_buffer {
	char *data;
	size_t len, size;
};

/* Room for n more bytes and a NUL. */
static void
lift_buffer_reserve(struct lift_buffer *b, size_t n)
{
	if (b->len + n + 1 <= b->size)
		return;
	while (b->len + n + 1 > b->size)
		b->size = b->size ? b->size * 2 : 65536;
	b->data = xreallocarray(b->data, b->size, 1);
}

static void
lift_buffer_add(struct lift_buffer *b, const char *data, size_t n)
{
	lift_buffer_reserve(b, n);
	memcpy(b->data + b->len, data, n);
	b->len += n;
}

/* What a value the scanner follows is, down to a check's members. */
enum lift_role {
	LIFT_TOP, /* the document itself */
	LIFT_ROOT, /* the root object */
	LIFT_CHECKS, /* the root's first "checks" array */
	LIFT_CHECK, /* one of its elements */
	LIFT_RANGES, /* a check's first "ranges" array: lifted */
	LIFT_OTHER, /* anything else */
};

/* What comes next inside a container. */
enum lift_expect {
	LIFT_KEY, /* an object's next key */
	LIFT_COLON,
	LIFT_VALUE,
	LIFT_AFTER, /* a comma or the end */
};

/* Frames followed: the document, the root, "checks", a check. */
#define LIFT_DEPTH 4
/* The keys that matter are short; longer ones are just not them. */
#define LIFT_KEY_MAX 15

struct lift_frame {
	enum lift_role role;
	enum lift_expect expect;
	bool object;
	/* Root: its "checks" was met; check: its "ranges" was (cJSON reads
	 * the first of a name). */
	bool seen;
	size_t index; /* checks: the elements so far; check: its index */
};

struct lift {
	struct lift_buffer out; /* the text, lifted arrays blanked */
	struct json_ranges *lifted;
	size_t offset; /* bytes of the file so far */
	const char *name;
	struct lift_frame frames[LIFT_DEPTH];
	size_t depth; /* containers open; frames beyond LIFT_DEPTH not kept */
	bool in_string, escape;
	bool in_key; /* the string is a key of a followed object */
	char key[LIFT_KEY_MAX + 1]; /* the last key of the current frame */
	size_t keylen;
	bool key_unsure; /* escaped or long: it may stand for any name */
	/* A ranges array being read, kept whole until its end tells whether
	 * it is lifted or stays. */
	bool capturing;
	struct lift_buffer capture;
	size_t capture_check;
	size_t capture_depth;
	bool capture_string, capture_escape;
};

static bool
lift_key_is(const struct lift *l, const char *name)
{
	return !l->key_unsure && strcmp(l->key, name) == 0;
}

/* A key that is name, or may be: the first such member of f decides. */
static bool
lift_first_named(struct lift *l, struct lift_frame *f, const char *name)
{
	bool first = !f->seen;

	if (!lift_key_is(l, name) && !l->key_unsure)
		return false;
	f->seen = true;
	return first && !l->key_unsure;
}

/*
 * A value starts in the current frame: the role it takes when it is a
 * container opened by ch ('{' or '['); *index gets a check's index.
 */
static enum lift_role
lift_value(struct lift *l, char ch, size_t *index)
{
	struct lift_frame *f;

	if (l->depth >= LIFT_DEPTH)
		return LIFT_OTHER;
	f = &l->frames[l->depth];
	if (f->expect != LIFT_VALUE)
		return LIFT_OTHER; /* not where a value goes: cJSON says so */
	f->expect = LIFT_AFTER;
	switch (f->role) {
	case LIFT_TOP:
		return ch == '{' ? LIFT_ROOT : LIFT_OTHER;
	case LIFT_ROOT:
		return lift_first_named(l, f, "checks") && ch == '['
			       ? LIFT_CHECKS
			       : LIFT_OTHER;
	case LIFT_CHECKS:
		*index = f->index++;
		return ch == '{' ? LIFT_CHECK : LIFT_OTHER;
	case LIFT_CHECK:
		*index = f->index;
		return lift_first_named(l, f, "ranges") && ch == '['
			       ? LIFT_RANGES
			       : LIFT_OTHER;
	case LIFT_RANGES:
	case LIFT_OTHER:
		break;
	}
	return LIFT_OTHER;
}

/* ch opens a container; 1 when it starts a lifted array's capture. */
static int
lift_open(struct lift *l, char ch)
{
	size_t index = 0;
	enum lift_role role = lift_value(l, ch, &index);
	struct lift_frame *f;

	if (role == LIFT_RANGES) {
		l->capturing = true;
		l->capture.len = 0;
		lift_buffer_add(&l->capture, &ch, 1);
		l->capture_check = index;
		l->capture_depth = 1;
		l->capture_string = l->capture_escape = false;
		return 1;
	}
	if (++l->depth >= LIFT_DEPTH)
		return 0;
	f = &l->frames[l->depth];
	memset(f, 0, sizeof *f);
	f->role = role;
	f->object = ch == '{';
	f->expect = f->object ? LIFT_KEY : LIFT_VALUE;
	f->index = role == LIFT_CHECK ? index : 0;
	return 0;
}

/* One byte of a key string (the quotes not included). */
static void
lift_key_byte(struct lift *l, char ch)
{
	if (ch == '\\')
		l->key_unsure = true;
	if (l->keylen == LIFT_KEY_MAX) {
		l->key_unsure = true;
		return;
	}
	l->key[l->keylen++] = ch;
	l->key[l->keylen] = '\0';
}

/* One byte outside strings and captures: follows the structure. */
static int
lift_structure(struct lift *l, char ch)
{
	struct lift_frame *f =
		l->depth < LIFT_DEPTH ? &l->frames[l->depth] : NULL;
	size_t index;

	switch (ch) {
	case ' ':
	case '\t':
	case '\n':
	case '\r':
		break;
	case '"':
		l->in_string = true;
		l->in_key = f != NULL && f->object && f->expect == LIFT_KEY;
		if (l->in_key) {
			l->keylen = 0;
			l->key[0] = '\0';
			l->key_unsure = false;
		} else
			lift_value(l, ch, &index);
		break;
	case ':':
		if (f != NULL && f->expect == LIFT_COLON)
			f->expect = LIFT_VALUE;
		break;
	case ',':
		if (f != NULL && f->expect == LIFT_AFTER)
			f->expect = f->object ? LIFT_KEY : LIFT_VALUE;
		break;
	case '{':
	case '[':
		return lift_open(l, ch);
	case '}':
	case ']':
		if (l->depth > 0)
			l->depth--;
		break;
	default:
		lift_value(l, ch, &index);
	}
	return 0;
}

static void
lift_skip_space(const char **p, const char *end)
{
	while (*p < end &&
	       (**p == ' ' || **p == '\t' || **p == '\n' || **p == '\r'))
		(*p)++;
}

/* A whole number from 0 to 65535 without sign, fraction or leading zero. */
static bool
lift_port(const char **p, const char *end, uint16_t *out)
{
	unsigned v = 0;
	size_t n = 0;

	while (*p < end && **p >= '0' && **p <= '9' && n < 6) {
		v = v * 10 + (unsigned)(**p - '0');
		(*p)++;
		n++;
	}
	if (n == 0 || n > 5 || v > 65535 || (n > 1 && (*p)[-(long)n] == '0'))
		return false;
	if (*p < end && (**p == '.' || **p == 'e' || **p == 'E'))
		return false;
	*out = (uint16_t)v;
	return true;
}

/* A plain string of lower-case letters and '_' (no escapes): its bytes. */
static bool
lift_word(const char **p, const char *end, char *buf, size_t size)
{
	size_t n = 0;

	if (*p == end || **p != '"')
		return false;
	for ((*p)++; *p < end && **p != '"'; (*p)++) {
		if (!((**p >= 'a' && **p <= 'z') || **p == '_') ||
		    n + 1 == size)
			return false;
		buf[n++] = **p;
	}
	if (*p == end)
		return false;
	(*p)++;
	buf[n] = '\0';
	return true;
}

/* One element: an object of exactly from, to and status. */
static bool
lift_element(const char **p, const char *end, struct status_range *out)
{
	char key[8], status[24];
	unsigned seen = 0, bit;
	enum probe_status parsed;
	int member;

	if (*p == end || **p != '{')
		return false;
	(*p)++;
	for (member = 0; member < 3; member++) {
		lift_skip_space(p, end);
		if (!lift_word(p, end, key, sizeof key))
			return false;
		bit = strcmp(key, "from") == 0	   ? 1
		      : strcmp(key, "to") == 0	   ? 2
		      : strcmp(key, "status") == 0 ? 4
						   : 0;
		if (bit == 0 || (seen & bit) != 0)
			return false;
		seen |= bit;
		lift_skip_space(p, end);
		if (*p == end || **p != ':')
			return false;
		(*p)++;
		lift_skip_space(p, end);
		if (bit == 1 && !lift_port(p, end, &out->from))
			return false;
		if (bit == 2 && !lift_port(p, end, &out->to))
			return false;
		if (bit == 4) {
			if (!lift_word(p, end, status, sizeof status) ||
			    status_parse(status, &parsed) != 0)
				return false;
			out->status = parsed;
		}
		lift_skip_space(p, end);
		if (*p == end || **p != (member < 2 ? ',' : '}'))
			return false;
		(*p)++;
	}
	return true;
}

/* The captured array, when every element has the one shape. */
static bool
lift_parse(const char *data, size_t len, struct json_ranges_check *check)
{
	const char *p = data + 1, *end = data + len;
	struct status_range range;
	size_t room = 0;

	check->count = 0;
	lift_skip_space(&p, end);
	if (p < end && *p == ']')
		return p + 1 == end;
	for (;;) {
		lift_skip_space(&p, end);
		if (!lift_element(&p, end, &range))
			return false;
		if (check->count == room) {
			room = room ? room * 2 : 64;
			check->ranges = xreallocarray(check->ranges, room,
						      sizeof *check->ranges);
		}
		check->ranges[check->count++] = range;
		lift_skip_space(&p, end);
		if (p == end)
			return false;
		if (*p == ']')
			return p + 1 == end;
		if (*p++ != ',')
			return false;
	}
}

/* Room in lifted for check index. */
static struct json_ranges_check *
lift_check(struct json_ranges *lifted, size_t index)
{
	if (index >= lifted->nchecks) {
		lifted->checks = xreallocarray(lifted->checks, index + 1,
					       sizeof *lifted->checks);
		memset(lifted->checks + lifted->nchecks, 0,
		       (index + 1 - lifted->nchecks) * sizeof *lifted->checks);
		lifted->nchecks = index + 1;
	}
	return &lifted->checks[index];
}

/*
 * The capture ended: lifted, its contents become the newlines they held and
 * as many spaces as its last line had, so that what follows keeps its line
 * and column; else it goes into the text as it was.
 */
static void
lift_capture_end(struct lift *l)
{
	struct json_ranges_check *check =
		lift_check(l->lifted, l->capture_check);
	const char *data = l->capture.data;
	size_t i, last = 0, len = l->capture.len;

	l->capturing = false;
	if (!lift_parse(data, len, check)) {
		free(check->ranges);
		check->ranges = NULL;
		check->count = 0;
		lift_buffer_add(&l->out, data, len);
		return;
	}
	check->lifted = true;
	lift_buffer_reserve(&l->out, len);
	l->out.data[l->out.len++] = '[';
	for (i = 1; i + 1 < len; i++) {
		if (data[i] == '\n') {
			l->out.data[l->out.len++] = '\n';
			last = i;
		}
	}
	for (i = last ? last + 1 : 1; i + 1 < len; i++)
		l->out.data[l->out.len++] = ' ';
	l->out.data[l->out.len++] = ']';
}

/*
 * Bytes of a captured array from data, up to and with its end: returns how
 * many were taken.
 */
static size_t
lift_capture(struct lift *l, const char *data, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++) {
		char ch = data[i];

		if (l->capture_string) {
			if (l->capture_escape)
				l->capture_escape = false;
			else if (ch == '\\')
				l->capture_escape = true;
			else if (ch == '"')
				l->capture_string = false;
		} else if (ch == '"')
			l->capture_string = true;
		else if (ch == '[' || ch == '{')
			l->capture_depth++;
		else if ((ch == ']' || ch == '}') && --l->capture_depth == 0) {
			lift_buffer_add(&l->capture, data, i + 1);
			lift_capture_end(l);
			return i + 1;
		}
	}
	lift_buffer_add(&l->capture, data, len);
	return len;
}

static int
lift_chunk(void *arg, const char *data, size_t len, char **cause)
{
	struct lift *l = arg;
	const char *nul = memchr(data, '\0', len);
	size_t i = 0, taken;

	if (nul != NULL)
		return jsonread_refuse_nul(
			l->name, l->offset + (size_t)(nul - data), cause);
	l->offset += len;
	lift_buffer_reserve(&l->out, len);
	while (i < len) {
		char ch = data[i];

		if (l->capturing) {
			taken = lift_capture(l, data + i, len - i);
			i += taken;
			/* Blanking never grows the text: room stays. */
			lift_buffer_reserve(&l->out, len - i);
			continue;
		}
		i++;
		if (l->in_string) {
			if (l->escape)
				l->escape = false;
			else if (ch == '\\')
				l->escape = true;
			else if (ch == '"') {
				l->in_string = false;
				if (l->in_key) {
					l->in_key = false;
					l->frames[l->depth].expect = LIFT_COLON;
				}
				l->out.data[l->out.len++] = ch;
				continue;
			}
			if (l->in_key)
				lift_key_byte(l, ch);
			l->out.data[l->out.len++] = ch;
			continue;
		}
		if (lift_structure(l, ch) == 0)
			l->out.data[l->out.len++] = ch;
	}
	return 0;
}

static void
lift_init(struct lift *l, const char *name, struct json_ranges *lifted)
{
	memset(l, 0, sizeof *l);
	memset(lifted, 0, sizeof *lifted);
	l->name = name;
	l->lifted = lifted;
	l->frames[0].role = LIFT_TOP;
	l->frames[0].expect = LIFT_VALUE;
}

/* The text, once every byte went through lift_chunk. */
static char *
lift_finish(struct lift *l, size_t *len)
{
	/* A file that ends inside an array: cJSON names where. */
	if (l->capturing)
		lift_buffer_add(&l->out, l->capture.data, l->capture.len);
	free(l->capture.data);
	lift_buffer_reserve(&l->out, 0);
	l->out.data[l->out.len] = '\0';
	*len = l->out.len;
	return l->out.data;
}

char *
json_ranges_read(const char *path, size_t max, const char *what,
		 struct json_ranges *lifted, size_t *len, char **cause)
{
	struct lift l;

	lift_init(&l, file_display_name(path), lifted);
	*len = 0;
	if (file_read_chunks(path, max, what, lift_chunk, &l, cause) != 0) {
		free(l.capture.data);
		free(l.out.data);
		return NULL;
	}
	return lift_finish(&l, len);
}

char *
json_ranges_lift(const char *text, size_t len, const char *name,
		 struct json_ranges *lifted, size_t *out_len, char **cause)
{
	struct lift l;

	lift_init(&l, name, lifted);
	*out_len = 0;
	if (lift_chunk(&l, text, len, cause) != 0) {
		free(l.capture.data);
		free(l.out.data);
		return NULL;
	}
	return lift_finish(&l, out_len);
}

void
json_ranges_free(struct json_ranges *lifted)
{
	size_t i;

	for (i = 0; i < lifted->nchecks; i++)
		free(lifted->checks[i].ranges);
	free(lifted->checks);
	memset(lifted, 0, sizeof *lifted);
}
