// The one way a view loads what it shows. Each load aborts the one before it,
// so when the inputs change quickly (a filter, a query) an older answer that
// arrives late can never replace the newer one on screen. Views use it
// through `loader` (resource.svelte.ts), which loads again when the inputs
// change and abandons the load when the view goes.

export interface ResourceHandlers<T, I = unknown> {
  value: (v: T) => void;
  error: (err: unknown) => void;
  /** A load for new inputs begins (to clear what belongs to the previous ones); not called on reload. */
  start?: (input: I) => void;
}

export class Resource<I, T> {
  private current: AbortController | undefined;
  private last: { input: I } | undefined;

  constructor(
    private readonly fetcher: (input: I, signal: AbortSignal) => Promise<T>,
    private readonly on: ResourceHandlers<T, I>,
  ) {}

  /** Loads for these inputs, aborting any load still under way. Resolves once handled. */
  load(input: I): Promise<void> {
    this.on.start?.(input);
    return this.fetch(input);
  }

  /**
   * Loads the last inputs again (a live change says the answer is out of
   * date), aborting the load under way; what is shown stays until the new
   * answer replaces it. Nothing happens before a first load.
   */
  reload(): Promise<void> {
    return this.last ? this.fetch(this.last.input) : Promise.resolve();
  }

  /** Abandons the load under way, if any (the view is going away). */
  abort(): void {
    this.current?.abort();
    this.current = undefined;
  }

  private async fetch(input: I): Promise<void> {
    this.current?.abort();
    const ctl = new AbortController();
    this.current = ctl;
    this.last = { input };
    try {
      const v = await this.fetcher(input, ctl.signal);
      // An aborted fetcher may still resolve (one that ignores its signal):
      // its answer is stale all the same.
      if (ctl.signal.aborted) return;
      this.on.value(v);
    } catch (err) {
      if (ctl.signal.aborted) return;
      this.on.error(err);
    } finally {
      if (this.current === ctl) this.current = undefined;
    }
  }
}
