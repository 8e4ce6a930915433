package conference

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// The rules for text and ids that every Validate applies.
//
// Ids. Every id a client chooses or names — a meeting's id, topic, session,
// user and register entry ids in a body or a path, a note's client_id — is
// 1 to 100 characters of ASCII letters, digits, hyphen and underscore, and
// begins with a letter or a digit:
//
//	^[A-Za-z0-9][A-Za-z0-9_-]{0,99}$
//
// Every id the service has made fits: NewID's 24 hex digits, the seed's
// london-2014-d1-opening, delegation codes (GB), UUIDs from the web app's
// outbox. Nothing else is needed, and it keeps ids inert wherever they end
// up: no "$" or "." that a MongoDB query or path would read as an operator
// or a subdocument, no "<" or quote for a page, no ":" (link ids join ids
// with it), no leading "-", "+", "=" or "@" that a spreadsheet would run as a
// formula, no spaces or invisible characters that make two ids look alike.
//
// Text. Short text (names, titles, rooms, agencies, e-mail addresses) is one
// line; long text (descriptions, notes, outcomes, summaries, reasons,
// reports) may hold line breaks and tabs. Both refuse:
//   - bytes that are not UTF-8;
//   - control characters U+0000–U+001F, U+007F and U+0080–U+009F, except
//     that long text keeps tab and newline, and carriage return only as the
//     CR of a CRLF pair (a lone CR rewrites a terminal line when the text is
//     printed or logged);
//   - the bidirectional embedding, override and isolate controls U+202A–U+202E
//     and U+2066–U+2069, which make text display in an order other than the
//     one it is stored and read in ("Trojan Source");
//   - the line and paragraph separators U+2028 and U+2029 (newline is the one
//     line break) and U+FEFF, a byte order mark that only ever comes from
//     pasting the start of a file.
//
// The marks LRM, RLM and ALM (U+200E, U+200F, U+061C) and the zero-width
// joiners stay allowed: they affect only the character beside them, cannot
// reorder the text around them, and names in Arabic or Hebrew script need
// them.

// MaxIDLength bounds every id, in bytes (ids are ASCII).
const MaxIDLength = 100

var idPattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_-]{0,99}$`)

// ValidID refuses s unless it follows the one id pattern. The message does
// not repeat s: an id that fails may be a megabyte long or hold markup.
func ValidID(field, s string) *Error {
	if s == "" {
		return Invalid(field, "Give %s.", fieldWords(field))
	}
	if len(s) > MaxIDLength {
		return Invalid(field, "%s is longer than %d characters.", sentence(fieldWords(field)), MaxIDLength)
	}
	if !idPattern.MatchString(s) {
		return Invalid(field, "%s is not a valid id: use 1 to %d letters, digits, hyphens and underscores, beginning with a letter or digit.", sentence(fieldWords(field)), MaxIDLength)
	}
	return nil
}

// validIDs applies ValidID to each of xs, naming field.
func validIDs(field string, xs []string) *Error {
	for _, x := range xs {
		if err := ValidID(field, x); err != nil {
			return err
		}
	}
	return nil
}

// ValidLinkID refuses s unless it is a link id, kind:from_id:entry_id (see
// LinkID), whose kind is known and whose two ids follow the id pattern.
func ValidLinkID(field, s string) *Error {
	kind, rest, ok := strings.Cut(s, ":")
	from, entry, ok2 := strings.Cut(rest, ":")
	if !ok || !ok2 || !LinkKind(kind).Valid() || ValidID(field, from) != nil || ValidID(field, entry) != nil {
		return Invalid(field, "%s is not a link id: a link id is kind:from_id:entry_id.", sentence(fieldWords(field)))
	}
	return nil
}

// ValidShortText refuses s when it breaks the rules for one-line text.
func ValidShortText(field, s string) *Error { return checkText(field, s, false) }

// ValidLongText refuses s when it breaks the rules for text of several lines.
func ValidLongText(field, s string) *Error { return checkText(field, s, true) }

func checkText(field, s string, long bool) *Error {
	if !utf8.ValidString(s) {
		return Invalid(field, "%s is not valid UTF-8 text.", sentence(fieldWords(field)))
	}
	pos := 0 // in characters, from 1, so that a person can find it
	for i, r := range s {
		pos++
		if long && (r == '\n' || r == '\t' || r == '\r' && strings.HasPrefix(s[i+1:], "\n")) {
			continue
		}
		if what := forbidden(r); what != "" {
			if !long && (r == '\n' || r == '\r' || r == '\u2028' || r == '\u2029') {
				return Invalid(field, "%s must be one line: it holds a line break (%s) at character %d.", sentence(fieldWords(field)), codePoint(r), pos)
			}
			return Invalid(field, "%s holds %s (%s) at character %d; remove it.", sentence(fieldWords(field)), what, codePoint(r), pos)
		}
	}
	return nil
}

// forbidden says what r is when no text may hold it, or "".
func forbidden(r rune) string {
	switch {
	case r < 0x20 || r == 0x7f || r >= 0x80 && r <= 0x9f:
		if r == '\r' {
			return "a carriage return not followed by a newline"
		}
		return "a control character"
	case r >= 0x202a && r <= 0x202e, r >= 0x2066 && r <= 0x2069:
		return "a bidirectional control character"
	case r == 0x2028 || r == 0x2029:
		return "a line or paragraph separator (use a newline)"
	case r == 0xfeff:
		return "a byte order mark"
	}
	return ""
}

func codePoint(r rune) string { return fmt.Sprintf("U+%04X", r) }

// requireLine checks a required one-line field: not blank, at most max
// characters, and free of what one line of text may not hold.
func requireLine(field, s string, max int) *Error {
	if strings.TrimSpace(s) == "" {
		return Invalid(field, "Give %s.", fieldWords(field))
	}
	return checkLine(field, s, max)
}

// requireLines is requireLine for a field of several lines.
func requireLines(field, s string, max int) *Error {
	if strings.TrimSpace(s) == "" {
		return Invalid(field, "Give %s.", fieldWords(field))
	}
	return checkLines(field, s, max)
}

// checkLine checks an optional one-line field: at most max characters, and
// free of what one line of text may not hold.
func checkLine(field, s string, max int) *Error {
	if utf8.RuneCountInString(s) > max {
		return Invalid(field, "%s is longer than %d characters.", sentence(fieldWords(field)), max)
	}
	return ValidShortText(field, s)
}

// checkLines is checkLine for a field of several lines.
func checkLines(field, s string, max int) *Error {
	if utf8.RuneCountInString(s) > max {
		return Invalid(field, "%s is longer than %d characters.", sentence(fieldWords(field)), max)
	}
	return ValidLongText(field, s)
}

// fieldWords names a field as a sentence does ("start_date" is "the start
// date"), so that the messages the helpers build read as plain words next to
// the form's field. A name not in the table reads with spaces for
// underscores; a reference's field (references[2].url) is named by its place
// in the list, counted from 1.
func fieldWords(field string) string {
	if words, ok := fieldNames[field]; ok {
		return words
	}
	if rest, ok := strings.CutPrefix(field, "references["); ok {
		if i, name, ok := strings.Cut(rest, "]."); ok {
			if n, err := strconv.Atoi(i); err == nil {
				return fmt.Sprintf("the %s of reference %d", referenceParts[name], n+1)
			}
		}
	}
	return "the " + strings.ReplaceAll(field, "_", " ")
}

// fieldNames holds the fields whose words are not just the name.
var fieldNames = map[string]string{
	"agencies":        "an agency's name",
	"brief_published": "the date the brief was published",
	"chair":           "the chair",
	"client_id":       "the note's client id",
	"code":            "the delegation code",
	"date":            "the date",
	"delegations":     "a delegation's code",
	"due":             "the due date",
	"due_before":      "the due_before parameter",
	"email":           "the e-mail address",
	"end_date":        "the end date",
	"entry_id":        "the register entry",
	"from_id":         "the item to link from",
	"host":            "the host delegation",
	"id":              "the id",
	"lead_agency":     "the lead agency",
	"meeting_id":      "the meeting",
	"name":            "the name",
	"outcome_id":      "the outcome",
	"rapporteurs":     "a rapporteur's id",
	"session_id":      "the session",
	"since":           "the since parameter",
	"start_date":      "the start date",
	"text":            "the text",
	"title":           "the title",
	"topics":          "a topic's id",
}

// referenceParts names the fields of a register entry's reference.
var referenceParts = map[string]string{
	"url":        "web address",
	"catalogue":  "catalogue",
	"identifier": "identifier",
}

// sentence starts words with a capital letter, to begin a sentence.
func sentence(words string) string {
	r, size := utf8.DecodeRuneInString(words)
	return string(unicode.ToUpper(r)) + words[size:]
}
