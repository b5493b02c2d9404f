/* One self-contained HTML page per report: a colour strip per check over the
 * swept source ports, client families marked, failing ranges listed. */
/* No external script, font or style; every report string is escaped. */
#include "reports/report.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/xmalloc.h"
#include "reports/markup.h"
#include "reports/rfc3339.h"

/* Failing ranges listed per check; the JSON report has them all. */
#define HTML_MAX_RANGES 200

/* The strip's geometry, in SVG user units (the SVG scales to the page). */
#define HTML_SVG_WIDTH 1000.0
#define HTML_MARGIN 12.0
#define HTML_GAP 14.0 /* between the ranges of a split sports list */
#define HTML_STRIP_Y 6.0
#define HTML_STRIP_HEIGHT 40.0
#define HTML_AXIS_Y (HTML_STRIP_Y + HTML_STRIP_HEIGHT + 2.0)
#define HTML_FAMILY_Y (HTML_AXIS_Y + 24.0)
#define HTML_FAMILY_ROW 20.0
#define HTML_LABEL_SPACING 80.0 /* least room between axis labels */
#define HTML_MIN_HOLE 3.0 /* narrowest drawn run of ports not ok */

/* Okabe-Ito colours: told apart with any colour vision. */
static const char *const html_colours[STATUS_COUNT] = {
	[STATUS_OK] = "#009e73",
	[STATUS_REPLY_DROPPED] = "#d55e00",
	[STATUS_REQUEST_DROPPED] = "#e69f00",
	[STATUS_DROPPED] = "#cc79a7",
	[STATUS_REJECTED] = "#0072b2",
	[STATUS_LOCAL_ERROR] = "#8c8c8c",
	[STATUS_HOST_DROPPED] = "#56b4e9",
	[STATUS_UNFINISHED] = "#d0d0d0",
};

static const char html_style[] =
	"body{margin:0;background:#f5f6f8;color:#1c2128;"
	"font:15px/1.45 system-ui,-apple-system,'Segoe UI',Roboto,"
	"'DejaVu Sans',sans-serif}\n"
	"main{max-width:1240px;margin:0 auto;padding:18px 28px 36px}\n"
	"h1{font-size:22px;margin:0 0 2px}\n"
	"h2{font-size:17px;margin:0 0 4px;font-family:ui-monospace,"
	"'DejaVu Sans Mono',monospace}\n"
	".sub{margin:0 0 12px;color:#4a535e}\n"
	".verdict{display:inline-block;padding:1px 9px;border-radius:4px;"
	"color:#fff;font:600 13px/1.6 system-ui,sans-serif;"
	"vertical-align:middle;margin-left:8px}\n"
	".pass .verdict,.verdict.pass{background:#1a7f37}\n"
	".fail .verdict,.verdict.fail{background:#c62828}\n"
	"dl.run{display:grid;grid-template-columns:repeat(auto-fill,"
	"minmax(170px,1fr));gap:4px 18px;margin:0 0 12px;padding:10px 14px;"
	"background:#fff;border:1px solid #d7dce2;border-radius:6px}\n"
	"dl.run div{min-width:0}\n"
	"dt{font-size:12px;color:#5b6470;text-transform:uppercase;"
	"letter-spacing:.04em}\n"
	"dd{margin:0;font-family:ui-monospace,'DejaVu Sans Mono',monospace;"
	"font-size:14px;overflow-wrap:anywhere}\n"
	".legend{display:flex;flex-wrap:wrap;gap:4px 18px;margin:0 0 4px;"
	"font-size:13px;color:#3b434d}\n"
	".legend b{font-family:ui-monospace,'DejaVu Sans Mono',monospace;"
	"font-weight:600;color:#1c2128}\n"
	".sw{display:inline-block;width:12px;height:12px;border-radius:2px;"
	"vertical-align:-1px;margin-right:5px}\n"
	"section.check{background:#fff;border:1px solid #d7dce2;"
	"border-radius:6px;padding:12px 16px 10px;margin:12px 0}\n"
	"section.check.fail{border-left:5px solid #c62828}\n"
	"section.check.pass{border-left:5px solid #1a7f37}\n"
	"svg{display:block;width:100%;height:auto;margin:6px 0 4px}\n"
	"svg text{font:12px 'DejaVu Sans',system-ui,sans-serif;"
	"fill:#3b434d}\n"
	"svg text.family{fill:#24292f}\n"
	"table{border-collapse:collapse;width:100%;font-size:14px;"
	"margin-top:6px;table-layout:fixed}\n"
	"th:nth-child(1){width:13%}th:nth-child(2){width:7%}"
	"th:nth-child(3){width:15%}th:nth-child(4){width:30%}\n"
	"th,td{text-align:left;padding:4px 8px;border-bottom:1px solid "
	"#e3e7eb;vertical-align:top}\n"
	"th{font-size:12px;color:#5b6470;text-transform:uppercase;"
	"letter-spacing:.04em;font-weight:600}\n"
	"td.ports,td.status{font-family:ui-monospace,'DejaVu Sans Mono',"
	"monospace;white-space:nowrap}\n"
	"td.n{text-align:right;white-space:nowrap}\n"
	".note{margin:6px 0 2px;color:#4a535e}\n"
	".warn{margin:6px 0;padding:6px 10px;background:#fff4d6;"
	"border:1px solid #e8c96b;border-radius:4px}\n"
	"footer{margin-top:18px;font-size:12px;color:#6a737d}\n";

