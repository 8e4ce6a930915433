package live

import "sync/atomic"

// counters are the hub's running totals, for monitoring.
type counters struct {
	delivered atomic.Uint64 // live events queued to a subscriber
	dropped   atomic.Uint64 // clients disconnected for reading too slowly
}

// Delivered counts the live events queued to subscribers since the start.
func (h *Hub) Delivered() uint64 { return h.stats.delivered.Load() }

// Dropped counts the clients disconnected for reading too slowly.
func (h *Hub) Dropped() uint64 { return h.stats.dropped.Load() }

// Subscriptions counts the channel subscriptions of the open connections.
func (h *Hub) Subscriptions() int {
	h.mu.RLock()
	defer h.mu.RUnlock()
	n := 0
	for _, subs := range h.channels {
		n += len(subs)
	}
	return n
}
