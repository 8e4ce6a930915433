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

// The meeting record, as a printable page and as Markdown. Both are made
// from conference.MeetingRecord, which holds only what the reader may read:
// agreed outcomes within their clearance, and the actions they may see.

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
	"topic": func(r *conference.Record, id string) string {
		if t, ok := r.Topics[id]; ok {
			return t.Title
		}
		return id
	},
	"when": func(r *conference.Record, t time.Time) string {
		return t.In(r.Meeting.Location()).Format("Mon 2 Jan 2006, 15:04")
	},
	"day":   func(t time.Time) string { return t.UTC().Format("2 Jan 2006") },
	"lines": func(s string) []string { return strings.Split(s, "\n") },
}).Parse(`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Record — {{.Meeting.Title}}</title>
<style>{{.Style}}</style>
</head>
<body>
<h1>{{.Meeting.Title}}</h1>
<p class="meta">{{.Meeting.City}}{{with .Meeting.Venue}}, {{.}}{{end}} · {{.Meeting.StartDate}} to {{.Meeting.EndDate}} ({{.Meeting.TimeZone}}) · delegations:
{{range $i, $d := .Delegations}}{{if $i}}, {{end}}{{$d.Name}}{{end}}</p>
<p class="small">Record as readable at clearance “{{.Clearance}}”, generated {{day .Generated}}. Only agreed outcomes are shown.</p>
{{$r := .Record}}
{{range .Sessions}}
<h2>{{.Session.Title}}</h2>
<p class="meta">{{when $r .Session.Start}}{{with .Session.Room}} · {{.}}{{end}}{{range .Session.Topics}} · {{topic $r .}}{{end}}</p>
{{range .Outcomes}}
<div class="outcome">
<p><span class="kind">{{.Kind}}</span> <span class="marking">{{.Marking}}</span></p>
{{range lines .Text}}<p>{{.}}</p>{{end}}
<p class="small">{{.Agreement}}{{if .SignOffs}}: {{range $i, $s := .SignOffs}}{{if $i}}, {{end}}{{$s.Delegation}} ({{$s.ByName}}, {{day $s.At}}){{end}}{{end}}{{if .Sources}} · from notes {{range $i, $n := .Sources}}{{if $i}}, {{end}}#{{$n}}{{end}}{{end}}</p>
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

// WriteRecordHTML renders the record as a printable page.
func WriteRecordHTML(w io.Writer, r *conference.Record) error {
	return recordTemplate.Execute(w, struct {
		*conference.Record // also reachable as .Record, inside range blocks
		Style              template.CSS
	}{r, template.CSS(recordStyle)})
}

// WriteRecordMarkdown renders the record as Markdown. Text that people typed
// is escaped, so that it reads as typed and cannot become a link, an image
// or raw HTML in a Markdown viewer.
func WriteRecordMarkdown(w io.Writer, r *conference.Record) {
	m := r.Meeting
	fmt.Fprintf(w, "# %s\n\n", mdEscape(m.Title))
	names := make([]string, 0, len(r.Delegations))
	for _, d := range r.Delegations {
		names = append(names, mdEscape(d.Name))
	}
	fmt.Fprintf(w, "%s · %s to %s (%s) · delegations: %s\n\n", mdEscape(m.City), m.StartDate, m.EndDate, m.TimeZone, strings.Join(names, ", "))
	fmt.Fprintf(w, "_Record as readable at clearance “%s”. Only agreed outcomes are shown._\n", r.Clearance)
	loc := m.Location()
	for _, rs := range r.Sessions {
		se := rs.Session
		fmt.Fprintf(w, "\n## %s\n\n", mdEscape(se.Title))
		meta := []string{se.Start.In(loc).Format("Mon 2 Jan 2006, 15:04")}
		if se.Room != "" {
			meta = append(meta, mdEscape(se.Room))
		}
		for _, id := range se.Topics {
			title := id
			if t, ok := r.Topics[id]; ok {
				title = t.Title
			}
			meta = append(meta, mdEscape(title))
		}
		fmt.Fprintf(w, "%s\n", strings.Join(meta, " · "))
		if len(rs.Outcomes) == 0 {
			fmt.Fprintf(w, "\n_No agreed outcome._\n")
		}
		for _, o := range rs.Outcomes {
			fmt.Fprintf(w, "\n**%s** (%s)\n\n", strings.ToUpper(string(o.Kind[:1]))+string(o.Kind[1:]), o.Marking)
			for _, line := range strings.Split(o.Text, "\n") {
				fmt.Fprintf(w, "> %s\n", mdEscape(line))
			}
			signed := []string{}
			for _, s := range o.SignOffs {
				signed = append(signed, fmt.Sprintf("%s (%s, %s)", s.Delegation, mdEscape(s.ByName), s.At.UTC().Format("2 Jan 2006")))
			}
			line := o.Agreement
			if len(signed) > 0 {
				line += ": " + strings.Join(signed, ", ")
			}
			fmt.Fprintf(w, "\n%s\n", line)
		}
	}
	fmt.Fprintf(w, "\n## Actions\n\n")
	if len(r.Actions) == 0 {
		fmt.Fprintf(w, "_No action._\n")
		return
	}
	fmt.Fprintf(w, "| Action | Owner | Due | Status | Progress |\n|---|---|---|---|---|\n")
	for _, a := range r.Actions {
		owner := a.Owner
		if a.Agency != "" {
			owner += " — " + mdEscape(a.Agency)
		}
		fmt.Fprintf(w, "| %s | %s | %s | %s | %d%% |\n", mdCell(a.Title), mdCell(owner), a.Due, a.Status, a.Progress)
	}
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
