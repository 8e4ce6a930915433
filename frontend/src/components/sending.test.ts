import { describe, expect, it } from 'vitest';
import { Sending } from './sending.svelte';

const submitEvent = () => ({ preventDefault() {} }) as SubmitEvent;

describe('Sending', () => {
  it('sends once while a send is under way, and is ready again after it', async () => {
    const s = new Sending();
    let calls = 0;
    let finish = () => {};
    const submit = s.submit(() => {
      calls += 1;
      return new Promise<void>((resolve) => (finish = resolve));
    });
    const first = submit(submitEvent());
    expect(s.busy).toBe(true);
    await submit(submitEvent());
    expect(calls).toBe(1);
    finish();
    await first;
    expect(s.busy).toBe(false);
    const again = submit(submitEvent());
    finish();
    await again;
    expect(calls).toBe(2);
  });

  it('says why a send failed, and forgets it when the next one starts', async () => {
    const s = new Sending();
    let fail = true;
    const submit = s.submit(async () => {
      if (fail) throw new Error('The server is not answering.');
    });
    await submit(submitEvent());
    expect(s.error).toBe('The server is not answering.');
    expect(s.busy).toBe(false);
    fail = false;
    await submit(submitEvent());
    expect(s.error).toBe('');
  });
});
