/* Check specs: "tcp/80=http,udp/53=dns,udp/7000-7003=echo" into (proto, port,
 * service). */
/* Service names and default ports are the service table's. */
#include "common/checkspec.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "common/portrange.h"
#include "common/xmalloc.h"

int
service_check_transport(const struct check_spec *check, char **cause)
{
	const struct service_ops *ops = service_ops(check->service);

	if (check->proto == PROTO_UDP ? ops->udp : ops->tcp)
		return 0;
	*cause = xasprintf("%s/%u=%s: %s runs over %s only",
			   proto_name(check->proto), check->port, ops->name,
			   ops->name, ops->udp ? "udp" : "tcp");
	return -1;
}

int
check_list_find(const struct check_list *list, enum proto proto, uint16_t port)
{
	size_t i;

	for (i = 0; i < list->count; i++)
		if (list->checks[i].proto == proto &&
		    list->checks[i].port == port)
			return (int)i;
	return -1;
}

static int
check_list_parse_item(const char *item, struct check_list *list, char **cause)
{
	char *copy = xstrdup(item), *slash, *equals, *range_cause = NULL;
	struct range_list ports = {NULL, 0};
	enum proto proto;
	enum service service = SERVICE_ECHO;
	int explicit_service = 0, rc = -1;
	size_t r;
	uint32_t p;

	slash = strchr(copy, '/');
	if (slash == NULL) {
		*cause = xasprintf(
			"bad check '%s': expected PROTO/PORTS[=SERVICE]"
			", e.g. udp/53=dns or tcp/7000-7003",
			item);
		goto out;
	}
	*slash = '\0';
	equals = strchr(slash + 1, '=');
	if (equals != NULL)
		*equals = '\0';
	if (proto_parse(copy, &proto) != 0) {
		*cause = xasprintf(
			"bad protocol '%s' in '%s': expected udp or tcp", copy,
			item);
		goto out;
	}
	if (equals != NULL) {
		if (service_parse(equals + 1, &service) != 0) {
			char *names = service_names_text();

			*cause = xasprintf("bad service '%s' in '%s': expected "
					   "%s",
					   equals + 1, item, names);
			free(names);
			goto out;
		}
		explicit_service = 1;
	}
	/* Presets name source-port ranges, never destination ports. */
	if (!isdigit((unsigned char)slash[1]) ||
	    range_list_parse(slash + 1, &ports, 1, &range_cause) != 0) {
		*cause = xasprintf("bad port '%s' in '%s': expected PORT or "
				   "FROM-TO with 1 <= FROM <= TO <= 65535",
				   slash + 1, item);
		free(range_cause);
		goto out;
	}
	for (r = 0; r < ports.count; r++) {
		for (p = ports.ranges[r].from; p <= ports.ranges[r].to; p++) {
			struct check_spec *c;

			if (check_list_find(list, proto, (uint16_t)p) >= 0) {
				*cause = xasprintf("%s/%u is given twice",
						   proto_name(proto), p);
				goto out;
			}
			list->checks =
				xreallocarray(list->checks, list->count + 1,
					      sizeof *list->checks);
			c = &list->checks[list->count++];
			c->proto = proto;
			c->port = (uint16_t)p;
			c->service = explicit_service
					     ? service
					     : service_default(proto, c->port);
		}
	}
	rc = 0;
out:
	range_list_free(&ports);
	free(copy);
	return rc;
}

int
check_list_parse(const char *spec, struct check_list *list, char **cause)
{
	char *copy = xstrdup(spec), *item, *save = NULL;
	struct check_list parsed = {NULL, 0};

	if (*spec == '\0') {
		*cause = xstrdup("empty port spec: expected e.g. "
				 "udp/7000,tcp/7000");
		free(copy);
		return -1;
	}
	for (item = strtok_r(copy, ",", &save); item != NULL;
	     item = strtok_r(NULL, ",", &save)) {
		if (check_list_parse_item(item, &parsed, cause) != 0) {
			check_list_free(&parsed);
			free(copy);
			return -1;
		}
	}
	free(copy);
	if (parsed.count == 0) {
		*cause = xstrdup("empty port spec: expected e.g. "
				 "udp/7000,tcp/7000");
		return -1;
	}
	*list = parsed;
	return 0;
}

void
check_list_free(struct check_list *list)
{
	free(list->checks);
	list->checks = NULL;
	list->count = 0;
}
