import { messageOf } from '../lib/forms';

/**
 * A small form's sending: one at a time, its failure in words for the form to
 * show. The form's submit button is marked aria-disabled while busy rather
 * than disabled, which would drop the focus; a press while sending does
 * nothing.
 */
export class Sending {
  busy = $state(false);
  error = $state('');

  /** The form's submit handler, which runs send unless a send is under way. */
  submit(send: () => Promise<void>): (ev: SubmitEvent) => Promise<void> {
    return async (ev) => {
      ev.preventDefault();
      if (this.busy) return;
      this.error = '';
      this.busy = true;
      try {
        await send();
      } catch (err) {
        this.error = messageOf(err);
      } finally {
        this.busy = false;
      }
    };
  }
}
