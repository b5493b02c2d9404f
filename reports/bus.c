/* The event bus: hands each sweep event to every subscriber in turn. */
/* Subscribers run in subscription order; the bus owns their state. */
#include "reports/events.h"

#include <stdlib.h>

#include "common/xmalloc.h"

void
event_bus_subscribe(struct event_bus *bus, event_handler handle,
		    void (*free_arg)(void *arg), void *arg)
{
	struct event_subscriber *s;

	bus->subscribers = xreallocarray(bus->subscribers, bus->count + 1,
					 sizeof *bus->subscribers);
	s = &bus->subscribers[bus->count++];
	s->handle = handle;
	s->free = free_arg;
	s->arg = arg;
}

void
event_bus_publish(struct event_bus *bus, const struct sweep_event *ev)
{
	size_t i;

	for (i = 0; i < bus->count; i++)
		bus->subscribers[i].handle(ev, bus->subscribers[i].arg);
}

void
event_bus_free(struct event_bus *bus)
{
	size_t i;

	if (bus == NULL)
		return;
	for (i = 0; i < bus->count; i++)
		if (bus->subscribers[i].free != NULL)
			bus->subscribers[i].free(bus->subscribers[i].arg);
	free(bus->subscribers);
	bus->subscribers = NULL;
	bus->count = 0;
}
