import { tick } from 'svelte';

// Moving the focus after a change of state must wait for the DOM to follow:
// the element to focus may only now appear (a confirmation's button) or
// come back (the button that opened a closed form). Hence a getter, read
// after the update, not the element as it was before it.

/** Focuses what target returns once the DOM shows the state just changed. */
export async function focusAfterUpdate(target: () => HTMLElement | null | undefined): Promise<void> {
  await tick();
  target()?.focus();
}

/** Focuses the first invalid control of a form once its errors are shown. */
export function focusFirstInvalid(form: () => HTMLElement | null | undefined): Promise<void> {
  return focusAfterUpdate(() => form()?.querySelector<HTMLElement>('[aria-invalid="true"]'));
}