/* Escapes s for HTML text and double-quoted attributes. */
static void
html_escape(FILE *out, const char *s)
{
	markup_escape(out, s, &markup_html);
}

static const char *
html_plural(size_t n, const char *one, const char *many)
{
	return n == 1 ? one : many;
}

/* "40500-40999" or "7" */
static void
html_ports(char *buf, size_t size, unsigned from, unsigned to)
{
	if (from == to)
		snprintf(buf, size, "%u", from);
	else
		snprintf(buf, size, "%u-%u", from, to);
}

/* Where the swept ports sit on the strip: one segment per sports range. */
struct html_segment {
	uint16_t from, to;
	double x, width;
};

struct html_layout {
	struct html_segment *segments;
	size_t count;
};

static void
html_layout_new(const struct range_list *sports, struct html_layout *l)
{
	double total = (double)range_list_size(sports), gap = HTML_GAP, x;
	double usable = HTML_SVG_WIDTH - 2 * HTML_MARGIN;
	size_t i;

	l->count = sports->count;
	l->segments = xcalloc(l->count ? l->count : 1, sizeof *l->segments);
	/* Many small ranges must not leave the gaps all the room. */
	if (l->count > 1 && gap * (double)(l->count - 1) > usable / 5)
		gap = usable / 5 / (double)(l->count - 1);
	if (l->count > 1)
		usable -= gap * (double)(l->count - 1);
	x = HTML_MARGIN;
	for (i = 0; i < l->count; i++) {
		struct html_segment *s = &l->segments[i];

		s->from = sports->ranges[i].from;
		s->to = sports->ranges[i].to;
		s->x = x;
		s->width = usable * ((double)s->to - s->from + 1) / total;
		x += s->width + gap;
	}
}

/* The x of port's left edge (or right edge, with after) in segment s. */
static double
html_x(const struct html_segment *s, uint32_t port, bool after)
{
	double n = (double)s->to - s->from + 1;

	return s->x + s->width * ((double)port - s->from + (after ? 1 : 0)) / n;
}

/*
 * Adds to counts how many ports of [lo, hi] each status holds; *k is the
 * first range that may overlap and moves forward with the columns.
 */
static void
html_count(const struct report_check *c, size_t *k, uint32_t lo, uint32_t hi,
	   size_t counts[STATUS_COUNT])
{
	size_t j;

	while (*k < c->nranges && c->ranges[*k].to < lo)
		(*k)++;
	for (j = *k; j < c->nranges && c->ranges[j].from <= hi; j++) {
		uint32_t a = c->ranges[j].from > lo ? c->ranges[j].from : lo;
		uint32_t b = c->ranges[j].to < hi ? c->ranges[j].to : hi;

		if (a <= b)
			counts[c->ranges[j].status] += b - a + 1;
	}
}

/* A column shows the commonest status that is not ok: holes stay visible. */
static enum probe_status
html_column_status(const size_t counts[STATUS_COUNT])
{
	enum probe_status best = STATUS_OK;
	size_t i, most = 0;

	for (i = 1; i < STATUS_COUNT; i++) {
		if (counts[i] > most) {
			most = counts[i];
			best = (enum probe_status)i;
		}
	}
	return best;
}

/* Neighbouring columns of one colour: drawn as one rectangle. */
struct html_span {
	double x0, x1;
	uint32_t lo, hi;
	enum probe_status status;
	bool mixed; /* ok ports too, though status is not ok */
	size_t counts[STATUS_COUNT];
};

