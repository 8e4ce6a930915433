// Package backup is Quintet's backup file: one format whichever way a backup
// is taken (through the running server, or from the command line against a
// store) and whatever it is restored into. It knows documents only as BSON,
// and collections only by name; what the documents mean is the store's and
// the domain's business.
//
// The file is a gzip stream of JSON lines (docs/operations.md, "The backup
// file"):
//
//	{"header":{"format":"quintet-backup","format_version":1,"schema_version":1,…}}
//	{"c":"delegations","d":{…the document in canonical extended JSON…}}
//	…
//	{"manifest":{"collections":[{"name":"delegations","count":5,"sha256":"…"},…],"documents":…}}
//
// Canonical extended JSON keeps BSON's types (dates, 64-bit integers) through
// the text, so a restored document is the stored one, byte for byte. The
// manifest comes last so that a backup can be streamed as it is taken; a
// file without it (cut short) is refused. Each collection's checksum is the
// SHA-256 of its documents' JSON text, each followed by a newline, in file
// order, so that one changed character anywhere is refused before anything
// is written.
package backup

import (
	"bufio"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"hash"
	"io"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
)

// Format names the file format in every header.
const Format = "quintet-backup"

// FormatVersion is the version of the file's layout written here; Read takes
// this one and none newer.
const FormatVersion = 1

// Header is the first line: what the file is and where it came from.
type Header struct {
	Format        string `json:"format"`
	FormatVersion int    `json:"format_version"`
	// SchemaVersion is the persisted shape's version (the store's), so that
	// a restore can refuse documents it does not know how to read.
	SchemaVersion int       `json:"schema_version"`
	ServerVersion string    `json:"server_version"`
	CreatedAt     time.Time `json:"created_at"`
	// Source says how the snapshot was taken: "server" (the working set of
	// a running server, at one instant) or "store" (read from the store).
	Source string `json:"source"`
}

// Manifest is the last line: what the file holds, to check it against.
type Manifest struct {
	Collections []CollectionSum `json:"collections"`
	Documents   int             `json:"documents"`
}

// CollectionSum is one collection's count and checksum.
type CollectionSum struct {
	Name   string `json:"name"`
	Count  int    `json:"count"`
	SHA256 string `json:"sha256"`
}

// Collection is one collection's documents, as read back.
type Collection struct {
	Name string
	Docs []bson.Raw
}

// Archive is a whole backup, read back and verified.
type Archive struct {
	Header      Header
	Manifest    Manifest
	Collections []Collection
}

// Writer writes a backup file. Add the documents collection by collection,
// then Close. It is not safe for concurrent use.
type Writer struct {
	gz  *gzip.Writer
	buf *bufio.Writer
	sum hash.Hash
	cur *CollectionSum
	man Manifest
	err error
}

// NewWriter starts a backup file on w with header h; Format and
// FormatVersion are filled in.
func NewWriter(w io.Writer, h Header) (*Writer, error) {
	h.Format, h.FormatVersion = Format, FormatVersion
	gz := gzip.NewWriter(w)
	bw := &Writer{gz: gz, buf: bufio.NewWriterSize(gz, 64<<10), man: Manifest{Collections: []CollectionSum{}}}
	if err := bw.line(struct {
		Header Header `json:"header"`
	}{h}); err != nil {
		return nil, err
	}
	return bw, nil
}

func (w *Writer) line(v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	_, err = w.buf.Write(append(b, '\n'))
	return err
}

// Begin starts collection name, so that the manifest lists it even when it
// holds no document. Each collection is begun once.
func (w *Writer) Begin(name string) error {
	if w.err != nil {
		return w.err
	}
	w.endCollection()
	for _, c := range w.man.Collections {
		if c.Name == name {
			w.err = fmt.Errorf("backup: collection %s written twice", name)
			return w.err
		}
	}
	w.man.Collections = append(w.man.Collections, CollectionSum{Name: name})
	w.cur, w.sum = &w.man.Collections[len(w.man.Collections)-1], sha256.New()
	return nil
}

func (w *Writer) endCollection() {
	if w.cur != nil {
		w.cur.SHA256 = hex.EncodeToString(w.sum.Sum(nil))
		w.cur = nil
	}
}

// Add writes doc as a document of collection name, beginning it if it is
// not the current one.
func (w *Writer) Add(name string, doc bson.Raw) error {
	if w.err != nil {
		return w.err
	}
	if w.cur == nil || w.cur.Name != name {
		if err := w.Begin(name); err != nil {
			return err
		}
	}
	ext, err := bson.MarshalExtJSON(doc, true, false)
	if err != nil {
		w.err = fmt.Errorf("backup: encode a document of %s: %w", name, err)
		return w.err
	}
	// Written by hand rather than marshalled, so that the checksum is over
	// the very bytes in the file.
	line := make([]byte, 0, len(ext)+len(name)+16)
	line = append(line, `{"c":`...)
	line, _ = appendJSONString(line, name)
	line = append(line, `,"d":`...)
	line = append(line, ext...)
	line = append(line, "}\n"...)
	if _, err := w.buf.Write(line); err != nil {
		w.err = err
		return err
	}
	w.sum.Write(ext)
	w.sum.Write([]byte{'\n'})
	w.cur.Count++
	w.man.Documents++
	return nil
}

func appendJSONString(dst []byte, s string) ([]byte, error) {
	b, err := json.Marshal(s)
	return append(dst, b...), err
}

