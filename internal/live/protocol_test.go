package live

import (
	"encoding/json"
	"os"
	"regexp"
	"testing"
	"time"

	"github.com/gorilla/websocket"
)

// docHello is the hello example of docs/live-protocol.md.
func docHello(t *testing.T) helloMsg {
	t.Helper()
	raw, err := os.ReadFile("../../docs/live-protocol.md")
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile("(?s)### hello\n.*?```json\n(.*?)```").FindSubmatch(raw)
	if m == nil {
		t.Fatal("docs/live-protocol.md has no hello example")
	}
	var h helloMsg
	if err := json.Unmarshal(m[1], &h); err != nil {
		t.Fatalf("the hello example does not parse: %v", err)
	}
	return h
}

// The limits a client reads in the document are the ones a server with the
// defaults announces, and the ones it applies.
func TestHelloLimitsAreTheDocumentedDefaults(t *testing.T) {
	f := newFixture(t, Options{})
	hello := f.dialRaw(t, "obs").ExpectHelloLimits()
	if want := docHello(t).Limits; hello != want {
		t.Fatalf("hello.limits %+v, the document says %+v", hello, want)
	}
	if got, want := f.hub.opts.PingPeriod, DefaultPingPeriod; got != want {
		t.Fatalf("the writer pings every %v, want the default %v", got, want)
	}
}

// ExpectHelloLimits reads hello's limits, which livetest.Msg leaves out.
func (c *client) ExpectHelloLimits() limits {
	c.T.Helper()
	_ = c.WS.SetReadDeadline(time.Now().Add(c.Wait))
	_, data, err := c.WS.ReadMessage()
	if err != nil {
		c.T.Fatal(err)
	}
	var h helloMsg
	if err := json.Unmarshal(data, &h); err != nil || h.Type != typeHello {
		c.T.Fatalf("first frame %q, want hello alone", data)
	}
	return h.Limits
}

// Pings come at the interval hello announces, which a client may use to
// detect a dead link.
func TestPingsComeAtTheIntervalHelloAnnounces(t *testing.T) {
	const period = 200 * time.Millisecond
	f := newFixture(t, Options{PingPeriod: period})
	c := f.dial(t, "obs")
	pings := make(chan time.Time, 16)
	c.WS.SetPingHandler(func(data string) error {
		pings <- time.Now()
		return c.WS.WriteControl(websocket.PongMessage, []byte(data), time.Now().Add(time.Second))
	})
	go func() {
		for {
			if _, _, err := c.WS.ReadMessage(); err != nil {
				return
			}
		}
	}()
	var at []time.Time
	for len(at) < 6 {
		select {
		case p := <-pings:
			at = append(at, p)
		case <-time.After(10 * period):
			t.Fatalf("%d pings in %v", len(at), 10*period)
		}
	}
	gap := at[5].Sub(at[0]) / 5
	if gap < period*8/10 || gap > period*3/2 {
		t.Fatalf("pings every %v on average, hello says %v", gap, period)
	}
}
