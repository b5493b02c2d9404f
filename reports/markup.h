/* Report strings escaped into HTML and XML, one loop for both formats. */
/* html.c and junit.c differ only in what some characters become. */
#ifndef NACL_MARKUP_H
#define NACL_MARKUP_H

#include <stdio.h>

/* What each character that needs it becomes ('&', '<' and '>' always the
 * entity; other controls always '?'). */
struct markup_escapes {
	const char *quote; /* '"' */
	const char *apostrophe; /* '\'' */
	const char *newline; /* '\n' */
	const char *tab; /* '\t' */
	const char *carriage_return; /* '\r' */
};

/* HTML text and double-quoted attributes. */
extern const struct markup_escapes markup_html;
/* XML 1.0 text, and a double-quoted XML attribute (whitespace kept). */
extern const struct markup_escapes markup_xml_text, markup_xml_attribute;

/* s (NULL: nothing) escaped by e onto out. */
void markup_escape(FILE *out, const char *s, const struct markup_escapes *e);

#endif
