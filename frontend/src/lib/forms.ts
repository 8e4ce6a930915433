// How forms show errors: a message next to the field the server named, or a
// message for the whole form when it named none (or one the form lacks).
import { ApiError } from './api';

export interface FormErrors {
  /** For the whole form; empty when every problem belongs to a field. */
  form: string;
  /** Field name (as the API spells it) → message. */
  fields: Record<string, string>;
}

export const noErrors = (): FormErrors => ({ form: '', fields: {} });

/** A message fit to show a person for any error. */
export function messageOf(err: unknown): string {
  if (err instanceof ApiError) {
    if (err.isRateLimited) {
      // The server's message says what happened; make sure it also says how long to wait.
      if (/\bwait\b/i.test(err.message)) return err.message;
      const wait = err.retryAfter ? `${err.retryAfter} second${err.retryAfter === 1 ? '' : 's'}` : 'a minute';
      const base = err.message.trim();
      return `${base}${/[.!?]$/.test(base) ? '' : '.'} Please wait ${wait} before trying again.`;
    }
    return err.message;
  }
  if (err instanceof Error && err.message) return err.message;
  return 'Something went wrong. Please try again.';
}

/** The field errors of a problem answer: its `fields` list, else its one `field`. */
function fieldsOf(err: ApiError): { field: string; message: string }[] {
  const listed = (err.body as { fields?: unknown } | undefined)?.fields;
  if (Array.isArray(listed)) {
    const ok = listed.filter(
      (f): f is { field: string; message: string } =>
        typeof f?.field === 'string' && f.field !== '' && typeof f?.message === 'string',
    );
    if (ok.length) return ok;
  }
  return err.field ? [{ field: err.field, message: err.message }] : [];
}

/** A field the server names → the field the form shows it on; a table, or a rule. */
export type FieldAliases = Record<string, string> | ((field: string) => string);

/**
 * Sorts an error into FormErrors: each field the server names goes next to
 * that field, the rest to the whole form. `aliases` maps a field the server
 * names to the field the form shows it on (say "start" → "day" when start is
 * entered as a day and a time).
 */
export function toFormErrors(err: unknown, known: readonly string[], aliases: FieldAliases = {}): FormErrors {
  const alias = typeof aliases === 'function' ? aliases : (f: string) => aliases[f] ?? f;
  const message = messageOf(err);
  if (!(err instanceof ApiError)) return { form: message, fields: {} };
  const errors = noErrors();
  const elsewhere: string[] = [];
  for (const f of fieldsOf(err)) {
    const field = alias(f.field);
    const text = f.message || message;
    if (known.includes(field) && !errors.fields[field]) errors.fields[field] = text;
    else elsewhere.push(text);
  }
  if (!Object.keys(errors.fields).length) return { form: message, fields: {} };
  errors.form = elsewhere.join(' ');
  return errors;
}

/** The text to announce in a form's live region. */
export function announcement(errors: FormErrors): string {
  const fieldMessages = Object.values(errors.fields);
  if (errors.form) return errors.form;
  if (fieldMessages.length) return `Please correct: ${fieldMessages.join(' ')}`;
  return '';
}
