/* CloudFormation YAML read into the JSON tree CloudFormation itself reads. */
/* libyaml (Debian's libyaml-0-2) parses; short-form tags become their long
 * forms, so that one reader, cfn.c, serves both formats. */
#include "reports/cfn.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "common/jsonwrite.h"
#include "common/xmalloc.h"

/* Nesting deeper than this is no template. */
#define CFN_YAML_MAX_DEPTH 128

struct cfn_yaml_frame {
	cJSON *node; /* the mapping or sequence being filled */
	char *key; /* a mapping's key waiting for its value */
	cJSON *wrapper; /* {"Fn::X": node} for a tagged collection, or NULL */
};

struct cfn_yaml {
	struct cfn_yaml_frame stack[CFN_YAML_MAX_DEPTH];
	int depth;
	cJSON *root;
	const char *name;
	char **cause;
};

static int
cfn_yaml_fail(struct cfn_yaml *y, const yaml_mark_t *mark, const char *problem)
{
	*y->cause =
		xasprintf("%s: not valid YAML at line %zu, column %zu: %s",
			  y->name, mark->line + 1, mark->column + 1, problem);
	return -1;
}

static bool
cfn_yaml_is_number(const char *s)
{
	char *end;

	if (*s == '\0' || strchr(s, 'x') != NULL || strchr(s, 'X') != NULL)
		return false;
	(void)strtod(s, &end);
	return *end == '\0' && strspn(s, "+-0123456789.eE") == strlen(s);
}

/* A plain scalar typed as YAML 1.1 and CloudFormation type it. */
static cJSON *
cfn_yaml_scalar(const yaml_event_t *ev)
{
	const char *s = (const char *)ev->data.scalar.value;
	const char *tag = (const char *)ev->data.scalar.tag;
	bool plain = ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;

	if (tag != NULL && strcmp(tag, YAML_STR_TAG) == 0)
		plain = false;
	if (plain && (strcmp(s, "true") == 0 || strcmp(s, "True") == 0 ||
		      strcmp(s, "TRUE") == 0))
		return jsonwrite_need(cJSON_CreateTrue());
	if (plain && (strcmp(s, "false") == 0 || strcmp(s, "False") == 0 ||
		      strcmp(s, "FALSE") == 0))
		return jsonwrite_need(cJSON_CreateFalse());
	if (plain && (*s == '\0' || strcmp(s, "~") == 0 ||
		      strcmp(s, "null") == 0 || strcmp(s, "Null") == 0))
		return jsonwrite_need(cJSON_CreateNull());
	if (plain && cfn_yaml_is_number(s))
		return jsonwrite_need(cJSON_CreateNumber(strtod(s, NULL)));
	return jsonwrite_need(cJSON_CreateString(s));
}

/* "!Ref" -> "Ref", "!GetAtt" -> "Fn::GetAtt"; NULL when not a short form. */
static char *
cfn_yaml_function(const unsigned char *tag)
{
	const char *t = (const char *)tag;

	if (t == NULL || t[0] != '!' || t[1] == '\0' || t[1] == '!')
		return NULL;
	if (strcmp(t, "!Ref") == 0 || strcmp(t, "!Condition") == 0)
		return xstrdup(t + 1);
	return xasprintf("Fn::%s", t + 1);
}

/* value wrapped in {"Fn::X": value} when tag is a short form. */
static cJSON *
cfn_yaml_wrap(const unsigned char *tag, cJSON *value, cJSON **wrapper)
{
	char *function = cfn_yaml_function(tag);
	cJSON *obj;

	*wrapper = NULL;
	if (function == NULL)
		return value;
	/* !GetAtt A.B is the list [A, B]. */
	if (strcmp(function, "Fn::GetAtt") == 0 && cJSON_IsString(value) &&
	    strchr(value->valuestring, '.') != NULL) {
		char *dot = strchr(value->valuestring, '.');
		cJSON *list = jsonwrite_need(cJSON_CreateArray());

		*dot = '\0';
		cJSON_AddItemToArray(list, jsonwrite_need(cJSON_CreateString(
						   value->valuestring)));
		cJSON_AddItemToArray(
			list, jsonwrite_need(cJSON_CreateString(dot + 1)));
		cJSON_Delete(value);
		value = list;
	}
	obj = jsonwrite_need(cJSON_CreateObject());
	cJSON_AddItemToObject(obj, function, value);
	free(function);
	*wrapper = obj;
	return obj;
}

