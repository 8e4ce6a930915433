package export_test

import (
	"bytes"
	"encoding/csv"
	"strings"
	"testing"
	"time"

	goical "github.com/emersion/go-ical"

	"github.com/quintet-ag/quintet/internal/conference"
	"github.com/quintet-ag/quintet/internal/export"
)

func TestWriteActionsCSV_RoundTrip(t *testing.T) {
	hostile := []string{"=HYPERLINK(\"http://x\")", "a,b", `say "hi"`, "two\nlines", "-10", "\t@x", "日本語",
		"\uFF1DHYPERLINK(\"http://x\")", "\uFF0B1", "\uFF0D1", "\uFF20SUM(A1)", " =1+1", "\u3000\uFF1D1"}
	var actions []*conference.Action
	for i, h := range hostile {
		actions = append(actions, &conference.Action{ID: string(rune('a' + i)), Title: h, Description: h, Contact: h,
			Owner: "CA", Due: "2015-06-30", Status: conference.ActionOpen, Topics: []string{"t1"}, Marking: conference.MarkingAll,
			Reports: []conference.ProgressReport{{At: time.Date(2014, 9, 1, 0, 0, 0, 0, time.UTC), AuthorName: "=Eve", Text: h}}})
	}
	var buf bytes.Buffer
	if err := export.WriteActionsCSV(&buf, actions, map[string]string{"t1": "+Topic"}); err != nil {
		t.Fatal(err)
	}
	body, ok := bytes.CutPrefix(buf.Bytes(), []byte("\ufeff"))
	if !ok {
		t.Fatal("no byte order mark")
	}
	rows, err := csv.NewReader(bytes.NewReader(body)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != len(hostile)+1 {
		t.Fatalf("%d rows, want %d", len(rows), len(hostile)+1)
	}
	for i, h := range hostile {
		row := rows[i+1]
		want := "'" + h
		if strings.HasPrefix(h, "a,b") || strings.HasPrefix(h, "say") || strings.HasPrefix(h, "two") || h == "日本語" {
			want = h
		}
		if row[1] != want || row[15] != want || row[4] != want {
			t.Errorf("row %d: title %q, description %q, contact %q; want %q", i, row[1], row[15], row[4], want)
		}
		if row[9] != "'+Topic" {
			t.Errorf("topics=%q", row[9])
		}
		if !strings.HasPrefix(row[19], "2014-09-01 =Eve: ") {
			t.Errorf("last report=%q: only the cell's first character matters", row[19])
		}
	}
}

func TestCalendarICS_ParsesBack(t *testing.T) {
	d := &conference.Delegation{Code: "CA", Name: "Canada"}
	at := time.Date(2014, 8, 1, 10, 0, 0, 0, time.UTC)
	actions := []*conference.Action{
		{ID: "a1", Title: "Line one\nline two; with, commas \\ and backslash", Owner: "CA", Due: "2015-06-30",
			Status: conference.ActionInProgress, Progress: 40, Description: "Long " + strings.Repeat("description ", 30) + strings.Repeat("日本語の説明", 20),
			CreatedAt: at, UpdatedAt: at, Version: 3},
		{ID: "a2", Title: "Overdue", Owner: "CA", Due: "2014-12-01", Status: conference.ActionOpen, CreatedAt: at, UpdatedAt: at, Version: 1},
	}
	out := export.CalendarICS(d, actions, "2015-01-10")
	for _, line := range strings.Split(out, "\r\n") {
		if len(line) > 75 {
			t.Errorf("line longer than 75 octets (RFC 5545 folds them): %q", line)
		}
	}
	cal, err := goical.NewDecoder(strings.NewReader(out)).Decode()
	if err != nil {
		t.Fatalf("decode: %v\n%s", err, out)
	}
	events := cal.Events()
	if len(events) != 2 {
		t.Fatalf("%d events", len(events))
	}
	summary, _ := events[0].Props.Text(goical.PropSummary)
	if !strings.HasPrefix(summary, actions[0].Title) {
		t.Errorf("SUMMARY=%q, want it to start with %q", summary, actions[0].Title)
	}
	end, err := events[0].DateTimeEnd(time.UTC)
	if err != nil || end.Format("2006-01-02") != "2015-07-01" {
		t.Errorf("DTEND=%v (%v), want the day after the due date", end, err)
	}
	if s, _ := events[1].Props.Text(goical.PropSummary); !strings.HasPrefix(s, "OVERDUE: ") {
		t.Errorf("overdue SUMMARY=%q", s)
	}
}

func fuRecord() *conference.Record {
	m := &conference.Meeting{ID: "m", Title: "London <2014>", City: "London", TimeZone: "Europe/London", StartDate: "2014-07-09", EndDate: "2014-07-11"}
	se := &conference.Session{ID: "s", Title: "Session *one*", Start: time.Date(2014, 7, 9, 8, 30, 0, 0, time.UTC), Topics: []string{"t"}}
	o := &conference.OutcomeView{Outcome: conference.Outcome{Kind: conference.OutcomeDecision, Text: "<script>alert(1)</script> [link](javascript:x) ![img](http://x)",
		Marking: conference.MarkingAll, Status: conference.OutcomeAgreed,
		SignOffs: []conference.SignOff{{Delegation: "CA", ByName: "Head <b>CA</b>", At: time.Date(2014, 7, 11, 0, 0, 0, 0, time.UTC)}},
		Withdrawals: []conference.SignOffWithdrawal{{SignOff: conference.SignOff{Delegation: "US", ByName: "Head US"},
			WithdrawnName: "Head US", WithdrawnAt: time.Date(2014, 7, 12, 0, 0, 0, 0, time.UTC), Reason: "The text *changed* <i>after</i> we signed"}}},
		Agreement: "agreed — 1 of 5 delegations"}
	return &conference.Record{Meeting: m, Delegations: []*conference.Delegation{{Code: "CA", Name: "Canada"}},
		Sessions: []conference.RecordSession{{Session: se, Outcomes: []*conference.OutcomeView{o}}},
		Actions:  []*conference.Action{{Title: "Fix | pipes\nand <em>tags</em>", Owner: "CA", Due: "2015-06-30", Status: conference.ActionOpen}},
		Topics:   map[string]conference.Topic{"t": {ID: "t", Title: "Cyber & bullying"}}, Clearance: conference.MarkingAll}
}

func TestWriteRecordHTML_Escapes(t *testing.T) {
	var buf bytes.Buffer
	if err := export.WriteRecordHTML(&buf, fuRecord()); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	for _, bad := range []string{"<script>", "<b>CA</b>", "<em>", "London <2014>"} {
		if strings.Contains(out, bad) {
			t.Errorf("record.html holds %q unescaped", bad)
		}
	}
	for _, good := range []string{"&lt;script&gt;", "agreed — 1 of 5 delegations", "Cyber &amp; bullying", "09:30",
		"Sign-off withdrawn: US (Head US, 12 Jul 2014): The text *changed* &lt;i&gt;after&lt;/i&gt; we signed"} {
		if !strings.Contains(out, good) {
			t.Errorf("record.html lacks %q:\n%s", good, out)
		}
	}
}

func TestWriteRecordMarkdown_Escapes(t *testing.T) {
	var buf bytes.Buffer
	export.WriteRecordMarkdown(&buf, fuRecord())
	out := buf.String()
	for _, bad := range []string{"<script>", "[link](", "![img]", "*one*", "<em>", "*changed*", "<i>"} {
		if strings.Contains(out, bad) {
			t.Errorf("record.md holds %q unescaped:\n%s", bad, out)
		}
	}
	if !strings.Contains(out, `Sign-off withdrawn: US (Head US, 12 Jul 2014): The text \*changed\*`) {
		t.Errorf("record.md does not list the withdrawn sign-off:\n%s", out)
	}
	if !strings.Contains(out, `Fix \| pipes and &lt;em&gt;tags&lt;/em&gt;`) {
		t.Errorf("the action's table cell is not escaped onto one line:\n%s", out)
	}
}

func TestDefuseCell(t *testing.T) {
	for in, want := range map[string]string{
		"":               "",
		"=cmd|'/C calc'": "'=cmd|'/C calc'",
		"+1":             "'+1",
		"-1":             "'-1",
		"@SUM(A1)":       "'@SUM(A1)",
		"\t=1":           "'\t=1",
		"\r=1":           "'\r=1",
		"\tplain":        "'\tplain",
		"\uFF1D1+1":      "'\uFF1D1+1", // fullwidth = + - @
		"\uFF0B1":        "'\uFF0B1",
		"\uFF0D1":        "'\uFF0D1",
		"\uFF20SUM(A1)":  "'\uFF20SUM(A1)",
		" =1+1":          "' =1+1", // white space before the formula
		"\u00A0\u3000+1": "'\u00A0\u3000+1",
		"\n=1":           "'\n=1",
		"plain, text":    "plain, text",
		"a=1":            "a=1",
		"'quoted":        "'quoted",
		" plain":         " plain",
		"2015-06-30":     "2015-06-30",
		"\uFF21":         "\uFF21", // fullwidth A is only a letter
	} {
		if got := export.DefuseCell(in); got != want {
			t.Errorf("DefuseCell(%q)=%q, want %q", in, got, want)
		}
	}
}
