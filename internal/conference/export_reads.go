package conference

import "slices"

// What internal/export needs of the register's CSV form, which the import
// here reads back: the columns, and how references are written.

// RegisterCSVColumns returns the columns of register.csv, in order.
func RegisterCSVColumns() []string { return slices.Clone(csvColumns) }

// ReferencesText writes references one per line as "url | catalogue |
// identifier".
func ReferencesText(refs []Reference) string { return referencesText(refs) }
