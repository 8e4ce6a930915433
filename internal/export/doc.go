package export

import (
	"fmt"
	"html"
	"io"
	"strings"
	"time"
)

// Doc is a document as a list of blocks — headings, paragraphs, lists and
// tables — made once from a domain view (a brief, a lineage) and then
// written by a renderer: Markdown and HTML here; a PDF renderer walks the
// same blocks. The text in a Doc is plain text as people typed it; each
// renderer escapes it for its own format.
type Doc struct {
	Title  string
	Blocks []DocBlock
}

// DocBlock is one of DocHeading, DocParagraph, DocList, DocTable.
type DocBlock interface{ block() }

// DocHeading is a section heading; Level 2 is a section, 3 a subsection (the
// title is level 1).
type DocHeading struct {
	Level int
	Text  string
}

// DocParagraph is a run of text; Muted ones are asides (dates, clearances).
type DocParagraph struct {
	Text  string
	Muted bool
}

// DocList is a bulleted list of one-line items.
type DocList struct{ Items []string }

// DocTable has a header row and rows of as many cells.
type DocTable struct {
	Header []string
	Rows   [][]string
}

func (DocHeading) block()   {}
func (DocParagraph) block() {}
func (DocList) block()      {}
func (DocTable) block()     {}

// WriteMarkdown writes d as Markdown, every text escaped so that it reads as
// typed and cannot become a link, an image or raw HTML.
func WriteMarkdown(w io.Writer, d *Doc) {
	fmt.Fprintf(w, "# %s\n", mdEscape(d.Title))
	for _, b := range d.Blocks {
		switch b := b.(type) {
		case DocHeading:
			fmt.Fprintf(w, "\n%s %s\n", strings.Repeat("#", max(2, min(b.Level, 6))), mdCell(b.Text))
		case DocParagraph:
			if b.Muted {
				fmt.Fprintf(w, "\n_%s_\n", mdCell(b.Text))
			} else {
				fmt.Fprintf(w, "\n%s\n", mdEscape(b.Text))
			}
		case DocList:
			fmt.Fprintln(w)
			for _, it := range b.Items {
				fmt.Fprintf(w, "- %s\n", mdCell(it))
			}
		case DocTable:
			fmt.Fprintln(w)
			cells := make([]string, len(b.Header))
			for i, h := range b.Header {
				cells[i] = mdCell(h)
			}
			fmt.Fprintf(w, "| %s |\n|%s\n", strings.Join(cells, " | "), strings.Repeat("---|", len(b.Header)))
			for _, r := range b.Rows {
				cells := make([]string, len(r))
				for i, c := range r {
					cells[i] = mdCell(c)
				}
				fmt.Fprintf(w, "| %s |\n", strings.Join(cells, " | "))
			}
		}
	}
}

// Document is d as a printable Document, for the PDF renderer: header and
// marking go on every page; created dates the file, so that the same text
// makes the same bytes.
func (d *Doc) Document(header, marking string, created time.Time) Document {
	out := Document{Title: d.Title, Header: header, Marking: marking, Created: created}
	for _, b := range d.Blocks {
		switch b := b.(type) {
		case DocHeading:
			kind := Heading
			if b.Level > 2 {
				kind = Subhead
			}
			out.Blocks = append(out.Blocks, Block{Kind: kind, Text: b.Text})
		case DocParagraph:
			kind := Paragraph
			if b.Muted {
				kind = Meta
			}
			out.Blocks = append(out.Blocks, Block{Kind: kind, Text: b.Text})
		case DocList:
			lines := make([]string, len(b.Items))
			for i, it := range b.Items {
				lines[i] = "• " + it
			}
			out.Blocks = append(out.Blocks, Block{Kind: Paragraph, Text: strings.Join(lines, "\n")})
		case DocTable:
			rows := append([][]string{b.Header}, b.Rows...)
			out.Blocks = append(out.Blocks, Block{Kind: Table, Rows: rows})
		}
	}
	return out
}

// WriteHTML writes d as a printable page with the record's stylesheet
// (RecordStyleHash allows it and nothing else).
func WriteHTML(w io.Writer, d *Doc) error {
	var b strings.Builder
	e := html.EscapeString
	fmt.Fprintf(&b, "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>%s</title>\n<style>%s</style>\n</head>\n<body>\n<h1>%s</h1>\n",
		e(d.Title), recordStyle, e(d.Title))
	for _, bl := range d.Blocks {
		switch bl := bl.(type) {
		case DocHeading:
			l := max(2, min(bl.Level, 6))
			fmt.Fprintf(&b, "<h%d>%s</h%d>\n", l, e(bl.Text), l)
		case DocParagraph:
			class := ""
			if bl.Muted {
				class = ` class="small"`
			}
			for _, line := range strings.Split(bl.Text, "\n") {
				fmt.Fprintf(&b, "<p%s>%s</p>\n", class, e(line))
			}
		case DocList:
			b.WriteString("<ul>\n")
			for _, it := range bl.Items {
				fmt.Fprintf(&b, "<li>%s</li>\n", e(it))
			}
			b.WriteString("</ul>\n")
		case DocTable:
			b.WriteString("<table>\n<thead><tr>")
			for _, h := range bl.Header {
				fmt.Fprintf(&b, "<th scope=\"col\">%s</th>", e(h))
			}
			b.WriteString("</tr></thead>\n<tbody>\n")
			for _, r := range bl.Rows {
				b.WriteString("<tr>")
				for _, c := range r {
					fmt.Fprintf(&b, "<td>%s</td>", e(c))
				}
				b.WriteString("</tr>\n")
			}
			b.WriteString("</tbody>\n</table>\n")
		}
	}
	b.WriteString("</body>\n</html>\n")
	_, err := io.WriteString(w, b.String())
	return err
}
