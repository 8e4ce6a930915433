// The import of accounts from a CSV file: what the form counts before it
// sends, and the rows the server refused. The server is the judge of every
// row (internal/conference/user_import.go); this only previews.
import { ApiError } from './api';

/** The header the server expects, in the order a new file should have it. */
export const IMPORT_HEADER = 'name,email,roles,delegation';

/**
 * How many accounts a file holds: its records after the header, without
 * blank ones (a spreadsheet leaves them at the end). A quoted cell may hold
 * commas, doubled quotes and line breaks, as in RFC 4180.
 */
export function countRows(text: string): number {
  let records = 0;
  let quoted = false;
  let blank = true; // the record so far holds nothing but separators and spaces
  let header = true;
  const end = () => {
    if (header) header = false;
    else if (!blank) records++;
    blank = true;
  };
  const body = text.startsWith('\uFEFF') ? text.slice(1) : text;
  if (!body.trim()) return 0;
  for (let i = 0; i < body.length; i++) {
    const c = body[i];
    if (quoted) {
      if (c === '"' && body[i + 1] === '"') i++;
      else if (c === '"') quoted = false;
      blank = false;
    } else if (c === '"') {
      quoted = true;
      blank = false;
    } else if (c === '\n') {
      end();
    } else if (c !== '\r' && c !== ',' && c !== ' ' && c !== '\t') {
      blank = false;
    }
  }
  if (!header || !blank) end();
  return records;
}

/** One thing the server found wrong: the field it names and what it says. */
export interface RowProblem {
  field: string;
  message: string;
}

/** Every problem of a refused import, as the server listed them; none for other errors. */
export function rowProblems(err: unknown): RowProblem[] {
  if (!(err instanceof ApiError) || err.status !== 400) return [];
  const listed = (err.body as { fields?: unknown } | undefined)?.fields;
  if (Array.isArray(listed)) {
    return listed.filter(
      (f): f is RowProblem => typeof f?.field === 'string' && typeof f?.message === 'string' && f.message !== '',
    );
  }
  return err.field ? [{ field: err.field, message: err.message }] : [];
}
