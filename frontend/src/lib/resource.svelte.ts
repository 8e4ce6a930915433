import { untrack } from 'svelte';
import { Resource, type ResourceHandlers } from './resource';

/**
 * A view's load (see resource.ts): runs when the view starts and again each
 * time what `input` reads changes, aborting the load before it; abandoned
 * when the view goes, so a late answer never reaches a view that left.
 * Call it while the component is set up. The returned Resource reloads.
 */
export function loader<I, T>(
  input: () => I,
  fetcher: (input: I, signal: AbortSignal) => Promise<T>,
  on: ResourceHandlers<T, I>,
): Resource<I, T> {
  const r = new Resource(fetcher, on);
  $effect(() => {
    const i = input();
    // What the handlers read must not make this load again.
    untrack(() => void r.load(i));
    return () => r.abort();
  });
  return r;
}
