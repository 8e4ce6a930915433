package export

import (
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"html/template"
	"io"
	"strings"
	"time"

	"github.com/quintet-ag/quintet/internal/conference"
)

// The meeting record, as a printable page, as Markdown and as PDF. All are
// made from a conference.RecordContent: the draft's (conference.MeetingRecord,
// which holds only what the reader may read: agreed outcomes within their
// clearance, and the actions they may see) or a published version's, frozen
// at the marking it was published at.

const recordStyle = `
body { font: 11pt/1.45 Georgia, "Times New Roman", serif; max-width: 46rem; margin: 2rem auto; color: #111; padding: 0 1rem; }
h1 { font-size: 1.6rem; margin-bottom: .2rem; }
h2 { font-size: 1.25rem; border-bottom: 1px solid #999; margin-top: 2rem; }
h3 { font-size: 1.05rem; margin-bottom: .2rem; }
.meta, .small { color: #444; font-size: .9rem; }
.outcome { margin: .6rem 0 1rem; padding-left: .8rem; border-left: 3px solid #345; }
.kind { font-variant: small-caps; font-weight: bold; }
.marking { font-size: .8rem; border: 1px solid #777; padding: 0 .3rem; border-radius: 3px; }
table { border-collapse: collapse; width: 100%; font-size: .9rem; }
th, td { border: 1px solid #bbb; padding: .25rem .4rem; text-align: left; vertical-align: top; }
th { background: #eee; }
@media print { body { margin: 0; max-width: none; } h2 { break-after: avoid; } .outcome, tr { break-inside: avoid; } }
`

// RecordStyleHash is the record page's one inline stylesheet as a
// Content-Security-Policy source: the page allows exactly it.
var RecordStyleHash = func() string {
	sum := sha256.Sum256([]byte(recordStyle))
	return "sha256-" + base64.StdEncoding.EncodeToString(sum[:])
}()

// html/template escapes every value by its context; nothing a writer typed
// can become markup.
var recordTemplate = template.Must(template.New("record").Funcs(template.FuncMap{
	"when": func(c *conference.RecordContent, t time.Time) string {
		return t.In(c.Location()).Format("Mon 2 Jan 2006, 15:04")
	},
	"day":   func(t time.Time) string { return t.UTC().Format("2 Jan 2006") },
	"kind":  kindTitle,
	"lines": func(s string) []string { return strings.Split(s, "\n") },
	// html/template escapes the lines it is given.
	"withdrawals": func(o conference.ContentOutcome) []string {
		return withdrawalLines(o, func(s string) string { return s })
	},
}).Parse(`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Record — {{.Title}}</title>
<style>{{.Style}}</style>
</head>
<body>
<h1>{{.Title}}</h1>
<p class="meta">{{.City}}{{with .Venue}}, {{.}}{{end}} · {{.StartDate}} to {{.EndDate}} ({{.TimeZone}}) · delegations:
{{range $i, $d := .Delegations}}{{if $i}}, {{end}}{{$d}}{{end}}</p>
<p class="small">{{.Status}}</p>
{{$c := .RecordContent}}
{{range .Sessions}}
<h2>{{.Title}}</h2>
<p class="meta">{{when $c .Start}}{{with .Room}} · {{.}}{{end}}{{range .Topics}} · {{.}}{{end}}</p>
{{range .Outcomes}}
<div class="outcome">
<p><span class="kind">{{kind .Kind}}</span> <span class="marking">{{.Marking}}</span></p>
{{range lines .Text}}<p>{{.}}</p>{{end}}
<p class="small">{{.Agreement}}{{if .SignOffs}}: {{range $i, $s := .SignOffs}}{{if $i}}, {{end}}{{$s.Delegation}} ({{$s.ByName}}, {{day $s.At}}){{end}}{{end}}{{if .Sources}} · from notes {{range $i, $n := .Sources}}{{if $i}}, {{end}}#{{$n}}{{end}}{{end}}</p>
{{range withdrawals .}}<p class="small">{{.}}</p>{{end}}
</div>
{{else}}
<p class="small">No agreed outcome.</p>
{{end}}
{{end}}
<h2>Actions</h2>
{{if .Actions}}
<table>
<thead><tr><th>Action</th><th>Owner</th><th>Due</th><th>Status</th><th>Progress</th></tr></thead>
<tbody>
{{range .Actions}}<tr><td>{{.Title}}{{with .Reason}}<br><span class="small">{{.}}</span>{{end}}</td><td>{{.Owner}}{{with .Agency}} — {{.}}{{end}}</td><td>{{.Due}}</td><td>{{.Status}}</td><td>{{.Progress}}%</td></tr>
{{end}}</tbody>
</table>
{{else}}
<p class="small">No action.</p>
{{end}}
</body>
</html>
`))

