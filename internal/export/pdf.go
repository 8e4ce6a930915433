package export

import (
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/go-pdf/fpdf"
)

// Document is a printable document of any kind — a meeting record, a brief —
// as blocks of text. PDF renders it; what a document says is decided by
// whoever builds it (RecordDocument), never here.
type Document struct {
	Title string
	// Header is printed at the top of every page, beside the marking: the
	// meeting's title, place and dates, say.
	Header string
	// Marking is printed at the top and the bottom of every page, so that
	// no page, printed or copied on its own, loses it.
	Marking string
	// Created is the document's date in its metadata: a fixed one makes
	// the same document the same file each time it is rendered.
	Created time.Time
	Blocks  []Block
}

// BlockKind is what a block is.
type BlockKind int

const (
	Heading   BlockKind = iota // a section's title
	Subhead                    // a title within a section
	Paragraph                  // running text; newlines break lines
	Meta                       // a small line under a heading: time, room, topics
	Quote                      // text set off from the rest, as an outcome is
	Table                      // Rows: the first is the header row
)

// Block is one part of a document.
type Block struct {
	Kind BlockKind
	Text string
	// Label is printed in bold before a quote: "Decision (all)".
	Label string
	Rows  [][]string
	// Widths are a table's column widths as shares of the line (they need
	// not add up to anything); none: equal.
	Widths []float64
}

// Page geometry, in millimetres on A4.
const (
	pdfMargin = 18.0
	pdfLine   = 5.0 // the height of a line of body text
)

// PDF writes d as a PDF: A4, page numbers "page n of N", d.Header and
// d.Marking on every page. Text is set in the PDF core fonts (Helvetica),
// which read Windows-1252: accents, em dashes and curly quotes print as
// typed; a character outside it prints as its base letter where it has one
// (ā as a), else as "?" (see toWinAnsi).
func PDF(w io.Writer, d Document) error {
	p := fpdf.New("P", "mm", "A4", "")
	p.SetMargins(pdfMargin, pdfMargin+8, pdfMargin)
	p.SetAutoPageBreak(true, pdfMargin+4)
	p.SetTitle(toWinAnsi(d.Title), false)
	p.SetCreator("Quintet", false)
	p.SetProducer("Quintet", false)
	p.SetCatalogSort(true)
	if !d.Created.IsZero() {
		p.SetCreationDate(d.Created)
		p.SetModificationDate(d.Created)
	}
	p.AliasNbPages("{nb}")
	marking := toWinAnsi(d.Marking)
	p.SetHeaderFuncMode(func() {
		p.SetY(pdfMargin - 6)
		p.SetFont("Helvetica", "", 8)
		p.SetTextColor(70, 70, 70)
		wide := p.GetStringWidth(marking) + 4
		p.CellFormat(170-wide, 4, toWinAnsi(d.Header), "", 0, "L", false, 0, "")
		p.SetFont("Helvetica", "B", 8)
		p.CellFormat(wide, 4, marking, "1", 1, "R", false, 0, "")
		p.SetTextColor(0, 0, 0)
		p.SetY(pdfMargin + 8)
	}, true)
	p.SetFooterFunc(func() {
		p.SetY(-pdfMargin)
		p.SetFont("Helvetica", "", 8)
		p.SetTextColor(70, 70, 70)
		p.CellFormat(85, 4, marking, "", 0, "L", false, 0, "")
		p.CellFormat(0, 4, fmt.Sprintf("Page %d of {nb}", p.PageNo()), "", 0, "R", false, 0, "")
		p.SetTextColor(0, 0, 0)
	})
	p.AddPage()
	p.SetFont("Helvetica", "B", 16)
	p.MultiCell(0, 7, toWinAnsi(d.Title), "", "L", false)
	p.Ln(2)
	for _, b := range d.Blocks {
		writeBlock(p, b)
	}
	if err := p.Error(); err != nil {
		return fmt.Errorf("render PDF: %w", err)
	}
	return p.Output(w)
}

