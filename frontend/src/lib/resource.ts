// The one way a view loads what it shows. Each load aborts the one before it,
// so when the inputs change quickly (a filter, a query) an older answer that
// arrives late can never replace the newer one on screen.

export interface ResourceHandlers<T> {
  value: (v: T) => void;
  error: (err: unknown) => void;
}

export class Resource<I, T> {
  private current: AbortController | undefined;

  constructor(
    private readonly fetcher: (input: I, signal: AbortSignal) => Promise<T>,
    private readonly on: ResourceHandlers<T>,
  ) {}

  /** Loads for these inputs, aborting any load still under way. Resolves once handled. */
  async load(input: I): Promise<void> {
    this.current?.abort();
    const ctl = new AbortController();
    this.current = ctl;
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

  /** Abandons the load under way, if any (the view is going away). */
  abort(): void {
    this.current?.abort();
    this.current = undefined;
  }
}
