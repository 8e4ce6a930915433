package export_test

import (
	"bytes"
	"compress/zlib"
	"io"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/quintet-ag/quintet/internal/conference"
	"github.com/quintet-ag/quintet/internal/export"
)

// pdfText is a small reader of what export.PDF writes: it inflates every
// content stream and returns the text of each page, in order, decoded from
// Windows-1252, and the page count the document declares.
func pdfText(t *testing.T, doc []byte) (pages []string, count int) {
	t.Helper()
	if !bytes.HasPrefix(doc, []byte("%PDF-")) {
		t.Fatalf("not a PDF: starts %q", doc[:min(len(doc), 16)])
	}
	if !bytes.Contains(doc[len(doc)-32:], []byte("%%EOF")) {
		t.Fatalf("the PDF does not end with %%%%EOF")
	}
	m := regexp.MustCompile(`/Type /Pages\s*/Kids \[[^\]]*\]\s*/Count (\d+)`).FindSubmatch(doc)
	if m == nil {
		t.Fatalf("no page tree in the PDF")
	}
	for _, c := range m[1] {
		count = count*10 + int(c-'0')
	}
	streams := regexp.MustCompile(`<<([^<>]*)>>\s*stream\r?\n`)
	length := regexp.MustCompile(`/Length (\d+)`)
	for _, loc := range streams.FindAllSubmatchIndex(doc, -1) {
		dict := string(doc[loc[2]:loc[3]])
		l := length.FindStringSubmatch(dict)
		if l == nil {
			t.Fatalf("a stream without a length: %s", dict)
		}
		var n int
		for _, c := range l[1] {
			n = n*10 + int(c-'0')
		}
		raw := doc[loc[1] : loc[1]+n]
		if strings.Contains(dict, "/FlateDecode") {
			zr, err := zlib.NewReader(bytes.NewReader(raw))
			if err != nil {
				continue // a font or image stream of another kind
			}
			raw, err = io.ReadAll(zr)
			if err != nil {
				t.Fatalf("inflate a stream: %v", err)
			}
		}
		if !bytes.Contains(raw, []byte(")Tj")) {
			continue
		}
		pages = append(pages, showText(raw))
	}
	return pages, count
}

// showText collects the strings of a content stream's Tj operators.
func showText(stream []byte) string {
	var out strings.Builder
	for i := 0; i < len(stream); i++ {
		if stream[i] != '(' {
			continue
		}
		var s []byte
		for i++; i < len(stream) && stream[i] != ')'; i++ {
			if stream[i] == '\\' && i+1 < len(stream) {
				i++
			}
			s = append(s, stream[i])
		}
		for _, b := range s { // Windows-1252 → UTF-8, enough for the test's characters
			switch b {
			case 0x97:
				out.WriteRune('—')
			case 0x92:
				out.WriteRune('’')
			case 0x95:
				out.WriteRune('•')
			default:
				out.WriteRune(rune(b))
			}
		}
		out.WriteByte('\n')
	}
	return out.String()
}

func TestPDF_PagesMarkingText(t *testing.T) {
	blocks := []export.Block{{Kind: export.Paragraph, Text: "Café — naïve résumé, prosecutors’ guidance; Māori"}}
	for i := range 40 {
		blocks = append(blocks, export.Block{Kind: export.Heading, Text: "Session " + string(rune('A'+i%26))},
			export.Block{Kind: export.Quote, Label: "Decision (all)", Text: strings.Repeat("A long outcome text that wraps. ", 8)})
	}
	blocks = append(blocks, export.Block{Kind: export.Table, Rows: [][]string{{"Action", "Owner"}, {"Train judges\nblocked: no budget", "CA — Justice"}}})
	var buf bytes.Buffer
	err := export.PDF(&buf, export.Document{Title: "London 2014", Header: "London 2014 · 9–11 July", Marking: "Marking: delegations",
		Created: time.Date(2014, 7, 11, 17, 0, 0, 0, time.UTC), Blocks: blocks})
	if err != nil {
		t.Fatal(err)
	}
	pages, count := pdfText(t, buf.Bytes())
	if count < 3 || len(pages) != count {
		t.Fatalf("page tree counts %d pages, %d content streams with text; want the same, 3 or more", count, len(pages))
	}
	for i, p := range pages {
		if got := strings.Count(p, "Marking: delegations"); got != 2 {
			t.Errorf("page %d shows the marking %d times, want 2 (top and bottom):\n%s", i+1, got, p)
		}
		if want := "Page " + itoa(i+1) + " of " + itoa(count); !strings.Contains(p, want) {
			t.Errorf("page %d lacks %q", i+1, want)
		}
	}
	if !strings.Contains(pages[0], "Café — naïve résumé, prosecutors’ guidance; Maori") {
		t.Errorf("the first page does not read the accents and dashes as typed:\n%s", pages[0])
	}
	// The same document renders to the same file: a version downloads the same each time.
	var again bytes.Buffer
	_ = export.PDF(&again, export.Document{Title: "London 2014", Header: "London 2014 · 9–11 July", Marking: "Marking: delegations",
		Created: time.Date(2014, 7, 11, 17, 0, 0, 0, time.UTC), Blocks: blocks})
	if !bytes.Equal(buf.Bytes(), again.Bytes()) {
		t.Errorf("two renderings of one document differ")
	}
}

