// The wire protocol of /api/v1/live (docs/live-protocol.md): the messages
// both sides send, the close codes, and how a frame is decoded. Nothing here
// holds state, so the client and the channels agree on one reading of it.

import type { Marking, PublicUser } from '../types';

export interface HelloMessage {
  type: 'hello';
  user: PublicUser;
  clearance: Marking;
  limits?: Record<string, number>;
}

export interface CaughtUpMessage {
  type: 'caught_up';
  channel: string;
  ref?: string;
  last_seq: number;
  new_notes: number;
  sessions: number;
  /** meeting: channels: where a resume starts, and how many outcome and action changes came. */
  cursor?: string;
  changes?: number;
}

export interface AckMessage {
  type: 'ack';
  ref?: string;
  session_id: string;
  client_id: string;
  seq: number;
  created: boolean;
}

export interface ErrorMessage {
  type: 'error';
  ref?: string;
  code: string;
  message: string;
  field?: string;
  channel?: string;
  session_id?: string;
  client_id?: string;
}

/** Any message the server sends; types this client does not know are passed on as they are. */
export type ServerMessage = { type: string; channel?: string; [key: string]: unknown };

/** What a post carries (docs/live-protocol.md, "post"). */
export interface PostInput {
  session_id: string;
  client_id: string;
  text: string;
  marking: Marking;
  amends?: number;
  /** When the note was written (ISO 8601), when it is sent later than that. */
  written_at?: string;
}

/** An error answer to a request, or the loss of the connection before its answer. */
export class LiveError extends Error {
  override readonly name = 'LiveError';
  constructor(
    /** The API's code (invalid, forbidden, conflict, not_found, internal…), or "offline" / "disconnected". */
    readonly code: string,
    message: string,
    readonly field?: string,
  ) {
    super(message);
  }

  /** Worth trying again unchanged: the request may not have reached the server, or failed on its side. */
  get retryable(): boolean {
    return this.code === 'offline' || this.code === 'disconnected' || this.code === 'internal';
  }
}

/** Close codes the server uses (docs/live-protocol.md, "Close codes"). */
export const CLOSE = {
  normal: 1000,
  goingAway: 1001,
  abnormal: 1006,
  tooBig: 1009,
  signInAgain: 4001,
  tooSlow: 4008,
} as const;

/** The server's limit on one client message (docs: 64 KiB; over it, close 1009). */
export const MAX_MESSAGE_BYTES = 65_536;

/** Splits a frame into its messages: one JSON object per line (docs: "Frames"). */
export function parseFrame(data: unknown): ServerMessage[] {
  if (typeof data !== 'string') return [];
  const out: ServerMessage[] = [];
  for (const line of data.split('\n')) {
    if (!line.trim()) continue;
    try {
      const m: unknown = JSON.parse(line);
      if (m && typeof m === 'object' && typeof (m as { type?: unknown }).type === 'string') out.push(m as ServerMessage);
    } catch {
      // Not JSON: nothing this client can use. The rest of the frame still is.
    }
  }
  return out;
}
