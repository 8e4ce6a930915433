// The app shell's rule for the focus after a change of page: once the page
// has loaded, its heading has the focus (or the field it marks with
// data-autofocus, such as sign-in's email), as a full page load would put a
// screen reader at the start of the new page.
//
// "Loaded" is: nothing under the page's root is marked data-loading (the
// Loading component) and there is a heading to focus. A page may replace its
// heading as it renders (a loading heading, then the real one); the focus
// follows the new one for as long as the person has not moved it themselves.

/** How long a page may take to load before its focus is left as it is. */
export const SETTLE_MS = 10_000;

/** What to focus in root once it has loaded, or null while it loads. */
export function pageTarget(root: ParentNode): HTMLElement | null {
  if (root.querySelector('[data-loading]')) return null;
  return root.querySelector<HTMLElement>('[data-autofocus]') ?? root.querySelector<HTMLElement>('h1');
}

/**
 * Moves the focus to root's page target once it has loaded, and again each
 * time the page replaces it, until the person moves the focus elsewhere or
 * SETTLE_MS pass. onFocused is called the first time, to announce the page.
 * Returns a function that stops watching (call it on the next change of page).
 */
export function focusPageWhenLoaded(root: HTMLElement, onFocused: (target: HTMLElement) => void): () => void {
  let focused: HTMLElement | null = null;
  const observer = new MutationObserver(() => place());
  const timer = setTimeout(stop, SETTLE_MS);

  function stop() {
    observer.disconnect();
    clearTimeout(timer);
  }

  function place() {
    const target = pageTarget(root);
    if (!target) return;
    const active = document.activeElement;
    if (focused) {
      if (active === target) return;
      // Someone moved on: leave the focus where they put it.
      const lost = !active || active === document.body || !active.isConnected || active === focused;
      if (!lost) return stop();
    }
    if (active !== target) target.focus();
    if (!focused) onFocused(target);
    focused = target;
  }

  observer.observe(root, { childList: true, subtree: true, attributes: true, attributeFilter: ['data-loading'] });
  place();
  return stop;
}

/** The page's name as the title says it, for the polite announcement. */
export function pageName(title: string): string {
  return title.replace(/\s+—\s+Quintet$/, '');
}
