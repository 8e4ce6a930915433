package httpapi

import (
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/quintet-ag/quintet/internal/conference"
)

// Reading query parameters, the same way for every list.

// knownParams refuses a query parameter outside known, by name.
func knownParams(vals url.Values, known ...string) error {
	for k := range vals {
		if !slices.Contains(known, k) {
			return conference.Invalid(k, "There is no query parameter %q (known: %s).", k, strings.Join(known, ", "))
		}
	}
	return nil
}

// listParam returns the values of a query parameter, given repeated
// (?audience=a&audience=b) or comma-separated (?audience=a,b).
func listParam(c *gin.Context, name string) []string {
	return splitValues(c.QueryArray(name))
}

// splitValues splits each value at its commas and drops the empty parts.
func splitValues(vals []string) []string {
	var out []string
	for _, v := range vals {
		for part := range strings.SplitSeq(v, ",") {
			if part = strings.TrimSpace(part); part != "" {
				out = append(out, part)
			}
		}
	}
	return out
}

// intParam reads a whole-number query parameter; absent is 0.
func intParam(c *gin.Context, name string) (int, error) {
	s := strings.TrimSpace(c.Query(name))
	if s == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil {
		return 0, conference.Invalid(name, "The %s parameter must be a whole number, not %q.", name, s)
	}
	return n, nil
}

func boolParam(c *gin.Context, name string) (bool, error) {
	s := strings.TrimSpace(c.Query(name))
	if s == "" {
		return false, nil
	}
	b, err := strconv.ParseBool(s)
	if err != nil {
		return false, conference.Invalid(name, "The %s parameter must be true or false, not %q.", name, s)
	}
	return b, nil
}

// typed lowers each value into the vocabulary type T.
func typed[T ~string](xs []string) []T {
	out := make([]T, len(xs))
	for i, x := range xs {
		out[i] = T(strings.ToLower(x))
	}
	return out
}