// Close writes the manifest and ends the gzip stream; it does not close the
// underlying writer.
func (w *Writer) Close() error {
	if w.err != nil {
		return w.err
	}
	w.endCollection()
	w.err = errors.New("backup: writer closed")
	if err := w.line(struct {
		Manifest Manifest `json:"manifest"`
	}{w.man}); err != nil {
		return err
	}
	if err := w.buf.Flush(); err != nil {
		return err
	}
	return w.gz.Close()
}

// CorruptError says why a file is not a whole, intact backup.
type CorruptError struct{ Reason string }

func (e *CorruptError) Error() string { return "the backup file is damaged or incomplete: " + e.Reason }

func corrupt(format string, args ...any) error {
	return &CorruptError{Reason: fmt.Sprintf(format, args...)}
}

// line is any line of the file; which member is set says which kind it is.
type fileLine struct {
	Header     *Header         `json:"header"`
	Manifest   *Manifest       `json:"manifest"`
	Collection string          `json:"c"`
	Doc        json.RawMessage `json:"d"`
}

// Read reads a whole backup file and checks it: the header, every line, the
// counts and the checksums of the manifest. Nothing it returns is unchecked:
// a restore writes only an Archive that Read returned.
func Read(r io.Reader) (*Archive, error) {
	gz, err := gzip.NewReader(r)
	if err != nil {
		return nil, corrupt("not a gzip file: %v", err)
	}
	br := bufio.NewReaderSize(gz, 64<<10)
	var (
		a    Archive
		sums = map[string]hash.Hash{}
		seen = map[string]bool{}
		cur  *Collection
		n    int
	)
	for {
		raw, err := br.ReadBytes('\n')
		if errors.Is(err, io.EOF) && len(raw) == 0 {
			break
		}
		if err != nil && !errors.Is(err, io.EOF) {
			return nil, corrupt("line %d: %v", n+1, err)
		}
		n++
		if a.Manifest.Collections != nil {
			return nil, corrupt("line %d follows the manifest", n)
		}
		var l fileLine
		if err := json.Unmarshal(raw, &l); err != nil {
			return nil, corrupt("line %d is not JSON: %v", n, err)
		}
		switch {
		case n == 1:
			if l.Header == nil || l.Header.Format != Format {
				return nil, corrupt("it does not begin with a %s header", Format)
			}
			if l.Header.FormatVersion < 1 || l.Header.FormatVersion > FormatVersion {
				return nil, fmt.Errorf("the backup file is of format version %d; this Quintet reads version %d", l.Header.FormatVersion, FormatVersion)
			}
			a.Header = *l.Header
		case l.Manifest != nil:
			a.Manifest = *l.Manifest
			if a.Manifest.Collections == nil {
				a.Manifest.Collections = []CollectionSum{}
			}
		case l.Collection != "" && l.Doc != nil:
			if cur == nil || cur.Name != l.Collection {
				if seen[l.Collection] {
					return nil, corrupt("line %d: the documents of %s are not together", n, l.Collection)
				}
				seen[l.Collection] = true
				a.Collections = append(a.Collections, Collection{Name: l.Collection})
				cur = &a.Collections[len(a.Collections)-1]
				sums[l.Collection] = sha256.New()
			}
			sums[l.Collection].Write(l.Doc)
			sums[l.Collection].Write([]byte{'\n'})
			var doc bson.Raw
			if err := bson.UnmarshalExtJSON(l.Doc, true, &doc); err != nil {
				return nil, corrupt("line %d: not a document in extended JSON: %v", n, err)
			}
			cur.Docs = append(cur.Docs, doc)
		default:
			return nil, corrupt("line %d is neither a document nor the manifest", n)
		}
		if errors.Is(err, io.EOF) {
			break
		}
	}
	if n == 0 {
		return nil, corrupt("it is empty")
	}
	if a.Manifest.Collections == nil {
		return nil, corrupt("it has no manifest: it was cut short")
	}
	if err := a.check(sums); err != nil {
		return nil, err
	}
	return &a, nil
}

// check compares what was read with the manifest.
func (a *Archive) check(sums map[string]hash.Hash) error {
	byName := map[string]*Collection{}
	for i := range a.Collections {
		byName[a.Collections[i].Name] = &a.Collections[i]
	}
	total := 0
	listed := map[string]bool{}
	var ordered []Collection
	for _, m := range a.Manifest.Collections {
		listed[m.Name] = true
		c := byName[m.Name]
		if c == nil {
			c = &Collection{Name: m.Name}
		}
		if len(c.Docs) != m.Count {
			return corrupt("%s holds %d documents; the manifest says %d", m.Name, len(c.Docs), m.Count)
		}
		h := sums[m.Name]
		if h == nil {
			h = sha256.New()
		}
		if got := hex.EncodeToString(h.Sum(nil)); got != m.SHA256 {
			return corrupt("the checksum of %s does not match the manifest (sha256 %s, the manifest says %s)", m.Name, got, m.SHA256)
		}
		total += m.Count
		ordered = append(ordered, *c)
	}
	for name := range byName {
		if !listed[name] {
			return corrupt("%s is not in the manifest", name)
		}
	}
	if total != a.Manifest.Documents {
		return corrupt("%d documents; the manifest says %d", total, a.Manifest.Documents)
	}
	a.Collections = ordered
	return nil
}

// Docs returns the documents of collection name, or nil.
func (a *Archive) Docs(name string) []bson.Raw {
	for _, c := range a.Collections {
		if c.Name == name {
			return c.Docs
		}
	}
	return nil
}