/* Puts node where it belongs: the root, a sequence, or a key's value. */
static int
cfn_yaml_place(struct cfn_yaml *y, cJSON *node, const yaml_mark_t *mark)
{
	struct cfn_yaml_frame *top;

	if (y->depth == 0) {
		if (y->root != NULL) {
			cJSON_Delete(node);
			return cfn_yaml_fail(y, mark,
					     "more than one document; a "
					     "template is one");
		}
		y->root = node;
		return 0;
	}
	top = &y->stack[y->depth - 1];
	if (cJSON_IsArray(top->node)) {
		cJSON_AddItemToArray(top->node, node);
		return 0;
	}
	if (top->key == NULL) {
		/* A mapping's key: scalars only. */
		if (!cJSON_IsString(node) && !cJSON_IsNumber(node) &&
		    !cJSON_IsBool(node)) {
			cJSON_Delete(node);
			return cfn_yaml_fail(y, mark,
					     "a mapping key must be a scalar");
		}
		top->key = cJSON_IsString(node) ? xstrdup(node->valuestring)
			   : cJSON_IsNumber(node)
				   ? xasprintf("%g", node->valuedouble)
				   : xstrdup(cJSON_IsTrue(node) ? "true"
								: "false");
		cJSON_Delete(node);
		return 0;
	}
	cJSON_AddItemToObject(top->node, top->key, node);
	free(top->key);
	top->key = NULL;
	return 0;
}

static int
cfn_yaml_event(struct cfn_yaml *y, const yaml_event_t *ev)
{
	struct cfn_yaml_frame *frame;
	const unsigned char *tag = NULL;
	cJSON *node, *wrapper, *outer;

	switch (ev->type) {
	case YAML_SCALAR_EVENT:
		node = cfn_yaml_wrap(ev->data.scalar.tag, cfn_yaml_scalar(ev),
				     &wrapper);
		return cfn_yaml_place(y, node, &ev->start_mark);
	case YAML_SEQUENCE_START_EVENT:
	case YAML_MAPPING_START_EVENT:
		if (y->depth == CFN_YAML_MAX_DEPTH)
			return cfn_yaml_fail(y, &ev->start_mark,
					     "nested too deep");
		tag = ev->type == YAML_SEQUENCE_START_EVENT
			      ? ev->data.sequence_start.tag
			      : ev->data.mapping_start.tag;
		node = jsonwrite_need(ev->type == YAML_SEQUENCE_START_EVENT
					      ? cJSON_CreateArray()
					      : cJSON_CreateObject());
		frame = &y->stack[y->depth++];
		frame->node = node;
		frame->key = NULL;
		frame->wrapper = NULL;
		/* Placed when it ends, wrapped if tagged. */
		cfn_yaml_wrap(tag, node, &frame->wrapper);
		return 0;
	case YAML_SEQUENCE_END_EVENT:
	case YAML_MAPPING_END_EVENT:
		frame = &y->stack[--y->depth];
		outer = frame->wrapper ? frame->wrapper : frame->node;
		free(frame->key);
		frame->key = NULL;
		return cfn_yaml_place(y, outer, &ev->start_mark);
	case YAML_DOCUMENT_START_EVENT:
		if (y->root != NULL)
			return cfn_yaml_fail(y, &ev->start_mark,
					     "more than one document; a "
					     "template is one");
		return 0;
	case YAML_ALIAS_EVENT:
		return cfn_yaml_fail(y, &ev->start_mark,
				     "aliases (*name) are not supported; "
				     "write the value out");
	default:
		return 0;
	}
}

cJSON *
cfn_yaml_parse(const char *text, size_t len, const char *name, char **cause)
{
	struct cfn_yaml y;
	yaml_parser_t parser;
	yaml_event_t ev;
	bool done = false;
	int rc = 0;

	memset(&y, 0, sizeof y);
	y.name = name;
	y.cause = cause;
	if (!yaml_parser_initialize(&parser)) {
		*cause = xasprintf("%s: libyaml cannot start", name);
		return NULL;
	}
	yaml_parser_set_input_string(&parser, (const unsigned char *)text, len);
	while (!done && rc == 0) {
		if (!yaml_parser_parse(&parser, &ev)) {
			rc = cfn_yaml_fail(&y, &parser.problem_mark,
					   parser.problem ? parser.problem
							  : "cannot parse");
			break;
		}
		done = ev.type == YAML_STREAM_END_EVENT;
		rc = cfn_yaml_event(&y, &ev);
		yaml_event_delete(&ev);
	}
	yaml_parser_delete(&parser);
	while (y.depth > 0) {
		struct cfn_yaml_frame *frame = &y.stack[--y.depth];

		free(frame->key);
		cJSON_Delete(frame->wrapper ? frame->wrapper : frame->node);
	}
	if (rc != 0 || y.root == NULL) {
		if (rc == 0)
			*cause = xasprintf("%s: empty file, expected a "
					   "CloudFormation template",
					   name);
		cJSON_Delete(y.root);
		return NULL;
	}
	return y.root;
}