/* "40500-40999: reply_dropped (500 ports)" or "1-66: 65 ok, 1 rejected" */
static void
html_write_title(FILE *out, const struct html_span *span)
{
	char ports[16];
	size_t i, kinds = 0;
	const char *sep = "";

	for (i = 0; i < STATUS_COUNT; i++)
		kinds += span->counts[i] > 0;
	html_ports(ports, sizeof ports, span->lo, span->hi);
	fprintf(out, "<title>%s: ", ports);
	if (kinds == 1)
		fprintf(out, "%s (%u %s)", status_name(span->status),
			span->hi - span->lo + 1,
			html_plural(span->hi - span->lo + 1, "port", "ports"));
	for (i = 0; kinds > 1 && i < STATUS_COUNT; i++) {
		if (span->counts[i] == 0)
			continue;
		fprintf(out, "%s%zu %s", sep, span->counts[i],
			status_name((enum probe_status)i));
		sep = ", ";
	}
	fputs("</title>", out);
}

static void
html_write_span(FILE *out, const struct html_span *span)
{
	double x0 = span->x0, x1 = span->x1, share;
	size_t i, total = 0;

	/* A hole narrower than a few pixels still shows. */
	if (span->status != STATUS_OK && x1 - x0 < HTML_MIN_HOLE) {
		x0 = (x0 + x1 - HTML_MIN_HOLE) / 2;
		x1 = x0 + HTML_MIN_HOLE;
	}
	if (!span->mixed) {
		fprintf(out,
			"<rect x=\"%.2f\" y=\"%.0f\" width=\"%.2f\" "
			"height=\"%.0f\" fill=\"%s\">",
			x0, HTML_STRIP_Y, x1 - x0, HTML_STRIP_HEIGHT,
			html_colours[span->status]);
		html_write_title(out, span);
		fputs("</rect>\n", out);
		return;
	}
	/* Ok ports among them: the top takes the share not ok, half at least.
	 */
	for (i = 0; i < STATUS_COUNT; i++)
		total += span->counts[i];
	share = (double)(total - span->counts[STATUS_OK]) / (double)total;
	if (share < 0.5)
		share = 0.5;
	fputs("<g>", out);
	html_write_title(out, span);
	fprintf(out,
		"<rect x=\"%.2f\" y=\"%.0f\" width=\"%.2f\" height=\"%.0f\" "
		"fill=\"%s\"/><rect x=\"%.2f\" y=\"%.0f\" width=\"%.2f\" "
		"height=\"%.1f\" fill=\"%s\"/></g>\n",
		x0, HTML_STRIP_Y, x1 - x0, HTML_STRIP_HEIGHT,
		html_colours[STATUS_OK], x0, HTML_STRIP_Y, x1 - x0,
		HTML_STRIP_HEIGHT * share, html_colours[span->status]);
}

/*
 * The strip of one segment: one column per unit of width, each coloured by
 * the statuses of its ports (a column with ok ports and others shows both);
 * neighbours drawn alike become one rectangle. Runs that are not ok are
 * drawn last, over their neighbours.
 */
static void
html_write_strip(FILE *out, const struct report_check *c,
		 const struct html_segment *s, size_t *k)
{
	size_t n = (size_t)s->to - s->from + 1, ncols, col, i, nspans = 0;
	size_t counts[STATUS_COUNT];
	struct html_span *spans, *span = NULL;
	enum probe_status status;
	uint32_t lo, hi;
	bool mixed;
	int pass;

	ncols = s->width < 1 ? 1 : (size_t)s->width;
	if (ncols > n)
		ncols = n;
	spans = xcalloc(ncols, sizeof *spans);
	for (col = 0; col < ncols; col++) {
		lo = s->from + (uint32_t)(col * n / ncols);
		hi = s->from + (uint32_t)((col + 1) * n / ncols) - 1;
		memset(counts, 0, sizeof counts);
		html_count(c, k, lo, hi, counts);
		status = html_column_status(counts);
		mixed = status != STATUS_OK && counts[STATUS_OK] > 0;
		if (span == NULL || status != span->status ||
		    mixed != span->mixed) {
			span = &spans[nspans++];
			span->x0 = html_x(s, lo, false);
			span->lo = lo;
			span->status = status;
			span->mixed = mixed;
		}
		span->x1 = html_x(s, hi, true);
		span->hi = hi;
		for (i = 0; i < STATUS_COUNT; i++)
			span->counts[i] += counts[i];
	}
	for (pass = 0; pass < 2; pass++)
		for (i = 0; i < nspans; i++)
			if ((spans[i].status == STATUS_OK) == (pass == 0))
				html_write_span(out, &spans[i]);
	free(spans);
}

