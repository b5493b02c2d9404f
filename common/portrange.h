/* Source-port range lists ("1025-5000,49152-65535") and the client presets. */
/* A list is kept sorted and merged, so its ports enumerate in ascending order.
 */
#ifndef NACL_PORTRANGE_H
#define NACL_PORTRANGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct port_range {
	uint16_t from;
	uint16_t to; /* inclusive */
};

/* The ports from a_from to a_to that are also from b_from to b_to, into
 * *out; false when there are none. */
bool port_range_overlap(uint16_t a_from, uint16_t a_to, uint16_t b_from,
			uint16_t b_to, struct port_range *out);

struct range_list {
	struct port_range *ranges;
	size_t count;
};

struct port_preset {
	const char *name;
	const char *ranges;
	const char *description;
};

/* The presets of docs/design.md, terminated by a NULL name. */
extern const struct port_preset port_presets[];

/*
 * Parses a comma list of ports, ranges and preset names ("32768-60999",
 * "1025-5000,49152-65535", "53", "linux,windows",
 * "windows-legacy,49152-65535") into *list (sorted, overlaps merged). min_port
 * is the lowest port accepted (1 for destination ports, 1 for source ports
 * too). Returns 0, or -1 with *cause set to a malloc'd sentence naming the bad
 * part.
 */
int range_list_parse(const char *text, struct range_list *list,
		     uint16_t min_port, char **cause);
void range_list_free(struct range_list *list);
void range_list_add(struct range_list *list, uint16_t from, uint16_t to);
size_t range_list_size(const struct range_list *list);
bool range_list_contains(const struct range_list *list, uint16_t port);
/* Index of port in the ascending enumeration, or SIZE_MAX when absent. */
size_t range_list_index(const struct range_list *list, uint16_t port);
/* Port at position index of the ascending enumeration. */
uint16_t range_list_port_at(const struct range_list *list, size_t index);
/* "1025-5000,49152-65535"; free() the result. */
char *range_list_format(const struct range_list *list);
void range_list_copy(struct range_list *dst, const struct range_list *src);
/* *out (replaced, free it) gets the ports in both a and b. */
void range_list_intersect(struct range_list *out, const struct range_list *a,
			  const struct range_list *b);
/* *out (replaced, free it) gets the ports of a that are not in b. */
void range_list_subtract(struct range_list *out, const struct range_list *a,
			 const struct range_list *b);

#endif
