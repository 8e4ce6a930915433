// Live outcome and action changes of one meeting, from its meeting:<id>
// channel, through the app's one live connection (live.svelte.ts). These
// messages have no catch-up of their own: after each (re)connection the view
// is told to reload what it shows, since changes made while it was away are
// not replayed.
import { dispatchFollowup, type FollowupEvents } from './actions';
import { live } from './live.svelte';

export type { FollowupEvents } from './actions';

/** Follows meeting meetingId; returns a function that stops. */
export function followMeeting(meetingId: string, on: FollowupEvents): () => void {
  return live.subscribe(`meeting:${meetingId}`, {
    message: (msg) => dispatchFollowup(msg, on),
    caughtUp: () => on.resync?.(),
  });
}
