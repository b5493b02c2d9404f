/* Report strings escaped into HTML and XML, one loop for both formats. */
/* A report's strings come from files and the network: nothing passes raw. */
#include "reports/markup.h"

const struct markup_escapes markup_html = {"&quot;", "&#39;", "\n", "\t", "?"};
const struct markup_escapes markup_xml_text = {"\"", "'", "\n", "\t", "&#13;"};
const struct markup_escapes markup_xml_attribute = {"&quot;", "&apos;", "&#10;",
						    "&#9;", "&#13;"};

void
markup_escape(FILE *out, const char *s, const struct markup_escapes *e)
{
	const unsigned char *p = (const unsigned char *)(s ? s : "");

	for (; *p != '\0'; p++) {
		switch (*p) {
		case '&':
			fputs("&amp;", out);
			break;
		case '<':
			fputs("&lt;", out);
			break;
		case '>':
			fputs("&gt;", out);
			break;
		case '"':
			fputs(e->quote, out);
			break;
		case '\'':
			fputs(e->apostrophe, out);
			break;
		case '\n':
			fputs(e->newline, out);
			break;
		case '\t':
			fputs(e->tab, out);
			break;
		case '\r':
			fputs(e->carriage_return, out);
			break;
		default:
			fputc(*p < 0x20 ? '?' : *p, out);
		}
	}
}
