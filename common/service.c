/* The table of protocol modules: names, transports and default ports come
 * from its rows. */
/* Adding a service: one new file with its struct service_ops, one line in
 * the table below. */
#include "common/service.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/wire.h"
#include "common/xmalloc.h"

/* Each row is defined in its protocol's file. */
extern const struct service_ops echo_service;
extern const struct service_ops dns_service;
extern const struct service_ops ntp_service;
extern const struct service_ops http_service;
extern const struct service_ops tls_service;
extern const struct service_ops quic_service;

static const struct service_ops *const service_table[] = {
	[SERVICE_ECHO] = &echo_service,
	[SERVICE_DNS] = &dns_service,
	[SERVICE_NTP] = &ntp_service,
	[SERVICE_HTTP] = &http_service,
	&tls_service,
	&quic_service,
};

#define SERVICE_ROWS (sizeof service_table / sizeof *service_table)

size_t
service_count(void)
{
	return SERVICE_ROWS;
}

const struct service_ops *
service_ops(enum service service)
{
	return service_table[service];
}

const char *
service_name(enum service service)
{
	return service_table[service]->name;
}

int
service_parse(const char *name, enum service *service)
{
	size_t i;

	for (i = 0; i < SERVICE_ROWS; i++) {
		if (strcmp(name, service_table[i]->name) == 0) {
			*service = (enum service)i;
			return 0;
		}
	}
	return -1;
}

enum service
service_default(enum proto proto, uint16_t port)
{
	const struct service_port *p;
	size_t i;

	for (i = 0; i < SERVICE_ROWS; i++)
		for (p = service_table[i]->default_ports; p->port != 0; p++)
			if (p->proto == proto && p->port == port)
				return (enum service)i;
	return SERVICE_ECHO;
}

char *
service_names_text(void)
{
	char *text = xstrdup("");
	size_t i;

	for (i = 0; i < SERVICE_ROWS; i++)
		xappendf(&text, "%s%s",
			 i == 0			 ? ""
			 : i + 1 == SERVICE_ROWS ? " or "
						 : ", ",
			 service_table[i]->name);
	return text;
}

char *
service_help_text(const char *indent)
{
	const struct service_ops *ops;
	const struct service_port *p;
	char *text = xstrdup("");
	size_t i;

	for (i = 0; i < SERVICE_ROWS; i++) {
		ops = service_table[i];
		xappendf(&text, "%s%-5s %s%s%s", indent, ops->name,
			 ops->udp ? "udp" : "",
			 ops->udp && ops->tcp ? ", " : "",
			 ops->tcp ? "tcp" : "");
		for (p = ops->default_ports; p->port != 0; p++)
			xappendf(&text, "%s%s/%u",
				 p == ops->default_ports ? "; the default for "
							 : ", ",
				 proto_name(p->proto), p->port);
		if (i == SERVICE_ECHO)
			xappendf(&text, "; the default for other "
					"ports");
		xappendf(&text, "\n");
	}
	return text;
}

void
service_identity_pack(const struct probe_id *id,
		      uint8_t out[SERVICE_IDENTITY_SIZE])
{
	wire_put32(out, id->session);
	wire_put32(out + 4, id->seq);
	wire_put16(out + 8, id->sport);
	out[10] = id->attempt;
	memcpy(out + 11, id->token, AUTH_TOKEN_SIZE);
}

void
service_identity_set(struct request_info *info, uint32_t session,
		     uint16_t sport, uint32_t seq, uint8_t attempt,
		     const uint8_t token[AUTH_TOKEN_SIZE])
{
	info->identified = true;
	info->session = session;
	info->sport = sport;
	info->seq = seq;
	info->attempt = attempt;
	memcpy(info->token, token, AUTH_TOKEN_SIZE);
}

void
service_identity_unpack(const uint8_t in[SERVICE_IDENTITY_SIZE],
			struct request_info *info)
{
	service_identity_set(info, wire_get32(in), wire_get16(in + 8),
			     wire_get32(in + 4), in[10], in + 11);
}

void
service_nonce_bytes(uint64_t *state, uint8_t *out, size_t n)
{
	uint64_t z = 0;
	size_t i;

	for (i = 0; i < n; i++) {
		if (i % 8 == 0) {
			z = (*state += 0x9e3779b97f4a7c15ULL);
			z = (z ^ z >> 30) * 0xbf58476d1ce4e5b9ULL;
			z = (z ^ z >> 27) * 0x94d049bb133111ebULL;
			z ^= z >> 31;
		}
		out[i] = (uint8_t)(z >> 8 * (i % 8));
	}
}

uint64_t
ntp_now(void)
{
	struct timespec ts;
	uint64_t seconds;

	clock_gettime(CLOCK_REALTIME, &ts);
	/* 2208988800 s from 1900 (NTP era 0) to 1970 (Unix). */
	seconds = (uint64_t)ts.tv_sec + 2208988800u;
	return seconds << 32 |
	       (uint64_t)(((uint64_t)ts.tv_nsec << 32) / 1000000000u);
}
