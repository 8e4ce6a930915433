import { inflateSync } from 'node:zlib';

// The text of a PDF as the browser tests check it: the strings its content
// streams show (Tj and TJ), each stream inflated when it is compressed. Good
// for the PDFs Quintet makes (go-pdf/fpdf, core fonts, WinAnsi), which is all
// it is for; not a general PDF reader.

const STREAM = /stream\r?\n/g;

function streams(pdf: Buffer): Buffer[] {
  const out: Buffer[] = [];
  const text = pdf.toString('latin1');
  STREAM.lastIndex = 0;
  for (let m = STREAM.exec(text); m; m = STREAM.exec(text)) {
    const start = m.index + m[0].length;
    const end = text.indexOf('endstream', start);
    if (end < 0) break;
    const raw = pdf.subarray(start, end);
    try {
      out.push(inflateSync(raw));
    } catch {
      out.push(raw); // not compressed
    }
    STREAM.lastIndex = end + 'endstream'.length; // past "endstream", which ends in "stream" too
  }
  return out;
}

/** Reads a PDF string literal's body, undoing its escapes. */
function unescape(s: string): string {
  return s.replace(/\\([nrtbf()\\]|[0-7]{1,3})/g, (_, e: string) => {
    const named: Record<string, string> = { n: '\n', r: '\r', t: '\t', b: '\b', f: '\f', '(': '(', ')': ')', '\\': '\\' };
    return named[e] ?? String.fromCharCode(parseInt(e, 8));
  });
}

/** The text a PDF shows, stream by stream, a line per text operator. */
export function pdfText(pdf: Buffer): string {
  const lines: string[] = [];
  for (const s of streams(pdf)) {
    const content = s.toString('latin1');
    // (…) Tj, and the strings of [(…) 12 (…)] TJ.
    for (const m of content.matchAll(/\((?:\\.|[^\\)])*\)\s*Tj|\[((?:\((?:\\.|[^\\)])*\)|[^\]])*)\]\s*TJ/g)) {
      const parts = [...m[0].matchAll(/\(((?:\\.|[^\\)])*)\)/g)].map((p) => unescape(p[1]!));
      lines.push(parts.join(''));
    }
  }
  return lines.join('\n');
}
