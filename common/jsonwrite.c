/* Building JSON documents with cJSON: adders that never return NULL. */
/* One place to die of ENOMEM, xcheck, as everywhere else. */
#include "common/jsonwrite.h"

#include "common/xmalloc.h"

cJSON *
jsonwrite_need(cJSON *item)
{
	return xcheck(item);
}

void
jsonwrite_string(cJSON *obj, const char *name, const char *value)
{
	if (value == NULL)
		jsonwrite_need(cJSON_AddNullToObject(obj, name));
	else
		jsonwrite_need(cJSON_AddStringToObject(obj, name, value));
}

void
jsonwrite_optional_string(cJSON *obj, const char *name, const char *value)
{
	if (value != NULL)
		jsonwrite_need(cJSON_AddStringToObject(obj, name, value));
}

void
jsonwrite_number(cJSON *obj, const char *name, double value)
{
	jsonwrite_need(cJSON_AddNumberToObject(obj, name, value));
}

void
jsonwrite_bool(cJSON *obj, const char *name, bool value)
{
	jsonwrite_need(cJSON_AddBoolToObject(obj, name, value));
}

cJSON *
jsonwrite_object(cJSON *obj, const char *name)
{
	return jsonwrite_need(cJSON_AddObjectToObject(obj, name));
}

cJSON *
jsonwrite_array(cJSON *obj, const char *name)
{
	return jsonwrite_need(cJSON_AddArrayToObject(obj, name));
}

cJSON *
jsonwrite_append_object(cJSON *array)
{
	cJSON *item = jsonwrite_need(cJSON_CreateObject());

	cJSON_AddItemToArray(array, item);
	return item;
}
