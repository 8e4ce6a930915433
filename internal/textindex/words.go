package textindex

import (
	"unicode"
	"unicode/utf8"
)

// Folding makes matching blind to case and diacritics: "Māori", "MAORI" and
// "maori" are one word to search, as are "Évidence" and "evidence". The
// standard library has no Unicode decomposition, so Latin letters with
// diacritics are folded by a table (fold_table.go); combining marks (as in
// text typed on some phones, already decomposed) are dropped; everything
// else is lower-cased.

// maxTermBytes bounds an indexed word: longer ones (URLs, hashes) are cut,
// and still match by prefix.
const maxTermBytes = 40

// Fold returns s folded as the index compares words: lower case, without
// diacritics.
func Fold(s string) string {
	var b []byte
	for _, r := range s {
		b = foldRune(b, r)
	}
	return string(b)
}

// Words calls f with each word of s, folded and cut as the index keeps it,
// and where it is in s. The folded word is only valid during the call: the
// buffer is reused.
func Words(s string, f func(start, end int, folded []byte)) {
	var buf [2 * maxTermBytes]byte
	w := buf[:0]
	start := -1
	for i, r := range s {
		if isWordRune(r) {
			if start < 0 {
				start = i
			}
			if len(w) < maxTermBytes+utf8.UTFMax { // longer words are cut below
				w = foldRune(w, r)
			}
			continue
		}
		if start >= 0 {
			f(start, i, truncateWord(w))
			w, start = w[:0], -1
		}
	}
	if start >= 0 {
		f(start, len(s), truncateWord(w))
	}
}

// scanWords calls f with each folded word of s.
func scanWords(s string, f func(folded []byte)) {
	Words(s, func(_, _ int, w []byte) { f(w) })
}

// truncateWord cuts a folded word to maxTermBytes on a rune boundary.
func truncateWord(w []byte) []byte {
	if len(w) <= maxTermBytes {
		return w
	}
	w = w[:maxTermBytes]
	for len(w) > 0 && !utf8.Valid(w) {
		w = w[:len(w)-1]
	}
	return w
}

// foldRune appends the folded form of r to dst.
func foldRune(dst []byte, r rune) []byte {
	switch {
	case r < utf8.RuneSelf:
		if 'A' <= r && r <= 'Z' {
			r += 'a' - 'A'
		}
		return append(dst, byte(r))
	case unicode.Is(unicode.Mn, r):
		return dst // a combining mark: the letter before it already stands
	}
	if f, ok := foldTable[r]; ok {
		return append(dst, f...)
	}
	return utf8.AppendRune(dst, unicode.ToLower(r))
}

// isWordRune reports whether r belongs to a word. Combining marks do, so
// that a decomposed "é" does not split its word.
func isWordRune(r rune) bool {
	if r < utf8.RuneSelf {
		return 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9'
	}
	return unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r)
}

// Window picks the stretch s[from:to] to show of a long text: about size
// bytes from a little before the first word that matches, cut at word
// boundaries. A text of size bytes or fewer is shown whole.
func Window(s string, terms []Term, size int) (from, to int) {
	if len(s) <= size {
		return 0, len(s)
	}
	// Word starts within the context before the first match, and that match.
	before := size / 4
	var starts []int
	first := -1
	Words(s, func(start, _ int, w []byte) {
		if first >= 0 {
			return
		}
		for len(starts) > 0 && start-starts[0] > before {
			starts = starts[1:]
		}
		starts = append(starts, start)
		if MatchesAny(terms, w) {
			first = start
		}
	})
	if first > before && len(starts) > 0 {
		from = starts[0]
	}
	to = from
	Words(s[from:], func(_, end int, _ []byte) {
		if end <= size {
			to = from + end
		}
	})
	if to == from {
		to = min(len(s), from+size)
		for to < len(s) && !utf8.RuneStart(s[to]) {
			to++
		}
	}
	return from, to
}
