/* The token bucket that paces a sweep at --rate: pure, over a clock the caller
 * passes in. */
/* Kept apart from the sweep so that its bounds are unit-tested exactly. */
#include "probe/bucket.h"

/* How much above the rate the bucket may run to make up for a stall. */
#define BUCKET_CATCH_UP 0.05

void
bucket_init(struct bucket *b, unsigned rate, uint64_t now_ns)
{
	b->rate = rate;
	b->burst = rate > 100 ? rate / 100.0 : 1.0;
	b->tokens = 1.0;
	b->owed = 0;
	b->last_ns = now_ns;
}

bool
bucket_take(struct bucket *b, uint64_t now_ns, uint64_t *wait_ns)
{
	double earned, repay, cap, low;

	if (b->rate == 0)
		return true;
	earned = now_ns > b->last_ns
			 ? (double)(now_ns - b->last_ns) * b->rate / 1e9
			 : 0;
	b->last_ns = now_ns > b->last_ns ? now_ns : b->last_ns;
	b->tokens += earned;
	/*
	 * A stall overflows the bucket: keep what spilled and pay it back at
	 * BUCKET_CATCH_UP above the rate, so the rate holds over seconds.
	 * While it does, the bucket holds that much less, so that no 10 ms
	 * ever sends more than the bucket plus the rate's share. Never more
	 * than a second owed: a suspended host does not storm on waking.
	 * Never below one token, or a slow rate would never send again.
	 */
	low = b->burst * (1.0 - BUCKET_CATCH_UP);
	if (low < 1.0)
		low = 1.0;
	cap = b->owed > 0 ? low : b->burst;
	if (b->tokens > cap) {
		b->owed += b->tokens - low;
		if (b->owed > b->rate)
			b->owed = b->rate;
		b->tokens = cap = low;
	}
	repay = earned * BUCKET_CATCH_UP;
	if (repay > b->owed)
		repay = b->owed;
	if (repay > cap - b->tokens)
		repay = cap - b->tokens > 0 ? cap - b->tokens : 0;
	b->owed -= repay;
	b->tokens += repay;
	if (b->tokens < 1.0) {
		*wait_ns = (uint64_t)((1.0 - b->tokens) * 1e9 / b->rate) + 1;
		return false;
	}
	b->tokens -= 1.0;
	return true;
}

void
bucket_refund(struct bucket *b)
{
	if (b->rate != 0)
		b->tokens += 1.0;
}
