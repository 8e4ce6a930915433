package conference

// Checks shared by the Validate methods of the vocabulary types; the text
// checks are in text.go.

import (
	"slices"
	"strings"
	"time"
)

// ValidateDate checks that s is a calendar date, YYYY-MM-DD.
func ValidateDate(field, s string) error {
	if s == "" {
		return Invalid(field, "%s is required (YYYY-MM-DD)", field)
	}
	if _, err := time.Parse(DateLayout, s); err != nil {
		return Invalid(field, "%s %q is not a date (YYYY-MM-DD)", field, s)
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
	return Invalid(field, "unknown %s %q (one of %s)", what, v, strings.Join(names, ", "))
}
