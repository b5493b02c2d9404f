/* Unit tests for probe/wheel.c: timers fire at their deadline, in any
 * round, and not before. */
#include <criterion/criterion.h>
#include <stdlib.h>

#include "probe/wheel.h"

TestSuite(wheel);

static struct wheel *
wheel_make(uint64_t now)
{
	struct wheel *w = malloc(sizeof *w);

	wheel_init(w, now);
	return w;
}

Test(wheel, fires_at_the_deadline_not_before)
{
	struct wheel *w = wheel_make(0);
	struct wheel_timer t = {0};

	wheel_add(w, &t, 250);
	cr_assert_null(wheel_expire(w, 249));
	cr_assert_eq(wheel_next(w), 250);
	cr_assert_eq(wheel_expire(w, 250), &t);
	cr_assert_null(wheel_expire(w, 250));
	cr_assert_eq(w->count, 0);
	cr_assert_eq(wheel_next(w), UINT64_MAX);
	free(w);
}

Test(wheel, deadlines_beyond_one_round_wait_their_turn)
{
	struct wheel *w = wheel_make(0);
	struct wheel_timer near = {0}, far = {0};

	wheel_add(w, &far, 100 + WHEEL_SLOTS); /* same slot, next round */
	wheel_add(w, &near, 100);
	cr_assert_eq(wheel_next(w), 100);
	cr_assert_eq(wheel_expire(w, 100), &near);
	cr_assert_null(wheel_expire(w, 100 + WHEEL_SLOTS - 1));
	cr_assert_eq(wheel_next(w), 100 + WHEEL_SLOTS);
	cr_assert_eq(wheel_expire(w, 200 + WHEEL_SLOTS), &far);
	free(w);
}

Test(wheel, removed_timers_never_fire)
{
	struct wheel *w = wheel_make(1000);
	struct wheel_timer a = {0}, b = {0};

	wheel_add(w, &a, 1010);
	wheel_add(w, &b, 1010);
	wheel_remove(w, &a);
	wheel_remove(w, &a); /* twice is harmless */
	cr_assert_eq(wheel_expire(w, 2000), &b);
	cr_assert_null(wheel_expire(w, 2000));
	free(w);
}

Test(wheel, many_timers_each_once_in_deadline_order)
{
	struct wheel *w = wheel_make(0);
	struct wheel_timer *t = calloc(20000, sizeof *t);
	struct wheel_timer *got;
	uint64_t last = 0, now;
	size_t i, fired = 0;

	for (i = 0; i < 20000; i++)
		wheel_add(w, &t[i], (i * 7919) % 9000);
	for (now = 0; now <= 9000; now += 3) {
		while ((got = wheel_expire(w, now)) != NULL) {
			cr_assert_leq(got->deadline_ms, now);
			cr_assert_geq(got->deadline_ms + 3, now);
			cr_assert_geq(got->deadline_ms + 3, last);
			last = got->deadline_ms;
			fired++;
		}
	}
	cr_assert_eq(fired, 20000);
	free(t);
	free(w);
}

Test(wheel, a_past_deadline_fires_at_once_and_rearming_moves_it)
{
	struct wheel *w = wheel_make(0);
	struct wheel_timer t = {0};

	cr_assert_null(wheel_expire(w, 500)); /* time moves on, empty */
	wheel_add(w, &t, 100);
	cr_assert_eq(wheel_expire(w, 500), &t);
	wheel_add(w, &t, 600);
	wheel_add(w, &t, 700);
	cr_assert_eq(w->count, 1);
	cr_assert_null(wheel_expire(w, 650));
	cr_assert_eq(wheel_expire(w, 700), &t);
	free(w);
}