func writeBlock(p *fpdf.Fpdf, b Block) {
	switch b.Kind {
	case Heading:
		// A heading at the foot of a page would stand apart from its text.
		if p.GetY() > 297-pdfMargin-30 {
			p.AddPage()
		}
		p.Ln(3)
		p.SetFont("Helvetica", "B", 12.5)
		p.MultiCell(0, 6, toWinAnsi(b.Text), "B", "L", false)
		p.Ln(1)
	case Subhead:
		if p.GetY() > 297-pdfMargin-20 {
			p.AddPage()
		}
		p.Ln(1.5)
		p.SetFont("Helvetica", "B", 10.5)
		p.MultiCell(0, pdfLine, toWinAnsi(b.Text), "", "L", false)
		p.Ln(0.5)
	case Meta:
		p.SetFont("Helvetica", "", 8.5)
		p.SetTextColor(70, 70, 70)
		p.MultiCell(0, 4.2, toWinAnsi(b.Text), "", "L", false)
		p.SetTextColor(0, 0, 0)
		p.Ln(1)
	case Paragraph:
		p.SetFont("Helvetica", "", 10)
		p.MultiCell(0, pdfLine, toWinAnsi(b.Text), "", "L", false)
		p.Ln(1.5)
	case Quote:
		left, _, _, _ := p.GetMargins()
		p.Ln(1)
		top, page := p.GetY(), p.PageNo()
		p.SetLeftMargin(left + 5)
		p.SetX(left + 5)
		if b.Label != "" {
			p.SetFont("Helvetica", "B", 10)
			p.MultiCell(0, pdfLine, toWinAnsi(b.Label), "", "L", false)
		}
		p.SetFont("Helvetica", "", 10)
		p.MultiCell(0, pdfLine, toWinAnsi(b.Text), "", "L", false)
		p.SetLeftMargin(left)
		if p.PageNo() == page { // a rule beside the quote, where it stayed on one page
			p.SetDrawColor(50, 70, 90)
			p.SetLineWidth(0.6)
			p.Line(left+1.5, top, left+1.5, p.GetY())
			p.SetLineWidth(0.2)
			p.SetDrawColor(0, 0, 0)
		}
		p.Ln(1.5)
	case Table:
		writeTable(p, b)
	}
}

// writeTable draws a table whose cells wrap, repeating the header row on
// each page it runs over.
func writeTable(p *fpdf.Fpdf, b Block) {
	if len(b.Rows) == 0 {
		return
	}
	left, _, right, _ := p.GetMargins()
	pageW, pageH := p.GetPageSize()
	_, bottom := p.GetAutoPageBreak()
	width := pageW - left - right
	cols := len(b.Rows[0])
	shares := b.Widths
	if len(shares) != cols {
		shares = make([]float64, cols)
		for i := range shares {
			shares[i] = 1
		}
	}
	var sum float64
	for _, s := range shares {
		sum += s
	}
	widths := make([]float64, cols)
	for i, s := range shares {
		widths[i] = width * s / sum
	}
	const lh = 4.4
	row := func(cells []string, head bool) {
		style := ""
		if head {
			style = "B"
		}
		p.SetFont("Helvetica", style, 9)
		lines := make([][]string, cols)
		n := 1
		for i := range cols {
			text := ""
			if i < len(cells) {
				text = cells[i]
			}
			for _, para := range strings.Split(text, "\n") {
				lines[i] = append(lines[i], splitText(p, para, widths[i]-2)...)
			}
			n = max(n, len(lines[i]))
		}
		h := float64(n)*lh + 1.5
		if p.GetY()+h > pageH-bottom {
			p.AddPage()
			if !head {
				p.SetFont("Helvetica", "B", 9)
				drawRow(p, b.Rows[0], widths, lh, true)
				p.SetFont("Helvetica", "", 9)
			}
		}
		x, y := left, p.GetY()
		for i := range cols {
			if head {
				p.SetFillColor(235, 235, 235)
				p.Rect(x, y, widths[i], h, "FD")
			} else {
				p.Rect(x, y, widths[i], h, "D")
			}
			for j, l := range lines[i] {
				p.SetXY(x+1, y+0.8+float64(j)*lh)
				p.CellFormat(widths[i]-2, lh, l, "", 0, "L", false, 0, "")
			}
			x += widths[i]
		}
		p.SetXY(left, y+h)
	}
	row(b.Rows[0], true)
	for _, r := range b.Rows[1:] {
		row(r, false)
	}
	p.Ln(2)
}

// splitText breaks s into lines that fit width w, each in Windows-1252.
// fpdf's SplitText reads its text as runes and looks their widths up by
// code, so it is given the Windows-1252 bytes as the runes of those codes.
func splitText(p *fpdf.Fpdf, s string, w float64) []string {
	b := toWinAnsi(s)
	codes := make([]rune, len(b))
	for i := range len(b) {
		codes[i] = rune(b[i])
	}
	lines := p.SplitText(string(codes), w)
	for i, l := range lines {
		out := make([]byte, 0, len(l))
		for _, r := range l {
			out = append(out, byte(r))
		}
		lines[i] = string(out)
	}
	return lines
}

// drawRow draws the header row again at the top of a new page.
func drawRow(p *fpdf.Fpdf, cells []string, widths []float64, lh float64, head bool) {
	left, _, _, _ := p.GetMargins()
	x, y := left, p.GetY()
	h := lh + 1.5
	for i, w := range widths {
		text := ""
		if i < len(cells) {
			text = toWinAnsi(cells[i])
		}
		p.SetFillColor(235, 235, 235)
		p.Rect(x, y, w, h, map[bool]string{true: "FD", false: "D"}[head])
		p.SetXY(x+1, y+0.8)
		p.CellFormat(w-2, lh, text, "", 0, "L", false, 0, "")
		x += w
	}
	p.SetXY(left, y+h)
}