static void
html_write_tick(FILE *out, double x, unsigned port, const char *anchor)
{
	fprintf(out,
		"<line x1=\"%.2f\" y1=\"%.0f\" x2=\"%.2f\" y2=\"%.0f\" "
		"stroke=\"#57606a\"/>"
		"<text x=\"%.2f\" y=\"%.0f\" text-anchor=\"%s\">%u</text>\n",
		x, HTML_AXIS_Y, x, HTML_AXIS_Y + 5, x, HTML_AXIS_Y + 18, anchor,
		port);
}

/* Both ends of a segment, and round ports between where there is room. */
static void
html_write_axis(FILE *out, const struct html_segment *s)
{
	static const unsigned steps[] = {1,    2,    5,	    10,	   20,
					 50,   100,  200,   500,   1000,
					 2000, 5000, 10000, 20000, 50000};
	double per = s->width / HTML_LABEL_SPACING, x;
	unsigned n = (unsigned)s->to - s->from + 1, step = 0, port;
	size_t i;

	fprintf(out,
		"<line x1=\"%.2f\" y1=\"%.0f\" x2=\"%.2f\" y2=\"%.0f\" "
		"stroke=\"#57606a\"/>\n",
		s->x, HTML_AXIS_Y, s->x + s->width, HTML_AXIS_Y);
	html_write_tick(out, s->x, s->from, "start");
	if (s->width >= HTML_LABEL_SPACING)
		html_write_tick(out, s->x + s->width, s->to, "end");
	for (i = 0; i < sizeof steps / sizeof *steps; i++) {
		if ((double)n / steps[i] <= per) {
			step = steps[i];
			break;
		}
	}
	if (step == 0)
		return;
	for (port = (s->from / step + 1) * step; port <= s->to; port += step) {
		x = html_x(s, port, false);
		/* Keep clear of the end labels. */
		if (x - s->x < HTML_LABEL_SPACING ||
		    s->x + s->width - x < HTML_LABEL_SPACING * 0.75)
			continue;
		html_write_tick(out, x, port, "middle");
	}
}

/* Where a client family's marks go: its extent, label included, and row. */
struct html_family_mark {
	double first, last; /* the bars' ends */
	double left, right; /* with the label */
	bool label_at_end; /* a label that would run off the right edge */
	size_t row;
};

/* Rough width of a label in the SVG's 12-unit font. */
#define HTML_CHAR_WIDTH 7.2

/* The next segment of l from *j on that family f meets, the ports they
 * share in *both; NULL past the last. */
static const struct html_segment *
html_family_next(const struct html_layout *l, const struct impact_family *f,
		 size_t *j, struct port_range *both)
{
	const struct html_segment *s;

	while (*j < l->count) {
		s = &l->segments[(*j)++];
		if (port_range_overlap(f->from, f->to, s->from, s->to, both))
			return s;
	}
	return NULL;
}

/*
 * Places the client families whose ephemeral range meets the swept ports,
 * each in the first row where it overlaps nothing. Returns the rows used;
 * marks[i].row is SIZE_MAX for a family that is not shown.
 */
static size_t
html_place_families(const struct html_layout *l, const struct impact_family *f,
		    size_t nfamilies, struct html_family_mark *marks)
{
	const struct html_segment *s;
	struct port_range both;
	size_t i, j, rows = 0;
	char label[64];

	for (i = 0; i < nfamilies; i++) {
		struct html_family_mark *m = &marks[i];
		double width;

		m->first = m->last = -1;
		m->row = SIZE_MAX;
		j = 0;
		while ((s = html_family_next(l, &f[i], &j, &both)) != NULL) {
			if (m->first < 0)
				m->first = html_x(s, both.from, false);
			m->last = html_x(s, both.to, true);
		}
		if (m->first < 0)
			continue;
		snprintf(label, sizeof label, "%s %u-%u", f[i].name, f[i].from,
			 f[i].to);
		width = (double)strlen(label) * HTML_CHAR_WIDTH;
		m->label_at_end = m->first + width > HTML_SVG_WIDTH;
		m->left = m->label_at_end ? m->last - width : m->first;
		m->right = m->label_at_end ? m->last
					   : (m->first + width > m->last
						      ? m->first + width
						      : m->last);
		for (m->row = 0;; m->row++) {
			for (j = 0; j < i; j++)
				if (marks[j].row == m->row &&
				    marks[j].left < m->right + 8 &&
				    m->left < marks[j].right + 8)
					break;
			if (j == i)
				break;
		}
		if (m->row + 1 > rows)
			rows = m->row + 1;
	}
	return rows;
}

