package httpapi

import (
	"bytes"
	"encoding/json"
	"reflect"
	"strings"
	"sync"

	"github.com/quintet-ag/quintet/internal/conference"
)

// checkKeys refuses what encoding/json would quietly resolve: an object whose
// keys repeat (the last one wins) and a key that names a field only when case
// is ignored ({"marking":"all","Marking":"heads"} would store heads). A
// reviewer reading a body sees one value per field, so the server must too.
// raw must be valid JSON; t is the type it is decoded into.
func checkKeys(raw []byte, t reflect.Type) error {
	s := keyScanner{data: raw}
	return s.value(t, "")
}

// keyScanner walks a valid JSON text. It only looks at objects' keys; the
// decoder has checked everything else.
type keyScanner struct {
	data []byte
	pos  int
}

var unmarshalerType = reflect.TypeFor[json.Unmarshaler]()

func (s *keyScanner) skipSpace() {
	for s.pos < len(s.data) {
		switch s.data[s.pos] {
		case ' ', '\t', '\n', '\r':
			s.pos++
		default:
			return
		}
	}
}

// value walks one value decoded into t (nil when its fields are unknown).
func (s *keyScanner) value(t reflect.Type, path string) error {
	s.skipSpace()
	switch s.data[s.pos] {
	case '{':
		return s.object(t, path)
	case '[':
		s.pos++
		var elem reflect.Type
		if t = deref(t); t != nil && (t.Kind() == reflect.Slice || t.Kind() == reflect.Array) {
			elem = t.Elem()
		}
		if s.empty(']') {
			return nil
		}
		for {
			if err := s.value(elem, path); err != nil {
				return err
			}
			if s.next(']') {
				return nil
			}
		}
	case '"':
		s.str()
	default: // a number, true, false or null
		for s.pos < len(s.data) {
			switch s.data[s.pos] {
			case ',', '}', ']', ' ', '\t', '\n', '\r':
				return nil
			}
			s.pos++
		}
	}
	return nil
}

// str skips a string and returns its content between the quotes, and
// whether it holds escapes.
func (s *keyScanner) str() ([]byte, bool) {
	s.pos++ // the opening quote
	start, escaped := s.pos, false
	for {
		switch s.data[s.pos] {
		case '\\':
			escaped = true
			s.pos += 2
		case '"':
			s.pos++
			return s.data[start : s.pos-1], escaped
		default:
			s.pos++
		}
	}
}

func (s *keyScanner) object(t reflect.Type, path string) error {
	s.pos++
	var fields *structFields
	var elem reflect.Type
	switch t = deref(t); {
	case t == nil:
	case t.Kind() == reflect.Struct:
		fields = fieldsOf(t)
	case t.Kind() == reflect.Map:
		elem = t.Elem()
	}
	// The keys seen so far: a short list for the objects of a request body,
	// a set past a few dozen.
	var seen [16][]byte
	keys := seen[:0]
	var set map[string]bool
	if s.empty('}') {
		return nil
	}
	for {
		s.skipSpace()
		key, escaped := s.str()
		if escaped {
			var k string
			_ = json.Unmarshal(s.data[s.pos-len(key)-2:s.pos], &k)
			key = []byte(k)
		}
		switch {
		case set != nil:
			if set[string(key)] {
				return duplicateKey(join(path, key))
			}
			set[string(key)] = true
		default:
			for _, k := range keys {
				if bytes.Equal(k, key) {
					return duplicateKey(join(path, key))
				}
			}
			if keys = append(keys, key); len(keys) == cap(seen) {
				set = make(map[string]bool, 2*len(keys))
				for _, k := range keys {
					set[string(k)] = true
				}
			}
		}
		child := elem
		if fields != nil {
			ft, ok := fields.byName[string(key)]
			if !ok {
				return fields.caseVariant(string(key), join(path, key))
			}
			child = ft
		}
		s.skipSpace()
		s.pos++ // the colon
		// The path is only made for an error, or for a nested object.
		var sub string
		if c := s.peek(); c == '{' || c == '[' {
			sub = join(path, key)
		}
		if err := s.value(child, sub); err != nil {
			return err
		}
		if s.next('}') {
			return nil
		}
	}
}

// empty steps past close when it comes next: an empty object or array.
func (s *keyScanner) empty(close byte) bool {
	s.skipSpace()
	if s.data[s.pos] != close {
		return false
	}
	s.pos++
	return true
}

// next steps past the comma or the close that follows a member or an
// element, and reports whether it was the close.
func (s *keyScanner) next(close byte) bool {
	s.skipSpace()
	c := s.data[s.pos]
	s.pos++
	return c == close
}

// peek is the next byte past white space.
func (s *keyScanner) peek() byte {
	s.skipSpace()
	return s.data[s.pos]
}

// join names a key within the object at path, as the decoder's errors do.
func join(path string, key []byte) string {
	if path == "" {
		return string(key)
	}
	return path + "." + string(key)
}

func duplicateKey(name string) error {
	return conference.Invalid(name, "The field %s is given more than once; send it once.", name)
}

// deref strips pointers, and answers nil for a type that decodes itself (its
// keys are its own business, beyond being unique).
func deref(t reflect.Type) reflect.Type {
	for t != nil && t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t == nil || t.Implements(unmarshalerType) || reflect.PointerTo(t).Implements(unmarshalerType) {
		return nil
	}
	return t
}

// structFields are the JSON names of a struct's fields, as encoding/json
// sees them, with the type each decodes into.
type structFields struct {
	byName map[string]reflect.Type
}

// caseVariant explains a key that is not a field's exact name. The decoder
// refuses unknown fields, so such a key matched one ignoring case.
func (f *structFields) caseVariant(key, name string) error {
	for n := range f.byName {
		if strings.EqualFold(n, key) {
			return conference.Invalid(name, "There is no field %q: names match exactly (did you mean %q?).", name, n)
		}
	}
	return conference.Invalid(name, "There is no field %q.", name)
}

var fieldCache sync.Map // reflect.Type → *structFields

func fieldsOf(t reflect.Type) *structFields {
	if f, ok := fieldCache.Load(t); ok {
		return f.(*structFields)
	}
	f := &structFields{byName: map[string]reflect.Type{}}
	collectFields(t, f.byName, map[reflect.Type]bool{})
	fieldCache.Store(t, f)
	return f
}

// collectFields adds t's fields to byName: its own first, so that they hide
// those of the structs it embeds, as in encoding/json.
func collectFields(t reflect.Type, byName map[string]reflect.Type, visited map[reflect.Type]bool) {
	if visited[t] {
		return
	}
	visited[t] = true
	var embedded []reflect.Type
	for i := range t.NumField() {
		sf := t.Field(i)
		tag := sf.Tag.Get("json")
		if tag == "-" {
			continue
		}
		name, _, _ := strings.Cut(tag, ",")
		if sf.Anonymous && name == "" {
			et := sf.Type
			if et.Kind() == reflect.Pointer {
				et = et.Elem()
			}
			if et.Kind() == reflect.Struct {
				embedded = append(embedded, et)
				continue
			}
		}
		if !sf.IsExported() {
			continue
		}
		if name == "" {
			name = sf.Name
		}
		if _, ok := byName[name]; !ok {
			byName[name] = sf.Type
		}
	}
	for _, et := range embedded {
		collectFields(et, byName, visited)
	}
}
