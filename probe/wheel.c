/* A hashed timer wheel: the deadlines of every attempt in flight in one
 * structure, O(1) to add, remove and expire. */
/* A slot's list may hold deadlines of later rounds: expiry checks each. */
#include "probe/wheel.h"

#include <string.h>

void
wheel_init(struct wheel *w, uint64_t now_ms)
{
	size_t i;

	memset(w, 0, sizeof *w);
	for (i = 0; i < WHEEL_SLOTS; i++)
		w->slots[i].next = w->slots[i].prev = &w->slots[i];
	w->cursor_ms = now_ms;
}

void
wheel_add(struct wheel *w, struct wheel_timer *t, uint64_t deadline_ms)
{
	struct wheel_timer *head;

	wheel_remove(w, t);
	/* A deadline already past fires at the next expiry. */
	if (deadline_ms < w->cursor_ms)
		deadline_ms = w->cursor_ms;
	head = &w->slots[deadline_ms % WHEEL_SLOTS];
	t->deadline_ms = deadline_ms;
	t->next = head->next;
	t->prev = head;
	head->next->prev = t;
	head->next = t;
	t->armed = true;
	w->count++;
}

void
wheel_remove(struct wheel *w, struct wheel_timer *t)
{
	if (!t->armed)
		return;
	t->prev->next = t->next;
	t->next->prev = t->prev;
	t->next = t->prev = NULL;
	t->armed = false;
	w->count--;
}

struct wheel_timer *
wheel_expire(struct wheel *w, uint64_t now_ms)
{
	struct wheel_timer *head, *t;

	while (w->count > 0 && w->cursor_ms <= now_ms) {
		head = &w->slots[w->cursor_ms % WHEEL_SLOTS];
		for (t = head->next; t != head; t = t->next) {
			if (t->deadline_ms <= now_ms) {
				wheel_remove(w, t);
				return t;
			}
		}
		/* Nothing due here before now: move on, unless this slot is
		 * now's own (more may be added to it). */
		if (w->cursor_ms == now_ms)
			break;
		w->cursor_ms++;
	}
	if (w->count == 0 && w->cursor_ms < now_ms)
		w->cursor_ms = now_ms;
	return NULL;
}

uint64_t
wheel_next(const struct wheel *w)
{
	const struct wheel_timer *head, *t;
	uint64_t best = UINT64_MAX, ms;
	size_t i;

	if (w->count == 0)
		return UINT64_MAX;
	for (i = 0; i < WHEEL_SLOTS; i++) {
		ms = w->cursor_ms + i;
		head = &w->slots[ms % WHEEL_SLOTS];
		for (t = head->next; t != head; t = t->next)
			if (t->deadline_ms < best)
				best = t->deadline_ms;
		/* A deadline in this round's slot is the earliest there is. */
		if (best <= ms)
			return best;
	}
	return best;
}