static void
html_write_families(FILE *out, const struct html_layout *l,
		    const struct impact_family *f, size_t nfamilies,
		    const struct html_family_mark *marks)
{
	const struct html_segment *s;
	struct port_range both;
	size_t i, j;

	for (i = 0; i < nfamilies; i++) {
		double y =
			HTML_FAMILY_Y + (double)marks[i].row * HTML_FAMILY_ROW;

		if (marks[i].row == SIZE_MAX)
			continue;
		j = 0;
		while ((s = html_family_next(l, &f[i], &j, &both)) != NULL)
			fprintf(out,
				"<rect x=\"%.2f\" y=\"%.0f\" width=\"%.2f\" "
				"height=\"5\" fill=\"#6e7781\"/>\n",
				html_x(s, both.from, false), y + 14,
				html_x(s, both.to, true) -
					html_x(s, both.from, false));
		if (marks[i].label_at_end)
			fprintf(out,
				"<text class=\"family\" x=\"%.2f\" y=\"%.0f\" "
				"text-anchor=\"end\">",
				marks[i].last, y + 11);
		else
			fprintf(out,
				"<text class=\"family\" x=\"%.2f\" y=\"%.0f\">",
				marks[i].first, y + 11);
		html_escape(out, f[i].name);
		fprintf(out, " %u-%u</text>\n", f[i].from, f[i].to);
	}
}

static void
html_write_svg(FILE *out, const struct report_check *c)
{
	struct html_layout l;
	char *sports = range_list_format(&c->sports);
	size_t i, k = 0, rows, nfamilies;
	const struct impact_family *f = report_impact_families(&nfamilies);
	struct html_family_mark *marks = xcalloc(nfamilies, sizeof *marks);
	double height;

	html_layout_new(&c->sports, &l);
	rows = html_place_families(&l, f, nfamilies, marks);
	height = HTML_FAMILY_Y + (double)rows * HTML_FAMILY_ROW + 2;
	fprintf(out,
		"<svg viewBox=\"0 0 %.0f %.0f\" role=\"img\" "
		"shape-rendering=\"crispEdges\" aria-label=\"status of "
		"source ports %s\">\n",
		HTML_SVG_WIDTH, height, sports);
	free(sports);
	for (i = 0; i < l.count; i++)
		html_write_strip(out, c, &l.segments[i], &k);
	for (i = 0; i < l.count; i++)
		html_write_axis(out, &l.segments[i]);
	html_write_families(out, &l, f, nfamilies, marks);
	fputs("</svg>\n", out);
	free(marks);
	free(l.segments);
}

static void
html_write_swatch(FILE *out, enum probe_status s)
{
	fprintf(out, "<span class=\"sw\" style=\"background:%s\"></span>",
		html_colours[s]);
}

static void
html_write_ranges(FILE *out, const struct report_check *c)
{
	size_t i, shown = 0, bad = 0;
	char ports[16], *impact;

	for (i = 0; i < c->nranges; i++)
		bad += c->ranges[i].status != STATUS_OK;
	if (bad == 0) {
		fputs("<p class=\"note\">Every source port answered.</p>\n",
		      out);
		return;
	}
	fputs("<table>\n<thead><tr><th>Source ports</th><th>Ports</th>"
	      "<th>Status</th><th>What happens</th><th>Clients hit</th></tr>"
	      "</thead>\n<tbody>\n",
	      out);
	for (i = 0; i < c->nranges && shown < HTML_MAX_RANGES; i++) {
		const struct status_range *sr = &c->ranges[i];

		if (sr->status == STATUS_OK)
			continue;
		shown++;
		html_ports(ports, sizeof ports, sr->from, sr->to);
		fprintf(out,
			"<tr><td class=\"ports\">%s</td><td class=\"n\">%u</td>"
			"<td class=\"status\">",
			ports, sr->to - sr->from + 1);
		html_write_swatch(out, sr->status);
		fprintf(out, "%s</td><td>", status_name(sr->status));
		html_escape(out, report_status_phrase(sr->status));
		fputs("</td><td>", out);
		if (status_is_unmeasured(sr->status))
			fputs("none: a problem of the probe host", out);
		else {
			impact = report_impact_describe(sr->from, sr->to);
			html_escape(out, impact);
			free(impact);
		}
		fputs("</td></tr>\n", out);
	}
	fputs("</tbody>\n</table>\n", out);
	if (bad > shown)
		fprintf(out,
			"<p class=\"note\">&hellip; and %zu more %s not ok "
			"(the JSON report lists them all).</p>\n",
			bad - shown,
			html_plural(bad - shown, "range", "ranges"));
}

