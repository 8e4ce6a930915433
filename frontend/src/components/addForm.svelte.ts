import { focusAfterUpdate } from './focus';

/**
 * A page's "Add" button and the form it opens in its place (a session on
 * the agenda, a user): whenever the form closes, whether saved or cancelled,
 * the focus goes back to the button, which shows again.
 */
export class AddForm {
  open = $state(false);
  button = $state<HTMLButtonElement | undefined>();

  /** Closes the form, if open, and focuses the button. */
  close(): Promise<void> {
    this.open = false;
    return this.focusButton();
  }

  /** Focuses the button, once it shows (it does not while the form is open). */
  focusButton(): Promise<void> {
    return focusAfterUpdate(() => this.button);
  }
}
