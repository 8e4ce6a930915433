// The live connection, in four parts: protocol (the wire messages), backoff
// (reconnection timing), channel (one subscription's notes, seq and
// catch-up) and client (the socket and its subscriptions).
export * from './protocol';
export * from './backoff';
export { insertionIndex, type CatchUpInfo, type ChannelHandlers, type KeptNotes } from './channel';
export * from './client';
