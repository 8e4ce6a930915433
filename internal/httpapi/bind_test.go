package httpapi

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/quintet-ag/quintet/internal/conference"
)

type bindInner struct {
	Name string `json:"name"`
	N    int    `json:"n"`
}

type bindBase struct {
	Created time.Time `json:"created"`
}

type bindTarget struct {
	bindBase
	Marking conference.Marking `json:"marking"`
	Inner   *bindInner         `json:"inner"`
	Items   []bindInner        `json:"items"`
	Labels  map[string]string  `json:"labels"`
	Extra   any                `json:"extra"`
	Plain   string
	Skipped string `json:"-"`
}

func TestDecodeJSONRefusesRepeatedAndCaseVariantKeys(t *testing.T) {
	many := make([]string, 20)
	for i := range many {
		many[i] = fmt.Sprintf(`"k%d":"%d"`, i, i)
	}
	for _, tt := range []struct {
		name, body, field string
	}{
		{"repeated", `{"marking":"all","marking":"heads"}`, "marking"},
		{"case variant after the field", `{"marking":"all","Marking":"heads"}`, "Marking"},
		{"case variant alone", `{"Marking":"heads"}`, "Marking"},
		{"case variant of an untagged field", `{"plain":"x"}`, "plain"},
		{"case variant of an embedded field", `{"Created":"2014-07-09T09:30:00Z"}`, "Created"},
		{"nested repeated", `{"inner":{"name":"a","n":1,"name":"b"}}`, "inner.name"},
		{"nested case variant", `{"inner":{"Name":"a"}}`, "inner.Name"},
		{"repeated in an array's object", `{"items":[{"name":"a"},{"n":1,"n":2}]}`, "items.n"},
		{"repeated map key", `{"labels":{"x":"1","x":"2"}}`, "labels.x"},
		{"repeated in a free value", `{"extra":{"deep":[{"a":1,"a":2}]}}`, "extra.deep.a"},
		{"repeated through an escape", `{"marking":"all","\u006darking":"heads"}`, "marking"},
		{"case variant through a Unicode fold", `{"mar\u212aing":"heads"}`, "mar\u212aing"},
		{"repeated in a large object", `{"labels":{` + strings.Join(many, ",") + `,"k3":"again"}}`, "labels.k3"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var dst bindTarget
			err := decodeJSON(strings.NewReader(tt.body), &dst)
			if got, want := conference.ErrorCode(err), conference.EINVALID; got != want {
				t.Fatalf("code = %q (%v), want %q", got, err, want)
			}
			if got := fieldOf(err); got != tt.field {
				t.Fatalf("field = %q (%v), want %q", got, err, tt.field)
			}
			if !strings.Contains(conference.ErrorMessage(err), tt.field) {
				t.Fatalf("message %q does not name %q", conference.ErrorMessage(err), tt.field)
			}
		})
	}
}

func TestDecodeJSONStillBindsValidBodies(t *testing.T) {
	body := ` { "created" : "2014-07-09T09:30:00+01:00", "marking": "heads", "inner": {"name": "a \"quoted\" name", "n": 2},
		"items": [{"name": "x"}, {"name": "x", "n": 1}], "labels": {"a": "1", "A": "2", "name": "3"},
		"extra": {"name": [1, 2, {"name": null}], "n": true}, "Plain": "p" } `
	var dst bindTarget
	if err := decodeJSON(strings.NewReader(body), &dst); err != nil {
		t.Fatal(err)
	}
	if dst.Marking != "heads" || dst.Inner.Name != `a "quoted" name` || len(dst.Items) != 2 ||
		dst.Labels["A"] != "2" || dst.Plain != "p" || dst.Created.IsZero() {
		t.Fatalf("bound %+v", dst)
	}
	var note conference.NoteInput
	if err := decodeJSON(strings.NewReader(`{"client_id":"c1","text":"t","marking":"all","amends":3}`), &note); err != nil {
		t.Fatal(err)
	}
}

func BenchmarkDecodeJSON(b *testing.B) {
	body := []byte(`{"title":"Joint training on e-evidence","summary":"A week of training for prosecutors of the five delegations.",
		"lead_delegation":"GB","lead_agency":"CPS","partner_delegations":["US","CA","AU","NZ"],"audiences":["prosecutors","police"],
		"format":"training","status":"planned","start_date":"2015-03-02","end_date":"2015-03-06","topics":["e-evidence","cyberbullying"],
		"references":[{"url":"https://example.org/a","catalogue":"cat","identifier":"id-1"}],"example":false}`)
	b.ReportAllocs()
	for b.Loop() {
		var in conference.RegisterEntryInput
		if err := decodeJSON(strings.NewReader(string(body)), &in); err != nil {
			b.Fatal(err)
		}
	}
}

// Bytes that are not UTF-8 are refused, not replaced by U+FFFD: the text
// stored must be the text sent.
func TestDecodeJSONRefusesInvalidUTF8(t *testing.T) {
	for _, body := range []string{"{\"marking\":\"all\xff\"}", "{\"inner\":{\"name\":\"\xc3\x28\"}}"} {
		var dst bindTarget
		err := decodeJSON(strings.NewReader(body), &dst)
		if conference.ErrorCode(err) != conference.EINVALID || !strings.Contains(conference.ErrorMessage(err), "UTF-8") {
			t.Errorf("body %q: err=%v, want invalid naming UTF-8", body, err)
		}
	}
	var ok bindTarget
	if err := decodeJSON(strings.NewReader(`{"inner":{"name":"Zoë — 東京"}}`), &ok); err != nil || ok.Inner.Name != "Zoë — 東京" {
		t.Fatalf("valid UTF-8: err=%v name=%q", err, ok.Inner.Name)
	}
}