// draftStatus is what the draft record says of itself.
func draftStatus(c *conference.RecordContent) string {
	return fmt.Sprintf("Record as readable at clearance “%s”, generated %s. Only agreed outcomes are shown.",
		c.Clearance, c.Generated.UTC().Format("2 Jan 2006"))
}

// versionStatus is what a published version says of itself.
func versionStatus(v *conference.RecordVersion) string {
	return fmt.Sprintf("Version %d, published %s by %s at marking “%s”. Only agreed outcomes are shown.",
		v.Number, v.PublishedAt.UTC().Format("2 Jan 2006, 15:04 UTC"), v.PublishedByName, v.Marking)
}

// WriteRecordHTML renders the draft record as a printable page.
func WriteRecordHTML(w io.Writer, r *conference.Record) error {
	c := r.Content()
	return writeContentHTML(w, c, draftStatus(c))
}

// WriteVersionHTML renders a published version as a printable page.
func WriteVersionHTML(w io.Writer, v *conference.RecordVersion) error {
	return writeContentHTML(w, v.Content, versionStatus(v))
}

func writeContentHTML(w io.Writer, c *conference.RecordContent, status string) error {
	return recordTemplate.Execute(w, struct {
		*conference.RecordContent // also reachable as .RecordContent, inside range blocks
		Status                    string
		Style                     template.CSS
	}{c, status, template.CSS(recordStyle)})
}

// WriteRecordMarkdown renders the draft record as Markdown.
func WriteRecordMarkdown(w io.Writer, r *conference.Record) {
	c := r.Content()
	writeContentMarkdown(w, c, draftStatus(c))
}

// WriteVersionMarkdown renders a published version as Markdown.
func WriteVersionMarkdown(w io.Writer, v *conference.RecordVersion) {
	writeContentMarkdown(w, v.Content, versionStatus(v))
}

// writeContentMarkdown renders a record as Markdown. Text that people typed
// is escaped, so that it reads as typed and cannot become a link, an image
// or raw HTML in a Markdown viewer.
func writeContentMarkdown(w io.Writer, c *conference.RecordContent, status string) {
	fmt.Fprintf(w, "# %s\n\n", mdEscape(c.Title))
	names := make([]string, 0, len(c.Delegations))
	for _, d := range c.Delegations {
		names = append(names, mdEscape(d))
	}
	fmt.Fprintf(w, "%s · %s to %s (%s) · delegations: %s\n\n", mdEscape(c.City), c.StartDate, c.EndDate, c.TimeZone, strings.Join(names, ", "))
	fmt.Fprintf(w, "_%s_\n", mdEscape(status))
	for _, se := range c.Sessions {
		fmt.Fprintf(w, "\n## %s\n\n", mdEscape(se.Title))
		fmt.Fprintf(w, "%s\n", mdEscapeAll(sessionMeta(c, se)))
		if len(se.Outcomes) == 0 {
			fmt.Fprintf(w, "\n_No agreed outcome._\n")
		}
		for _, o := range se.Outcomes {
			fmt.Fprintf(w, "\n**%s** (%s)\n\n", kindTitle(o.Kind), o.Marking)
			for _, line := range strings.Split(o.Text, "\n") {
				fmt.Fprintf(w, "> %s\n", mdEscape(line))
			}
			fmt.Fprintf(w, "\n%s\n", agreementLine(o, mdEscape))
			for _, line := range withdrawalLines(o, mdEscape) {
				fmt.Fprintf(w, "\n%s\n", line)
			}
		}
	}
	fmt.Fprintf(w, "\n## Actions\n\n")
	if len(c.Actions) == 0 {
		fmt.Fprintf(w, "_No action._\n")
		return
	}
	fmt.Fprintf(w, "| Action | Owner | Due | Status | Progress |\n|---|---|---|---|---|\n")
	for _, a := range c.Actions {
		fmt.Fprintf(w, "| %s | %s | %s | %s | %d%% |\n", mdCell(a.Title), mdCell(actionOwner(a)), a.Due, a.Status, a.Progress)
	}
}

