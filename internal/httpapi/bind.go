package httpapi

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"net/http"
	"reflect"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/gin-gonic/gin"

	"github.com/quintet-ag/quintet/internal/conference"
)

// MaxBodyBytes bounds every request body.
const MaxBodyBytes = 1 << 20

// bind decodes the JSON body into dst strictly: unknown fields, wrong types,
// trailing data and oversize bodies are refused with a message naming the
// problem. On failure it has answered and returns false.
func (a *api) bind(c *gin.Context, dst any) bool {
	if err := decodeJSON(c.Request.Body, dst); err != nil {
		a.writeError(c, err)
		return false
	}
	return true
}

func decodeJSON(body io.Reader, dst any) error {
	if body == nil || body == http.NoBody {
		return conference.Errorf(conference.EINVALID, "A JSON request body is required.")
	}
	raw, err := io.ReadAll(body)
	if err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			return &conference.Error{Code: ETOOLARGE, Message: fmt.Sprintf("The request body is larger than %d bytes.", tooLarge.Limit)}
		}
		return conference.Errorf(conference.EINVALID, "Could not read the request body.")
	}
	if len(bytes.TrimSpace(raw)) == 0 {
		return conference.Errorf(conference.EINVALID, "A JSON request body is required.")
	}
	// encoding/json would replace bytes that are not UTF-8 with U+FFFD, so
	// that text is stored other than it was sent; refuse it instead.
	if !utf8.Valid(raw) {
		return conference.Errorf(conference.EINVALID, "The request body is not UTF-8: send JSON text in UTF-8.")
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(dst); err != nil {
		err = decodeError(err)
		var e *conference.Error
		if errors.As(err, &e) && e.Field == "" && e.Code == conference.EINVALID {
			// Values with their own decoder (times) fail without naming
			// their field: find it by decoding one member at a time.
			if e.Field = failingField(raw, dst); e.Field != "" {
				e.Message = e.Field + ": " + e.Message
			}
		}
		return err
	}
	if dec.More() {
		return conference.Errorf(conference.EINVALID, "The request body holds more than one JSON value.")
	}
	return checkKeys(raw[:dec.InputOffset()], reflect.TypeOf(dst))
}

// failingField returns the name of the first member of the JSON object raw
// that does not decode into a fresh value of dst's type, or "".
func failingField(raw []byte, dst any) string {
	var members map[string]json.RawMessage
	if json.Unmarshal(raw, &members) != nil {
		return ""
	}
	t := reflect.TypeOf(dst)
	if t.Kind() != reflect.Pointer {
		return ""
	}
	for _, name := range slices.Sorted(maps.Keys(members)) {
		one, _ := json.Marshal(map[string]json.RawMessage{name: members[name]})
		if json.Unmarshal(one, reflect.New(t.Elem()).Interface()) != nil {
			return name
		}
	}
	return ""
}

func decodeError(err error) error {
	var syntax *json.SyntaxError
	var typ *json.UnmarshalTypeError
	var parse *time.ParseError
	switch {
	case errors.As(err, &syntax):
		return conference.Errorf(conference.EINVALID, "Malformed JSON at byte %d: %s.", syntax.Offset, syntax.Error())
	case errors.Is(err, io.ErrUnexpectedEOF):
		return conference.Errorf(conference.EINVALID, "Malformed JSON: the body ends too early.")
	case errors.As(err, &typ):
		field := typ.Field
		if field == "" {
			return conference.Errorf(conference.EINVALID, "The request body must be a JSON %s.", jsonKind(typ.Type))
		}
		return conference.Invalid(field, "The field %s must be %s, not %s.", field, jsonKind(typ.Type), typ.Value)
	case errors.As(err, &parse):
		return conference.Invalid("", "The time %q is not in RFC 3339 format (such as 2014-07-09T09:30:00+01:00).", parse.Value)
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		field := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
		return conference.Invalid(field, "There is no field %q.", field)
	default:
		return conference.Errorf(conference.EINVALID, "Malformed JSON: %s.", err.Error())
	}
}

// jsonKind names a Go type the way a JSON writer thinks of it.
func jsonKind(t reflect.Type) string {
	if t == reflect.TypeFor[time.Time]() {
		return "a time in RFC 3339 format"
	}
	switch t.Kind() {
	case reflect.Pointer:
		return jsonKind(t.Elem())
	case reflect.Bool:
		return "true or false"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64,
		reflect.Float32, reflect.Float64:
		return "a number"
	case reflect.Slice, reflect.Array:
		return "an array"
	case reflect.Map, reflect.Struct:
		return "an object"
	default:
		return "a string"
	}
}

// limitBody caps every body; reading past the cap fails with MaxBytesError.
func limitBody(c *gin.Context) {
	// Reads take no body, so they need no wrapper (nor its allocation).
	if c.Request.Body != nil && !safeMethod(c.Request.Method) {
		c.Request.Body = http.MaxBytesReader(c.Writer, c.Request.Body, MaxBodyBytes)
	}
	c.Next()
}
