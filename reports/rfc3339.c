/* RFC 3339 times: the report's started_at and finished_at, events' time. */
/* Parsing accepts fractions and offsets; formatting writes UTC with 'Z'. */
#include "reports/rfc3339.h"

#include <string.h>

#include "common/xmalloc.h"

static int
rfc3339_digits(const char **p, int n, int *out)
{
	int v = 0;

	while (n-- > 0) {
		if (**p < '0' || **p > '9')
			return -1;
		v = v * 10 + (*(*p)++ - '0');
	}
	*out = v;
	return 0;
}

int
rfc3339_parse(const char *text, time_t *t)
{
	const char *p = text;
	int year, month, day, hour, minute, second, oh = 0, om = 0, sign = 0;
	struct tm tm;

	if (text == NULL || rfc3339_digits(&p, 4, &year) != 0 || *p++ != '-' ||
	    rfc3339_digits(&p, 2, &month) != 0 || *p++ != '-' ||
	    rfc3339_digits(&p, 2, &day) != 0)
		return -1;
	if (*p != 'T' && *p != 't')
		return -1;
	p++;
	if (rfc3339_digits(&p, 2, &hour) != 0 || *p++ != ':' ||
	    rfc3339_digits(&p, 2, &minute) != 0 || *p++ != ':' ||
	    rfc3339_digits(&p, 2, &second) != 0)
		return -1;
	if (*p == '.') {
		if (*++p < '0' || *p > '9')
			return -1;
		while (*p >= '0' && *p <= '9')
			p++;
	}
	if (*p == 'Z' || *p == 'z')
		p++;
	else if (*p == '+' || *p == '-') {
		sign = *p++ == '+' ? 1 : -1;
		if (rfc3339_digits(&p, 2, &oh) != 0 || *p++ != ':' ||
		    rfc3339_digits(&p, 2, &om) != 0 || oh > 23 || om > 59)
			return -1;
	} else
		return -1;
	if (*p != '\0' || month < 1 || month > 12 || day < 1 || day > 31 ||
	    hour > 23 || minute > 59 || second > 60)
		return -1;
	memset(&tm, 0, sizeof tm);
	tm.tm_year = year - 1900;
	tm.tm_mon = month - 1;
	tm.tm_mday = day;
	tm.tm_hour = hour;
	tm.tm_min = minute;
	tm.tm_sec = second;
	*t = timegm(&tm) - sign * (oh * 3600 + om * 60);
	return 0;
}

char *
rfc3339_format(time_t t)
{
	char buf[32];
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
	return xstrdup(buf);
}

char *
rfc3339_now(void)
{
	return rfc3339_format(time(NULL));
}
