/* Unit tests for port_range_overlap: the ports two ranges share. */
/* range_list_intersect, the diff's walk and the HTML strip use it. */
#include <criterion/criterion.h>

#include "common/portrange.h"

TestSuite(portrange_overlap);

Test(portrange_overlap, shared_ports_or_none)
{
	struct port_range both;

	cr_assert(port_range_overlap(1024, 2047, 2000, 4000, &both));
	cr_assert_eq(both.from, 2000);
	cr_assert_eq(both.to, 2047);
	cr_assert(port_range_overlap(0, 65535, 443, 443, &both));
	cr_assert_eq(both.from, 443);
	cr_assert_eq(both.to, 443);
	/* Touching ends share one port; a gap shares none. */
	cr_assert(port_range_overlap(10, 20, 20, 30, &both));
	cr_assert_eq(both.from, 20);
	cr_assert_eq(both.to, 20);
	cr_assert_not(port_range_overlap(10, 20, 21, 30, &both));
	cr_assert_not(port_range_overlap(21, 30, 10, 20, &both));
}
