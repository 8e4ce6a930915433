package export

import (
	"fmt"
	"io"
	"strings"

	"github.com/quintet-ag/quintet/internal/conference"
)

// RecordDocument is a record's content as a Document: the same parts, in the
// same order, as its page and its Markdown.
func RecordDocument(c *conference.RecordContent, status string) Document {
	place := c.City
	if c.Venue != "" {
		place += ", " + c.Venue
	}
	d := Document{
		Title:   c.Title,
		Header:  fmt.Sprintf("%s · %s · %s to %s", c.Title, c.City, c.StartDate, c.EndDate),
		Marking: "Marking: " + string(c.Clearance),
		Created: c.Generated,
		Blocks: []Block{
			{Kind: Meta, Text: fmt.Sprintf("%s · %s to %s (%s) · delegations: %s", place, c.StartDate, c.EndDate, c.TimeZone, strings.Join(c.Delegations, ", "))},
			{Kind: Paragraph, Text: status},
		},
	}
	for _, se := range c.Sessions {
		d.Blocks = append(d.Blocks, Block{Kind: Heading, Text: se.Title}, Block{Kind: Meta, Text: strings.Join(sessionMeta(c, se), " · ")})
		if len(se.Outcomes) == 0 {
			d.Blocks = append(d.Blocks, Block{Kind: Meta, Text: "No agreed outcome."})
		}
		for _, o := range se.Outcomes {
			d.Blocks = append(d.Blocks,
				Block{Kind: Quote, Label: fmt.Sprintf("%s (%s)", kindTitle(o.Kind), o.Marking), Text: o.Text},
				Block{Kind: Meta, Text: agreementLine(o, func(s string) string { return s }) + sourcesLine(o.Sources)})
			for _, line := range withdrawalLines(o, func(s string) string { return s }) {
				d.Blocks = append(d.Blocks, Block{Kind: Meta, Text: line})
			}
		}
	}
	d.Blocks = append(d.Blocks, Block{Kind: Heading, Text: "Actions"})
	if len(c.Actions) == 0 {
		d.Blocks = append(d.Blocks, Block{Kind: Meta, Text: "No action."})
		return d
	}
	rows := [][]string{{"Action", "Owner", "Due", "Status", "Progress"}}
	for _, a := range c.Actions {
		title := a.Title
		if a.Reason != "" {
			title += "\n" + a.Reason
		}
		rows = append(rows, []string{title, actionOwner(a), a.Due, string(a.Status), fmt.Sprintf("%d%%", a.Progress)})
	}
	d.Blocks = append(d.Blocks, Block{Kind: Table, Rows: rows, Widths: []float64{5, 3, 1.6, 1.6, 1.3}})
	return d
}

func sourcesLine(seqs []int64) string {
	if len(seqs) == 0 {
		return ""
	}
	parts := make([]string, len(seqs))
	for i, n := range seqs {
		parts[i] = fmt.Sprintf("#%d", n)
	}
	return " · from notes " + strings.Join(parts, ", ")
}

// WriteVersionPDF renders a published version as PDF, its marking on every
// page.
func WriteVersionPDF(w io.Writer, v *conference.RecordVersion) error {
	d := RecordDocument(v.Content, versionStatus(v))
	d.Title = fmt.Sprintf("%s — record, version %d", v.Content.Title, v.Number)
	return PDF(w, d)
}
