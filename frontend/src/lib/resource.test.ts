import { describe, expect, it } from 'vitest';
import { Resource } from './resource';

function deferred<T>() {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe('Resource', () => {
  it('never lets a slow older answer overwrite a newer one', async () => {
    const pending = new Map<string, ReturnType<typeof deferred<string>>>();
    const signals = new Map<string, AbortSignal>();
    const shown: string[] = [];
    const r = new Resource<string, string>(
      (q, signal) => {
        const d = deferred<string>();
        pending.set(q, d);
        signals.set(q, signal);
        return d.promise;
      },
      { value: (v) => shown.push(v), error: (e) => shown.push('error: ' + String(e)) },
    );
    const older = r.load('old');
    const newer = r.load('new');
    expect(signals.get('old')!.aborted).toBe(true);
    expect(signals.get('new')!.aborted).toBe(false);
    pending.get('new')!.resolve('answer to new');
    await newer;
    // The older request ignored its signal and answers last.
    pending.get('old')!.resolve('answer to old');
    await older;
    expect(shown).toEqual(['answer to new']);
  });

  it('reports neither the abort of a stale load nor of an abandoned one', async () => {
    const shown: string[] = [];
    const r = new Resource<string, string>(
      (_q, signal) =>
        new Promise<string>((_res, rej) =>
          signal.addEventListener('abort', () => rej(new DOMException('aborted', 'AbortError'))),
        ),
      { value: (v) => shown.push(v), error: (e) => shown.push('error: ' + String(e)) },
    );
    const a = r.load('a');
    r.abort();
    await a;
    expect(shown).toEqual([]);
  });

  it('reports the error of the current load', async () => {
    const errors: unknown[] = [];
    const r = new Resource<string, string>(() => Promise.reject(new Error('boom')), {
      value: () => {},
      error: (e) => errors.push(e),
    });
    await r.load('x');
    expect(errors).toHaveLength(1);
  });
});

describe('Resource.reload', () => {
  it('loads the last inputs again, and the reload’s answer wins over the load it replaced', async () => {
    const answers: ReturnType<typeof deferred<string>>[] = [];
    const shown: string[] = [];
    const starts: string[] = [];
    const r = new Resource<string, string>(
      () => {
        const d = deferred<string>();
        answers.push(d);
        return d.promise;
      },
      { value: (v) => shown.push(v), error: () => shown.push('error'), start: (q) => starts.push(q) },
    );
    await r.reload(); // nothing loaded yet: nothing to load again
    expect(answers).toHaveLength(0);
    const first = r.load('board');
    const again = r.reload();
    expect(starts).toEqual(['board']); // a reload keeps what is shown until it answers
    answers[1]!.resolve('after the change');
    answers[0]!.resolve('before the change');
    await Promise.all([first, again]);
    expect(shown).toEqual(['after the change']);
  });
});
