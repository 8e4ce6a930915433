package conference

import (
	"time"
)

func hasDuplicates(xs []string) bool {
	seen := make(map[string]bool, len(xs))
	for _, x := range xs {
		if seen[x] {
			return true
		}
		seen[x] = true
	}
	return false
}

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