/* What a check expected and where it was not met (scenarios only). */
static void
html_write_expectations(FILE *out, const struct report_check *c)
{
	char ports[16];
	size_t i;

	if (!report_check_has_expectations(c))
		return;
	fprintf(out, "<p class=\"note\">Expected: <b>%s</b>",
		expectation_name(c->expect));
	for (i = 0; i < c->nexpectations; i++) {
		html_ports(ports, sizeof ports, c->expectations[i].from,
			   c->expectations[i].to);
		fprintf(out, ", %s <b>%s</b>", ports,
			expectation_name(c->expectations[i].expect));
	}
	for (i = 0; i < c->nmismatches && i < HTML_MAX_RANGES; i++) {
		html_ports(ports, sizeof ports, c->mismatches[i].from,
			   c->mismatches[i].to);
		fprintf(out, "%s%s %s (expected %s)",
			i ? ", " : ". Not as expected: ", ports,
			status_name(c->mismatches[i].status),
			expectation_name(c->mismatches[i].expected));
	}
	fputs(".</p>\n", out);
}

/* One warning paragraph, text escaped. */
static void
html_write_warn(FILE *out, const char *prefix, const char *text)
{
	fputs("<p class=\"warn\">", out);
	if (prefix != NULL)
		fprintf(out, "<b>%s</b> ", prefix);
	html_escape(out, text);
	fputs("</p>\n", out);
}

/* The evidence work's measures of c and its notes. */
static void
html_write_measures(FILE *out, const struct report_check *c)
{
	size_t i;

	if (c->has_loss || c->has_rtt || c->evidence != NULL) {
		fputs("<p class=\"measures\">", out);
		if (c->has_loss)
			fprintf(out, "loss <b>%.2f%%</b> ", c->loss * 100);
		if (c->has_rtt)
			fprintf(out,
				"rtt p50 <b>%.1f ms</b> p99 <b>%.1f "
				"ms</b> ",
				c->rtt_p50_ms, c->rtt_p99_ms);
		if (c->evidence != NULL) {
			fputs("evidence <b>", out);
			html_escape(out, c->evidence);
			fputs("</b>", out);
		}
		fputs("</p>\n", out);
	}
	if (c->no_answer > 0)
		fprintf(out,
			"<p class=\"warn\">%zu source %s: the TCP handshake "
			"completed, the %s service sent nothing (counted ok: "
			"the path is open).</p>\n",
			c->no_answer,
			html_plural(c->no_answer, "port", "ports"),
			service_name(c->service));
	if (c->rejected_inferred > 0)
		fprintf(out,
			"<p class=\"warn\">%zu rejected %s counted without an "
			"ICMP error each: the rejecting device rate-limits "
			"ICMP.</p>\n",
			c->rejected_inferred,
			html_plural(c->rejected_inferred, "port", "ports"));
	for (i = 0; i < c->nnotes; i++)
		html_write_warn(out, "Note:", c->notes[i]);
}

/* A target's error, notes and outages. */
static void
html_write_target_run(FILE *out, const struct report_target *t)
{
	char buf[96];
	size_t i;

	if (t->error != NULL)
		html_write_warn(out, "Error:", t->error);
	for (i = 0; i < t->nnotes; i++)
		html_write_warn(out, "Note:", t->notes[i]);
	for (i = 0; i < t->noutages; i++) {
		snprintf(buf, sizeof buf,
			 "no answer for %.1f s from %.1f s after the start",
			 t->outages[i].seconds, t->outages[i].start_s);
		html_write_warn(out, "Outage:", buf);
	}
}

