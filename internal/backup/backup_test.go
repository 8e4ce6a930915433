package backup_test

import (
	"bytes"
	"compress/gzip"
	"errors"
	"io"
	"strings"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/quintet-ag/quintet/internal/backup"
)

func mustRaw(t *testing.T, d bson.D) bson.Raw {
	t.Helper()
	b, err := bson.Marshal(d)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// sample writes a small backup: two collections with documents of the
// types that plain JSON would lose, and one empty collection.
func sample(t *testing.T) ([]byte, map[string][]bson.Raw) {
	t.Helper()
	at := time.Date(2014, 11, 4, 9, 30, 0, 123e6, time.UTC)
	docs := map[string][]bson.Raw{
		"meetings": {
			mustRaw(t, bson.D{{Key: "_id", Value: "london-2014"}, {Key: "start", Value: at}, {Key: "version", Value: int64(3)}}),
			mustRaw(t, bson.D{{Key: "_id", Value: "ottawa-2015"}, {Key: "rooms", Value: bson.A{}}, {Key: "n", Value: int32(7)}, {Key: "x", Value: 1.5}}),
		},
		"notes": {mustRaw(t, bson.D{{Key: "_id", Value: "n1"}, {Key: "text", Value: "Agreed — \"share\"\nthe template"}, {Key: "seq", Value: int64(1)}})},
	}
	var buf bytes.Buffer
	w, err := backup.NewWriter(&buf, backup.Header{SchemaVersion: 1, ServerVersion: "test", CreatedAt: at, Source: "store"})
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"meetings", "links", "notes"} {
		if err := w.Begin(name); err != nil {
			t.Fatal(err)
		}
		for _, d := range docs[name] {
			if err := w.Add(name, d); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes(), docs
}

func TestRoundTripKeepsEveryByte(t *testing.T) {
	file, docs := sample(t)
	a, err := backup.Read(bytes.NewReader(file))
	if err != nil {
		t.Fatal(err)
	}
	if got, want := a.Header.Format, backup.Format; got != want {
		t.Errorf("format=%q, want %q", got, want)
	}
	if got, want := a.Manifest.Documents, 3; got != want {
		t.Errorf("documents=%d, want %d", got, want)
	}
	var names []string
	for _, c := range a.Collections {
		names = append(names, c.Name)
	}
	if got, want := strings.Join(names, ","), "meetings,links,notes"; got != want {
		t.Errorf("collections=%s, want %s", got, want)
	}
	for name, want := range docs {
		got := a.Docs(name)
		if len(got) != len(want) {
			t.Fatalf("%s: %d documents, want %d", name, len(got), len(want))
		}
		for i := range want {
			if !bytes.Equal(got[i], want[i]) {
				t.Errorf("%s[%d] = %s, want %s (types must survive)", name, i, got[i], want[i])
			}
		}
	}
}

// unzip and rezip let a test change the text inside a backup as a careless
// edit, or a damaged disk that gzip's own check missed, would.
func unzip(t *testing.T, b []byte) string {
	t.Helper()
	r, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	out, err := io.ReadAll(r)
	if err != nil {
		t.Fatal(err)
	}
	return string(out)
}

func rezip(t *testing.T, s string) []byte {
	t.Helper()
	var buf bytes.Buffer
	w := gzip.NewWriter(&buf)
	_, _ = w.Write([]byte(s))
	_ = w.Close()
	return buf.Bytes()
}

func TestDamagedFilesAreRefused(t *testing.T) {
	file, _ := sample(t)
	text := unzip(t, file)
	lines := strings.SplitAfter(text, "\n")
	cases := map[string][]byte{
		"one character changed": rezip(t, strings.Replace(text, "ottawa-2015", "ottawa-2016", 1)),
		"cut short":             rezip(t, strings.Join(lines[:len(lines)-2], "")),
		"a line dropped":        rezip(t, lines[0]+strings.Join(lines[2:], "")),
		"a line repeated":       rezip(t, lines[0]+lines[1]+strings.Join(lines[1:], "")),
		"not gzip":              []byte(text),
		"gzip bytes flipped":    append(append([]byte{}, file[:len(file)/2]...), append([]byte{file[len(file)/2] ^ 0xff}, file[len(file)/2+1:]...)...),
		"empty":                 rezip(t, ""),
	}
	for name, b := range cases {
		t.Run(name, func(t *testing.T) {
			_, err := backup.Read(bytes.NewReader(b))
			var ce *backup.CorruptError
			if !errors.As(err, &ce) {
				t.Fatalf("Read=%v, want a CorruptError", err)
			}
		})
	}
	t.Run("checksum names the collection", func(t *testing.T) {
		_, err := backup.Read(bytes.NewReader(cases["one character changed"]))
		if err == nil || !strings.Contains(err.Error(), "checksum of meetings") {
			t.Fatalf("Read=%v, want the checksum of meetings refused", err)
		}
	})
}

func TestNewerFormatIsRefused(t *testing.T) {
	file, _ := sample(t)
	text := strings.Replace(unzip(t, file), `"format_version":1`, `"format_version":2`, 1)
	if _, err := backup.Read(bytes.NewReader(rezip(t, text))); err == nil || !strings.Contains(err.Error(), "format version 2") {
		t.Fatalf("Read=%v, want format version 2 refused", err)
	}
}

func TestACollectionIsWrittenOnce(t *testing.T) {
	w, err := backup.NewWriter(io.Discard, backup.Header{})
	if err != nil {
		t.Fatal(err)
	}
	doc := mustRaw(t, bson.D{{Key: "_id", Value: "a"}})
	_ = w.Add("meetings", doc)
	_ = w.Add("notes", doc)
	if err := w.Add("meetings", doc); err == nil {
		t.Fatal("a collection written again after another was accepted")
	}
}
