// Live outcome and action changes of one meeting, from its meeting:<id>
// channel, through the app's one live connection (live.svelte.ts). The
// channel resumes from the meeting's cursor (docs/live-protocol.md, "The
// meeting cursor"): after a reconnect the changes missed come in the
// catch-up, as live ones. Only when they could not (the first subscribe, or
// the server reset the cursor) is the view told to reload what it shows.
import { dispatchFollowup, type FollowupEvents } from './actions';
import { live } from './live.svelte';

export type { FollowupEvents } from './actions';

/** Follows meeting meetingId; returns a function that stops. */
export function followMeeting(meetingId: string, on: FollowupEvents): () => void {
  return live.subscribe(`meeting:${meetingId}`, {
    message: (msg) => dispatchFollowup(msg, on),
    caughtUp: (info) => {
      if (info.resync) on.resync?.();
    },
  });
}
