/* Report strings escaped into HTML and XML, one loop for both formats. */
/* A report's strings come from files and the network: nothing passes raw. */
#include "reports/markup.h"

#include <string.h>

const struct markup_escapes markup_html = {"&quot;", "&#39;", "\n", "\t", "?"};
const struct markup_escapes markup_xml_text = {"\"", "'", "\n", "\t", "&#13;"};
const struct markup_escapes markup_xml_attribute = {"&quot;", "&apos;", "&#10;",
						    "&#9;", "&#13;"};

void
markup_escape(FILE *out, const char *s, const struct markup_escapes *e)
{
	static const char special[] = "&<>\"'\n\t\r";
	const char *const replacement[] = {
		"&amp;",       "&lt;",	   "&gt;", e->quote,
		e->apostrophe, e->newline, e->tab, e->carriage_return,
	};
	const unsigned char *p = (const unsigned char *)(s ? s : "");
	const char *hit;

	for (; *p != '\0'; p++) {
		hit = strchr(special, *p);
		if (hit != NULL)
			fputs(replacement[hit - special], out);
		else
			fputc(*p < 0x20 ? '?' : *p, out);
	}
}
