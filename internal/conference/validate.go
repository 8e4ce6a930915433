package conference

// Checks shared by the Validate methods of the vocabulary types; the text
// checks are in text.go.

import (
	"errors"
	"slices"
	"strings"
	"time"
)

// ValidateDate checks that s is a calendar date, YYYY-MM-DD.
func ValidateDate(field, s string) *Error {
	if s == "" {
		return Invalid(field, "Give %s as YYYY-MM-DD.", fieldWords(field))
	}
	if _, err := time.Parse(DateLayout, s); err != nil {
		return Invalid(field, "%s %q is not a date: write it as YYYY-MM-DD.", sentence(fieldWords(field)), s)
	}
	return nil
}

// hasDuplicate reports whether a value occurs twice in xs.
func hasDuplicate[T comparable](xs []T) bool {
	seen := make(map[T]bool, len(xs))
	for _, x := range xs {
		if seen[x] {
			return true
		}
		seen[x] = true
	}
	return false
}

// oneOf refuses a value outside its closed list (what is the value's name in
// the message, field its JSON name), and names the list, so that every enum
// field is refused in the same words.
func oneOf[T ~string](field, what string, v T, all []T) *Error {
	if slices.Contains(all, v) {
		return nil
	}
	names := make([]string, len(all))
	for i, x := range all {
		names[i] = string(x)
	}
	return Invalid(field, "There is no %s %q: choose one of %s.", what, v, strings.Join(names, ", "))
}

// fieldChecks gathers what a Validate finds wrong, so that a 400 names every
// invalid field at once (DESIGN.md, "Bad input"). Only the first problem of
// each field counts: a later one usually follows from it (an owner that is
// missing is not also a bad code).
type fieldChecks struct{ found []*Error }

// check records the problems given; a nil one is a check that passed.
func (v *fieldChecks) check(problems ...*Error) {
	for _, p := range problems {
		if p != nil {
			v.found = append(v.found, p)
		}
	}
}

// add records what a Validate returned, every field it named, so that a
// rule checked after it joins the same 400.
func (v *fieldChecks) add(err error) {
	var e *Error
	if !errors.As(err, &e) || e.Code != EINVALID {
		// Not a field problem: it stands alone.
		v.found = append(v.found, &Error{Code: ErrorCode(err), Message: ErrorMessage(err)})
		return
	}
	if len(e.Fields) == 0 {
		v.found = append(v.found, e)
		return
	}
	for _, f := range e.Fields {
		v.found = append(v.found, &Error{Code: EINVALID, Field: f.Field, Message: f.Message})
	}
}

// err is nil when every check passed, else one *Error: the first problem,
// with Fields naming every field at fault when there are several.
func (v *fieldChecks) err() error {
	ps := uniqueFields(v.found)
	if len(ps) == 0 {
		return nil
	}
	first := *ps[0]
	if len(ps) > 1 {
		for _, p := range ps {
			first.Fields = append(first.Fields, FieldError{Field: p.Field, Message: p.Message})
		}
	}
	return &first
}
