import { noErrors, toFormErrors, type FieldAliases, type FormErrors } from '../lib/forms';

/**
 * A form's sending: one at a time, its failure sorted into the form's errors
 * (a message next to each field the server names, the rest for the whole
 * form), for FormErrors and the form's fields to show. The form's submit
 * button is marked aria-disabled while busy rather than disabled, which would
 * drop the focus; a press while sending does nothing.
 */
export class Sending {
  busy = $state(false);
  errors = $state<FormErrors>(noErrors());

  /**
   * @param fields the fields the form shows errors on, as the API names them
   * @param aliases a field the API names → the form's field that shows it
   */
  constructor(
    private readonly fields: readonly string[] = [],
    private readonly aliases: FieldAliases = {},
  ) {}

  /** The error for the whole form; empty when there is none. */
  get error(): string {
    return this.errors.form;
  }

  /**
   * The form's submit handler: it runs check, which returns the form's own
   * field errors (none when the input may go), and then send, unless a send
   * is under way.
   */
  submit(send: () => Promise<void>, check?: () => Record<string, string>): (ev: SubmitEvent) => Promise<void> {
    return async (ev) => {
      ev.preventDefault();
      if (this.busy) return;
      const fields = check?.() ?? {};
      this.errors = { form: '', fields };
      if (Object.keys(fields).length) return;
      this.busy = true;
      try {
        await send();
      } catch (err) {
        this.errors = toFormErrors(err, this.fields, this.aliases);
      } finally {
        this.busy = false;
      }
    };
  }
}
