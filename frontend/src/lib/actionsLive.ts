// Live outcome and action changes of one meeting, from the meeting:<id>
// channel of /api/v1/live (docs/live-protocol.md). The server writes several
// messages into one frame, one JSON object per line.
//
// This is the follow-up views' own small subscription. When the app gains
// its shared live-connection module, these views should subscribe through
// it instead, so that a tab keeps one WebSocket.
import type { Action, Outcome } from './actions';

export interface FollowupEvents {
  action?: (a: Action) => void;
  outcome?: (o: Outcome) => void;
  /** Called when the connection is (re)established: reload what may have been missed. */
  resync?: () => void;
}

/** Parses one frame into its messages. Lines that are not JSON are skipped. */
export function parseFrame(frame: string): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  for (const line of frame.split('\n')) {
    const t = line.trim();
    if (!t) continue;
    try {
      const m = JSON.parse(t);
      if (m && typeof m === 'object') out.push(m as Record<string, unknown>);
    } catch {
      // not ours to read
    }
  }
  return out;
}

/**
 * Follows meeting meetingId; returns a function that stops. It reconnects
 * with a growing delay after a dropped connection, and asks for a resync each
 * time it is caught up, since events sent while it was away are not replayed.
 */
export function followMeeting(meetingId: string, on: FollowupEvents): () => void {
  let ws: WebSocket | undefined;
  let stopped = false;
  let delay = 500;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const channel = `meeting:${meetingId}`;

  const connect = () => {
    if (stopped) return;
    const proto = location.protocol === 'https:' ? 'wss:' : 'ws:';
    ws = new WebSocket(`${proto}//${location.host}/api/v1/live`);
    ws.onopen = () => {
      delay = 500;
      ws?.send(JSON.stringify({ type: 'subscribe', channel }));
    };
    ws.onmessage = (ev) => {
      for (const m of parseFrame(String(ev.data))) {
        if (m.channel !== undefined && m.channel !== channel) continue;
        switch (m.type) {
          case 'caught_up':
            on.resync?.();
            break;
          case 'action':
            on.action?.(m.action as Action);
            break;
          case 'outcome':
            on.outcome?.(m.outcome as Outcome);
            break;
        }
      }
    };
    ws.onclose = (ev) => {
      ws = undefined;
      if (stopped || ev.code === 4001) return; // 4001: sign in again
      timer = setTimeout(connect, delay);
      delay = Math.min(delay * 2, 15_000);
    };
  };
  connect();
  return () => {
    stopped = true;
    clearTimeout(timer);
    ws?.close(1000);
  };
}