static void
html_write_check(FILE *out, const struct report *r,
		 const struct report_check *c)
{
	char *sports = range_list_format(&c->sports);
	size_t i, size = range_list_size(&c->sports);
	const char *verdict = c->pass ? "pass" : "fail";
	struct report_target scratch;
	const struct report_target *t = report_check_target(r, c, &scratch);

	fprintf(out, "<section class=\"check %s\" id=\"", verdict);
	if (r->ntargets > 1)
		fprintf(out, "t%zu-", c->target);
	fprintf(out, "%s-%u\">\n<h2>%s/%u %s", proto_name(c->proto), c->port,
		proto_name(c->proto), c->port, service_name(c->service));
	if (r->ntargets > 1) {
		fputs(" &middot; ", out);
		html_escape(out, t->name);
		fputs(" ", out);
		html_escape(out, t->address);
	}
	fprintf(out, "<span class=\"verdict\">%s</span></h2>\n",
		c->pass ? "PASS" : "FAIL");
	fprintf(out,
		"<div class=\"legend\"><span>sports <b>%s</b> (%zu %s)"
		"</span>",
		sports, size, html_plural(size, "port", "ports"));
	free(sports);
	for (i = 0; i < STATUS_COUNT; i++) {
		if (c->counts[i] == 0)
			continue;
		fputs("<span>", out);
		html_write_swatch(out, (enum probe_status)i);
		fprintf(out, "%s <b>%zu</b></span>",
			status_name((enum probe_status)i), c->counts[i]);
	}
	fputs("</div>\n", out);
	html_write_svg(out, c);
	html_write_measures(out, c);
	if (c->nat_translated > 0)
		fprintf(out,
			"<p class=\"warn\">A NAT on the path rewrote %zu "
			"source %s: the ranges describe the ports the probe "
			"bound, not what the firewall saw.</p>\n",
			c->nat_translated,
			html_plural(c->nat_translated, "port", "ports"));
	html_write_expectations(out, c);
	html_write_ranges(out, c);
	fputs("</section>\n", out);
}

static void
html_write_item(FILE *out, const char *term, const char *value)
{
	fprintf(out, "<div><dt>%s</dt><dd>", term);
	html_escape(out, value);
	fputs("</dd></div>\n", out);
}

static void
html_write_run(FILE *out, const struct report *r)
{
	time_t start, end;
	char buf[64];

	fputs("<dl class=\"run\">\n", out);
	html_write_item(out, "Started", r->started_at);
	html_write_item(out, "Finished", r->finished_at);
	if (rfc3339_parse(r->started_at, &start) == 0 &&
	    rfc3339_parse(r->finished_at, &end) == 0 && end >= start) {
		long long d = (long long)(end - start);

		if (d >= 60)
			snprintf(buf, sizeof buf, "%lld min %lld s", d / 60,
				 d % 60);
		else
			snprintf(buf, sizeof buf, "%lld s", d);
		html_write_item(out, "Duration", buf);
	}
	html_write_item(out, "Probe address",
			r->probe_bind && *r->probe_bind ? r->probe_bind
							: "any");
	if (r->scenario_name != NULL)
		html_write_item(out, "Scenario", r->scenario_name);
	if (r->ntargets > 1) {
		char *list = xstrdup("");
		size_t i;

		for (i = 0; i < r->ntargets; i++)
			xappendf(&list, "%s%s %s", i ? ", " : "",
				 r->targets[i].name, r->targets[i].address);
		html_write_item(out, "Targets", list);
		free(list);
	} else
		html_write_item(out, "Target", r->target_address);
	html_write_item(out, "Far side",
			r->target_agent ? "nacl-agent" : "echo, no agent");
	if (r->settings.rate == 0)
		snprintf(buf, sizeof buf, "no limit");
	else
		snprintf(buf, sizeof buf, "%u / s", r->settings.rate);
	html_write_item(out, "Rate", buf);
	snprintf(buf, sizeof buf, "%u", r->settings.window);
	html_write_item(out, "Window", buf);
	snprintf(buf, sizeof buf, "%u", r->settings.attempts);
	html_write_item(out, "Attempts", buf);
	snprintf(buf, sizeof buf, "%u ms", r->settings.timeout_ms);
	html_write_item(out, "Timeout", buf);
	if (r->tool_version != NULL)
		html_write_item(out, "Version", r->tool_version);
	fputs("</dl>\n", out);
}

/* Fixes written out per check, as the text summary does. */
#define HTML_MAX_FIXES 5

