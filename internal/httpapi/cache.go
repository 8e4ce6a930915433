package httpapi

import (
	"encoding/json"
	"sync"
)

// encodedCache keeps the encoded answer of a read that is the same for every
// reader, until the working set changes. The agenda is read by every delegate
// at once at the start of a day; encoding it once per change, not per request,
// keeps that read as cheap as serving a static file.
type encodedCache struct {
	mu      sync.Mutex
	entries map[string]encoded
}

type encoded struct {
	gen  uint64
	body []byte
}

func newEncodedCache() *encodedCache { return &encodedCache{entries: map[string]encoded{}} }

// get returns the cached encoding of key at generation gen, or encodes v().
func (c *encodedCache) get(key string, gen uint64, v func() (any, error)) ([]byte, error) {
	c.mu.Lock()
	e, ok := c.entries[key]
	c.mu.Unlock()
	if ok && e.gen == gen {
		return e.body, nil
	}
	val, err := v()
	if err != nil {
		return nil, err
	}
	body, err := json.Marshal(val)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	if len(c.entries) > 1000 { // bounded: keys are meetings, few in a decade
		clear(c.entries)
	}
	c.entries[key] = encoded{gen: gen, body: body}
	c.mu.Unlock()
	return body, nil
}