// The pieces of a record's text that every format writes alike.

func sessionMeta(c *conference.RecordContent, se conference.ContentSession) []string {
	meta := []string{se.Start.In(c.Location()).Format("Mon 2 Jan 2006, 15:04")}
	if se.Room != "" {
		meta = append(meta, se.Room)
	}
	return append(meta, se.Topics...)
}

func kindTitle(k conference.OutcomeKind) string {
	if k == "" {
		return ""
	}
	return strings.ToUpper(string(k[:1])) + string(k[1:])
}

// agreementLine is "agreed — AU, CA signed; US pending: AU (name, date), …", the
// names passed through esc (they are typed by people).
func agreementLine(o conference.ContentOutcome, esc func(string) string) string {
	signed := []string{}
	for _, s := range o.SignOffs {
		signed = append(signed, fmt.Sprintf("%s (%s, %s)", s.Delegation, esc(s.ByName), s.At.UTC().Format("2 Jan 2006")))
	}
	line := o.Agreement
	if len(signed) > 0 {
		line += ": " + strings.Join(signed, ", ")
	}
	return line
}

// withdrawalLines are "Sign-off withdrawn: US (name, date): reason", one per
// sign-off taken back, oldest first; names and reasons pass through esc.
func withdrawalLines(o conference.ContentOutcome, esc func(string) string) []string {
	var out []string
	for _, w := range o.Withdrawals {
		out = append(out, fmt.Sprintf("Sign-off withdrawn: %s (%s, %s): %s", w.Delegation, esc(w.WithdrawnName),
			w.WithdrawnAt.UTC().Format("2 Jan 2006"), esc(w.Reason)))
	}
	return out
}

func actionOwner(a conference.ContentAction) string {
	if a.Agency != "" {
		return a.Owner + " — " + a.Agency
	}
	return a.Owner
}

// mdEscapeAll escapes each part and joins them with a middle dot.
func mdEscapeAll(parts []string) string {
	out := make([]string, len(parts))
	for i, p := range parts {
		out[i] = mdEscape(p)
	}
	return strings.Join(out, " · ")
}

// mdEscaper backslash-escapes every character that Markdown (CommonMark)
// may read as syntax, and turns angle brackets into entities so that no
// raw HTML passes.
var mdEscaper = strings.NewReplacer(
	`\`, `\\`, "`", "\\`", `*`, `\*`, `_`, `\_`, `{`, `\{`, `}`, `\}`, `[`, `\[`, `]`, `\]`,
	`(`, `\(`, `)`, `\)`, `#`, `\#`, `+`, `\+`, `-`, `\-`, `.`, `\.`, `!`, `\!`, `|`, `\|`,
	`<`, `&lt;`, `>`, `&gt;`, `&`, `&amp;`, `~`, `\~`, `"`, `\"`, `=`, `\=`,
)

func mdEscape(s string) string { return mdEscaper.Replace(s) }

// mdCell escapes s for a table cell, on one line.
func mdCell(s string) string {
	return strings.ReplaceAll(strings.ReplaceAll(mdEscape(s), "\r", " "), "\n", " ")
}