/* The NACL entries that would repair the mismatches, each once. */
static void
html_write_fixes(FILE *out, const struct report *r)
{
	struct report_fix_entry *entries;
	size_t i, n = report_fix_entries(r, HTML_MAX_FIXES, &entries);
	char *text;

	if (n == 0) {
		free(entries);
		return;
	}
	fputs("<section class=\"fixes\" id=\"fixes\">\n<h2>NACL entries that "
	      "would fix it</h2>\n<ol>\n",
	      out);
	for (i = 0; i < n; i++) {
		fputs("<li>", out);
		text = report_fix_describe(&entries[i].rule,
					   entries[i].agent ? "agent"
							    : "target");
		html_escape(out, text);
		free(text);
		fputs("<br><code>", out);
		text = report_fix_command(&entries[i].rule);
		html_escape(out, text);
		free(text);
		fputs("</code></li>\n", out);
	}
	fputs("</ol>\n<p class=\"sub\">", out);
	html_escape(out, report_fix_note());
	fputs("</p>\n</section>\n", out);
	free(entries);
}

static void
html_write_legend(FILE *out)
{
	size_t i;

	fputs("<div class=\"legend\">", out);
	for (i = 0; i < STATUS_COUNT; i++) {
		fputs("<span>", out);
		html_write_swatch(out, (enum probe_status)i);
		fprintf(out, "<b>%s</b> ", status_name((enum probe_status)i));
		html_escape(out, report_status_phrase((enum probe_status)i));
		fputs("</span>", out);
	}
	fputs("</div>\n", out);
}

void
report_write_html(const struct report *r, FILE *out)
{
	const char *bind =
		r->probe_bind && *r->probe_bind ? r->probe_bind : "any";
	size_t i, failed = 0;

	for (i = 0; i < r->nchecks; i++)
		failed += !r->checks[i].pass;
	fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n"
	      "<meta charset=\"utf-8\">\n"
	      "<meta name=\"viewport\" content=\"width=device-width, "
	      "initial-scale=1\">\n<title>nacl-probe ",
	      out);
	fputs(r->pass ? "pass" : "FAIL", out);
	fputs(": ", out);
	html_escape(out, bind);
	fputs(" &rarr; ", out);
	html_escape(out, r->target_address);
	fputs(" ", out);
	html_escape(out, r->started_at);
	fprintf(out, "</title>\n<style>\n%s</style>\n</head>\n<body>\n<main>\n",
		html_style);
	fprintf(out,
		"<header class=\"%s\">\n<h1>nacl-probe report<span "
		"class=\"verdict\">%s</span></h1>\n<p class=\"sub\">",
		r->pass ? "pass" : "fail", r->pass ? "PASS" : "FAIL");
	html_escape(out, bind);
	fputs(" &rarr; ", out);
	html_escape(out, r->target_address);
	fprintf(out, " &middot; %zu %s", r->nchecks,
		html_plural(r->nchecks, "check", "checks"));
	if (failed > 0)
		fprintf(out, ", %zu failed", failed);
	fprintf(out, " &middot; %zu source-port %s</p>\n</header>\n", r->probes,
		html_plural(r->probes, "probe", "probes"));
	html_write_run(out, r);
	if (r->error != NULL)
		html_write_warn(out, "The run failed:", r->error);
	if (r->partial)
		html_write_warn(out, "Partial:",
				"the run stopped before every port was "
				"measured; unfinished ports meet no "
				"expectation.");
	for (i = 0; i < r->ntargets; i++) {
		if (r->targets[i].error == NULL && r->targets[i].nnotes == 0 &&
		    r->targets[i].noutages == 0)
			continue;
		if (r->ntargets > 1) {
			fputs("<h3>", out);
			html_escape(out, r->targets[i].name);
			fputs(" ", out);
			html_escape(out, r->targets[i].address);
			fputs("</h3>\n", out);
		}
		html_write_target_run(out, &r->targets[i]);
	}
	html_write_legend(out);
	for (i = 0; i < r->nchecks; i++)
		html_write_check(out, r, &r->checks[i]);
	html_write_fixes(out, r);
	fputs("<footer>Written by nacl-probe (report schema " REPORT_SCHEMA
	      "). Each strip spans the swept source ports; a column with any "
	      "port not ok takes that status's colour (the top of it, at least "
	      "half, when some of its ports are ok), so single-port holes "
	      "stay visible; hover a strip for its ports. The grey bars under "
	      "it mark the ephemeral source ports of common clients."
	      "</footer>\n"
	      "</main>\n</body>\n</html>\n",
	      out);
}
