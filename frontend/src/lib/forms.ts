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

/**
 * Sorts an error into FormErrors. `aliases` maps a field the server names to
 * the field the form shows it on (say "start" → "day" when start is entered
 * as a day and a time).
 */
export function toFormErrors(err: unknown, known: readonly string[], aliases: Record<string, string> = {}): FormErrors {
  const message = messageOf(err);
  if (err instanceof ApiError && err.field) {
    const field = aliases[err.field] ?? err.field;
    if (known.includes(field)) return { form: '', fields: { [field]: message } };
  }
  return { form: message, fields: {} };
}

/** The text to announce in a form's live region. */
export function announcement(errors: FormErrors): string {
  const fieldMessages = Object.values(errors.fields);
  if (errors.form) return errors.form;
  if (fieldMessages.length) return `Please correct: ${fieldMessages.join(' ')}`;
  return '';
}