func itoa(n int) string {
	if n < 10 {
		return string(rune('0' + n))
	}
	return itoa(n/10) + string(rune('0'+n%10))
}

func TestWriteVersionPDF(t *testing.T) {
	r := fuRecord()
	v := &conference.RecordVersion{Number: 2, Marking: conference.MarkingAll, PublishedByName: "Secretariat",
		PublishedAt: time.Date(2014, 7, 12, 9, 0, 0, 0, time.UTC), Content: r.Content()}
	var buf bytes.Buffer
	if err := export.WriteVersionPDF(&buf, v); err != nil {
		t.Fatal(err)
	}
	pages, _ := pdfText(t, buf.Bytes())
	text := strings.Join(pages, "")
	for _, want := range []string{"London <2014> — record, version 2", "Marking: all", "Version 2, published 12 Jul 2014, 09:00 UTC by Secretariat",
		"Session *one*", "Decision (all)", "agreed — 1 of 5 delegations", "Fix | pipes"} {
		if !strings.Contains(text, want) {
			t.Errorf("the PDF lacks %q:\n%s", want, text)
		}
	}
	var html, md bytes.Buffer
	if err := export.WriteVersionHTML(&html, v); err != nil {
		t.Fatal(err)
	}
	export.WriteVersionMarkdown(&md, v)
	for name, out := range map[string]string{"html": html.String(), "md": md.String()} {
		if !strings.Contains(out, "Version 2, published") {
			t.Errorf("%s does not say which version it is:\n%s", name, out)
		}
	}
}

// A Doc (the brief's, the lineage's layout) prints every block it holds,
// with the marking on every page, the same bytes for the same text.
func TestDocDocument_PDF(t *testing.T) {
	d := &export.Doc{Title: "Brief for Ottawa 2015", Blocks: []export.DocBlock{
		export.DocParagraph{Text: "Draft, as of 2015-05-01.", Muted: true},
		export.DocHeading{Level: 2, Text: "Cyberbullying"},
		export.DocHeading{Level: 3, Text: "Earlier outcomes"},
		export.DocList{Items: []string{"Share training materials", "Publish guidance"}},
		export.DocTable{Header: []string{"Action", "Owner"}, Rows: [][]string{{"Collect figures", "CA"}}},
	}}
	for range 60 {
		d.Blocks = append(d.Blocks, export.DocParagraph{Text: strings.Repeat("A line of the brief that wraps. ", 6)})
	}
	render := func() []byte {
		var buf bytes.Buffer
		doc := d.Document("Ottawa 2015 · Ottawa", "Read at clearance: delegations", time.Date(2015, 5, 1, 0, 0, 0, 0, time.UTC))
		if err := export.PDF(&buf, doc); err != nil {
			t.Fatal(err)
		}
		return buf.Bytes()
	}
	out := render()
	pages, count := pdfText(t, out)
	if count < 2 {
		t.Fatalf("%d pages, want the long brief on 2 or more", count)
	}
	for i, p := range pages {
		if got := strings.Count(p, "Read at clearance: delegations"); got != 2 {
			t.Errorf("page %d shows the clearance %d times, want 2", i+1, got)
		}
	}
	text := strings.Join(pages, "")
	for _, want := range []string{"Brief for Ottawa 2015", "Draft, as of 2015-05-01.", "Cyberbullying", "Earlier outcomes",
		"• Share training materials", "• Publish guidance", "Action", "Collect figures"} {
		if !strings.Contains(text, want) {
			t.Errorf("the PDF lacks %q", want)
		}
	}
	if !bytes.Equal(out, render()) {
		t.Error("two renderings of one Doc differ")
	}
}
