/* A hashed timer wheel: the deadlines of every attempt in flight in one
 * structure, O(1) to add, remove and expire. */
/* One libevent timer drives it; hundreds of thousands of attempts cost no
 * heap of events. Pure: the caller passes the time in. */
#ifndef NACL_PROBE_WHEEL_H
#define NACL_PROBE_WHEEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Embedded in what it times; zeroed means not in a wheel. */
struct wheel_timer {
	struct wheel_timer *next, *prev;
	uint64_t deadline_ms;
	bool armed;
};

/* Slots of a millisecond; deadlines further out wait more rounds. */
#define WHEEL_SLOTS 4096

struct wheel {
	struct wheel_timer slots[WHEEL_SLOTS]; /* list heads */
	uint64_t cursor_ms; /* every deadline before it has been expired */
	size_t count;
};

/* An empty wheel whose time starts at now_ms. */
void wheel_init(struct wheel *w, uint64_t now_ms);
/* Arms t (disarming it first) for deadline_ms. */
void wheel_add(struct wheel *w, struct wheel_timer *t, uint64_t deadline_ms);
/* Disarms t; a disarmed t is left alone. */
void wheel_remove(struct wheel *w, struct wheel_timer *t);
/* One timer whose deadline is at or before now_ms, disarmed; NULL when none
 * is left. Call until NULL. */
struct wheel_timer *wheel_expire(struct wheel *w, uint64_t now_ms);
/* The earliest deadline armed, UINT64_MAX when none; scans up to one round
 * of slots, so call it once per wake-up, not per timer. */
uint64_t wheel_next(const struct wheel *w);

#endif
