package export

import "strings"

// The PDF core fonts read text as Windows-1252 (WinAnsiEncoding). Go text is
// UTF-8; toWinAnsi re-encodes it byte by byte. Latin-1 (U+00A0–U+00FF) keeps
// its code; 0x80–0x9F hold the typographic characters below; anything else
// is folded to its base letter when it is a Latin letter with a diacritic
// that Windows-1252 lacks (Māori macrons, Polish, Czech, Romanian, Turkish
// letters), and is "?" otherwise, so that a missing character shows.

var winAnsiHigh = map[rune]byte{
	'€': 0x80, '‚': 0x82, 'ƒ': 0x83, '„': 0x84, '…': 0x85, '†': 0x86, '‡': 0x87, 'ˆ': 0x88,
	'‰': 0x89, 'Š': 0x8A, '‹': 0x8B, 'Œ': 0x8C, 'Ž': 0x8E, '‘': 0x91, '’': 0x92, '“': 0x93,
	'”': 0x94, '•': 0x95, '–': 0x96, '—': 0x97, '˜': 0x98, '™': 0x99, 'š': 0x9A, '›': 0x9B,
	'œ': 0x9C, 'ž': 0x9E, 'Ÿ': 0x9F,
}

// winAnsiFold maps letters of Latin Extended-A to their base letters, and a
// few punctuation marks to their nearest.
var winAnsiFold = func() map[rune]string {
	m := map[rune]string{'‐': "-", '‑': "-", '‒': "–", '−': "-", '′': "'", '″': "\"", '\u2009': " ", '\u202F': " ", '\u2002': " ", '\u2003': " "}
	// Each string lists the letters of U+0100… in order, paired upper and
	// lower case, with the base letter they fold to.
	const ext = "AaAaAaCcCcCcCcDdDdEeEeEeEeEeGgGgGgGgHhHhIiIiIiIiIi" + // U+0100–U+0131
		"??JjKkkLlLlLlLlLlNnNnNn?NnOoOoOo??RrRrRrSsSsSsSsTtTtTtUuUuUuUuUuUuWwYyYZzZzZzs" // U+0132–U+017F
	for i, b := range ext {
		r := rune(0x100 + i)
		if _, inAnsi := winAnsiHigh[r]; b != '?' && !inAnsi {
			m[r] = string(b)
		}
	}
	for r, s := range map[rune]string{'Ș': "S", 'ș': "s", 'Ț': "T", 'ț': "t"} {
		m[r] = s
	}
	return m
}()

func toWinAnsi(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		switch {
		case r < 0x80:
			b.WriteByte(byte(r))
		case r >= 0xA0 && r <= 0xFF:
			b.WriteByte(byte(r))
		default:
			if c, ok := winAnsiHigh[r]; ok {
				b.WriteByte(c)
			} else if f, ok := winAnsiFold[r]; ok {
				b.WriteString(toWinAnsi(f))
			} else {
				b.WriteByte('?')
			}
		}
	}
	return b.String()
}
