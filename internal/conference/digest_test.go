package conference_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/quintet-ag/quintet/internal/conference"
)

// digestWorld is the world on 2014-07-09 with Canada's actions in every
// state a digest tells apart, and one of New Zealand's.
type digestWorld struct {
	*world
	overdue, dueToday, soon, later, blocked, done, heads, nz *conference.Action
}

func newDigestWorld(t *testing.T) *digestWorld {
	t.Helper()
	w := &digestWorld{world: newWorld(t)}
	// Actions due before London came from the meeting before it: a due date
	// is never before the meeting an action comes from.
	ottawa, err := w.svc.CreateMeeting(w.ctx, conference.SystemActor, conference.Meeting{ID: "ottawa-2013", Title: "Ottawa 2013",
		Host: "CA", City: "Ottawa", TimeZone: "America/Toronto", StartDate: "2013-06-10", EndDate: "2013-06-11",
		Delegations: []string{"AU", "CA", "GB", "NZ", "US"}, Topics: []string{w.cyber.ID}})
	assertNoError(t, err)
	earlier := func(owner, due string) *conference.Action {
		a, err := w.svc.CreateAction(w.ctx, w.admin, conference.ActionInput{
			Title: "Train prosecutors in " + owner, Owner: owner, Due: due, MeetingID: ottawa.ID})
		assertNoError(t, err)
		return a
	}
	w.overdue = earlier("CA", "2014-07-08")         // due yesterday: overdue from today
	w.dueToday = w.newAction(t, "CA", "2014-07-09") // due today
	w.soon = w.newAction(t, "CA", "2014-07-19")
	w.later = w.newAction(t, "CA", "2014-12-01")
	w.blocked = w.newAction(t, "CA", "2014-12-01")
	w.blocked, err = w.svc.UpdateAction(w.ctx, w.admin, w.blocked.ID, conference.ActionUpdate{
		Status: ptr(conference.ActionBlocked), Reason: ptr("Waiting for the new law."), Version: &w.blocked.Version})
	assertNoError(t, err)
	w.done = earlier("CA", "2014-07-01")
	w.done, err = w.svc.UpdateAction(w.ctx, w.admin, w.done.ID, conference.ActionUpdate{
		Status: ptr(conference.ActionDone), Progress: ptr(100), Version: &w.done.Version})
	assertNoError(t, err)
	w.heads, err = w.svc.CreateAction(w.ctx, w.admin, conference.ActionInput{Title: "Brief the heads on the treaty",
		Owner: "CA", Due: "2014-07-08", MeetingID: ottawa.ID, Marking: conference.MarkingHeads})
	assertNoError(t, err)
	w.nz = earlier("NZ", "2014-07-08")
	return w
}

func digestIDs(d *conference.Digest) []string {
	return pluck(d.Actions, func(it conference.DigestItem) string { return it.Action.ID })
}

func TestDigestByReader(t *testing.T) {
	w := newDigestWorld(t)
	type want struct {
		delegations []string
		actions     []*conference.Action // in the action list's order: by due date
	}
	for _, tc := range []struct {
		name   string
		reader *conference.User
		want
	}{
		{"follow-up CA: its delegation's, without the heads action", w.followupCA,
			want{[]string{"CA"}, []*conference.Action{w.overdue, w.dueToday, w.soon, w.blocked}}},
		{"head CA: the heads action too", w.headCA,
			want{[]string{"CA"}, []*conference.Action{w.overdue, w.heads, w.dueToday, w.soon, w.blocked}}},
		{"follow-up NZ: New Zealand's only", w.followupNZ, want{[]string{"NZ"}, []*conference.Action{w.nz}}},
		{"delegate AU: nothing of Australia's needs attention", w.delegateAU, want{[]string{"AU"}, nil}},
		{"secretariat: every delegation", w.admin, want{[]string{"AU", "CA", "FR", "GB", "NZ", "US"},
			[]*conference.Action{w.overdue, w.heads, w.nz, w.dueToday, w.soon, w.blocked}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d, err := w.svc.Digest(w.ctx, tc.reader)
			assertNoError(t, err)
			if d.Today != "2014-07-09" || !slices.Equal(d.Delegations, tc.delegations) {
				t.Fatalf("today=%s delegations=%v, want 2014-07-09 %v", d.Today, d.Delegations, tc.delegations)
			}
			want := pluck(tc.actions, func(a *conference.Action) string { return a.ID })
			if got := digestIDs(d); !slices.Equal(got, nonNilStrings(want)) {
				t.Fatalf("digest=%v, want %v", got, want)
			}
		})
	}
	_, err := w.svc.Digest(w.ctx, w.observer)
	assertCode(t, err, conference.ENOTFOUND)
	_, err = w.svc.Digest(w.ctx, nil)
	assertCode(t, err, conference.EUNAUTHORIZED)
}

func nonNilStrings(xs []string) []string {
	if xs == nil {
		return []string{}
	}
	return xs
}

func TestDigestReasons(t *testing.T) {
	w := newDigestWorld(t)
	d, err := w.svc.Digest(w.ctx, w.followupCA)
	assertNoError(t, err)
	byID := map[string]conference.DigestItem{}
	for _, it := range d.Actions {
		byID[it.Action.ID] = it
	}
	for _, tc := range []struct {
		name   string
		a      *conference.Action
		reason []conference.Attention
		turned conference.Turn
	}{
		{"due yesterday", w.overdue, []conference.Attention{conference.AttentionOverdue}, conference.TurnOverdue},
		{"due today", w.dueToday, []conference.Attention{conference.AttentionDueSoon}, conference.TurnDue},
		{"due in ten days", w.soon, []conference.Attention{conference.AttentionDueSoon}, ""},
		{"blocked, due later", w.blocked, []conference.Attention{conference.AttentionBlocked}, ""},
	} {
		it := byID[tc.a.ID]
		if !slices.Equal(it.Attention, tc.reason) || it.Turned != tc.turned {
			t.Errorf("%s: attention=%v turned=%q, want %v %q", tc.name, it.Attention, it.Turned, tc.reason, tc.turned)
		}
	}
	want := conference.DigestCounts{Overdue: 1, DueSoon: 2, Blocked: 1, Turned: 2}
	if d.Counts != want {
		t.Errorf("counts=%+v, want %+v", d.Counts, want)
	}

	// Sixty days on, nothing was reported: every pending action is quiet,
	// and one report takes the action it is about out of that.
	w.clock.Advance(conference.QuietDays*24*time.Hour + time.Hour)
	_, err = w.svc.ReportProgress(w.ctx, w.followupCA, w.later.ID, conference.ReportInput{Text: "Drafting started.", Version: &w.later.Version})
	assertNoError(t, err)
	d, err = w.svc.Digest(w.ctx, w.followupCA)
	assertNoError(t, err)
	if slices.Contains(digestIDs(d), w.done.ID) {
		t.Error("a done action is never quiet: it needs no report")
	}
	for _, it := range d.Actions {
		quiet := slices.Contains(it.Attention, conference.AttentionQuiet)
		if quiet == (it.Action.ID == w.later.ID) {
			t.Errorf("%s: attention=%v; quiet only without a report for %d days", it.Action.Title, it.Attention, conference.QuietDays)
		}
	}
}

func TestSetReminders(t *testing.T) {
	w := newWorld(t)
	u := w.followupCA
	got, err := w.svc.SetReminders(w.ctx, u, conference.ReminderUpdate{Reminders: ptr(false), Version: &u.Version})
	assertNoError(t, err)
	if !got.RemindersOff || got.Version != u.Version+1 {
		t.Fatalf("reminders_off=%v version=%d, want true %d", got.RemindersOff, got.Version, u.Version+1)
	}
	// The version seen before is stale now; nothing is written.
	w.unchanged(t, func() {
		_, err = w.svc.SetReminders(w.ctx, u, conference.ReminderUpdate{Reminders: ptr(true), Version: &u.Version})
		assertCode(t, err, conference.ESTALE)
		_, err = w.svc.SetReminders(w.ctx, got, conference.ReminderUpdate{Version: &got.Version})
		assertCodeField(t, err, conference.EINVALID, "reminders")
		_, err = w.svc.SetReminders(w.ctx, nil, conference.ReminderUpdate{Reminders: ptr(true)})
		assertCode(t, err, conference.EUNAUTHORIZED)
	})
	back, err := w.svc.SetReminders(w.ctx, got, conference.ReminderUpdate{Reminders: ptr(true), Version: &got.Version})
	assertNoError(t, err)
	if back.RemindersOff {
		t.Fatal("reminders still off")
	}
}

// memDigests is a DigestStore in memory; the real one is tested against
// the embedded store in cmd/quintet's reminder test.
type memDigests struct {
	mu   sync.Mutex
	recs map[string]conference.DigestRecord
}

func (m *memDigests) ClaimDigest(_ context.Context, r *conference.DigestRecord) (bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if _, ok := m.recs[r.ID]; ok {
		return false, nil
	}
	if m.recs == nil {
		m.recs = map[string]conference.DigestRecord{}
	}
	m.recs[r.ID] = *r
	return true, nil
}

func (m *memDigests) SaveDigest(_ context.Context, r *conference.DigestRecord) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.recs[r.ID] = *r
	return nil
}

func (m *memDigests) DropDigest(_ context.Context, id string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	delete(m.recs, id)
	return nil
}

// outbox is a Mailer that keeps what it is given, or fails.
type outbox struct {
	sent []conference.Mail
	fail bool
}

func (o *outbox) Send(_ context.Context, m conference.Mail) error {
	if o.fail {
		return errors.New("connection refused")
	}
	o.sent = append(o.sent, m)
	return nil
}

func recipients(ms []conference.Mail) []string {
	var out []string
	for _, m := range ms {
		out = append(out, m.To...)
	}
	slices.Sort(out)
	return out
}

func TestSendReminders(t *testing.T) {
	w := newDigestWorld(t)
	store := &memDigests{}

	// A failed send gives its claims back: the next pass sends them.
	failing := &outbox{fail: true}
	pass, err := w.svc.SendReminders(w.ctx, failing, store, "https://q.example")
	if err == nil || pass.Sent != 0 || len(store.recs) != 0 {
		t.Fatalf("failing pass: %+v err=%v records=%d, want an error and no record", pass, err, len(store.recs))
	}

	box := &outbox{}
	pass, err = w.svc.SendReminders(w.ctx, box, store, "https://q.example")
	assertNoError(t, err)
	// Follow-up teams and the secretariat; not the heads, delegates,
	// rapporteurs or observers; CA and NZ have actions turning today.
	want := []string{"fu.ca@example.org", "fu.nz@example.org", "sec@example.org"}
	if got := recipients(box.sent); pass.Sent != 3 || !slices.Equal(got, want) {
		t.Fatalf("sent %d to %v, want 3 to %v", pass.Sent, got, want)
	}
	for _, m := range box.sent {
		switch m.To[0] {
		case "fu.ca@example.org":
			if strings.Contains(m.Text, w.heads.Title) || strings.Contains(m.Text, w.nz.ID) {
				t.Errorf("CA follow-up's digest holds what it may not read:\n%s", m.Text)
			}
			for _, a := range []*conference.Action{w.overdue, w.dueToday, w.soon, w.blocked} {
				if !strings.Contains(m.Text, "https://q.example/#/actions/"+a.ID) {
					t.Errorf("CA digest lacks the link to %s:\n%s", a.ID, m.Text)
				}
			}
			for _, s := range []string{"overdue from today", "due today", "blocked", "4 actions of CA need your attention on 2014-07-09 (2 became due or overdue today)"} {
				if !strings.Contains(m.Text, s) {
					t.Errorf("CA digest lacks %q:\n%s", s, m.Text)
				}
			}
			// The week's and the day's digest are one message.
			if m.Key != "week:2014-W28:"+w.followupCA.ID {
				t.Errorf("key=%q", m.Key)
			}
		case "sec@example.org":
			if !strings.Contains(m.Text, w.heads.Title) || !strings.Contains(m.Text, w.nz.ID) {
				t.Errorf("the secretariat's digest lacks an action:\n%s", m.Text)
			}
		}
	}
	for _, key := range []string{"week:2014-W28:", "day:2014-07-09:"} {
		if r := store.recs[key+w.followupCA.ID]; !r.Sent || r.Actions != 4 {
			t.Errorf("record %s=%+v, want sent with 4 actions", key, r)
		}
	}
	if _, ok := store.recs["day:2014-07-09:"+w.admin.ID]; ok {
		t.Error("the secretariat gets the week's digest only")
	}

	// A second pass the same day sends nothing.
	pass, err = w.svc.SendReminders(w.ctx, box, store, "https://q.example")
	assertNoError(t, err)
	if pass.Sent != 0 || len(box.sent) != 3 {
		t.Fatalf("second pass: %+v, %d sent in all; want nothing more", pass, len(box.sent))
	}

	// The next day the soon action is not turning, nothing else is: only
	// a user who turned reminders off is skipped when the week changes.
	_, err = w.svc.SetReminders(w.ctx, w.followupNZ, conference.ReminderUpdate{Reminders: ptr(false), Version: &w.followupNZ.Version})
	assertNoError(t, err)
	w.clock.Advance(7 * 24 * time.Hour)
	pass, err = w.svc.SendReminders(w.ctx, box, store, "https://q.example")
	assertNoError(t, err)
	if got := recipients(box.sent[3:]); pass.Sent != 2 || !slices.Equal(got, []string{"fu.ca@example.org", "sec@example.org"}) {
		t.Fatalf("next week: sent %d to %v, want CA's follow-up and the secretariat", pass.Sent, got)
	}
}

// An action handed to another delegation is in the new owner's digest for
// HandoverDays, with who handed it and from whom, in the app and in the
// e-mail; the old owner's digest no longer holds it.
func TestDigestTellsTheNewOwnerOfAHandover(t *testing.T) {
	w := newDigestWorld(t)
	// Canada's later action needs nothing yet: it is due in December.
	handed, err := w.svc.UpdateAction(w.ctx, w.followupCA, w.later.ID, conference.ActionUpdate{
		Owner: ptr("NZ"), Version: &w.later.Version})
	assertNoError(t, err)
	item := func(u *conference.User, id string) (conference.DigestItem, bool) {
		d, err := w.svc.Digest(w.ctx, u)
		assertNoError(t, err)
		for _, it := range d.Actions {
			if it.Action.ID == id {
				return it, true
			}
		}
		return conference.DigestItem{}, false
	}
	it, ok := item(w.followupNZ, handed.ID)
	if !ok || !slices.Equal(it.Attention, []conference.Attention{conference.AttentionHandedOver}) {
		t.Fatalf("NZ's digest: %v %v; want the action, handed over", ok, it.Attention)
	}
	if h := it.Handover; h == nil || h.From != "CA" || h.To != "NZ" || h.ByName != w.followupCA.Name {
		t.Errorf("handover %+v, want from CA to NZ by %s", h, w.followupCA.Name)
	}
	if _, ok := item(w.followupCA, handed.ID); ok {
		t.Error("the old owner's digest still holds the action handed away")
	}
	box := &outbox{}
	_, err = w.svc.SendReminders(w.ctx, box, &memDigests{}, "https://q.example")
	assertNoError(t, err)
	told := false
	for _, m := range box.sent {
		if m.To[0] == w.followupNZ.Email {
			told = strings.Contains(m.Text, "handed over from CA by "+w.followupCA.Name)
			if !told {
				t.Errorf("NZ's e-mail does not say who handed the action over:\n%s", m.Text)
			}
		}
	}
	if !told {
		t.Error("no e-mail to NZ's follow-up team")
	}

	// Past HandoverDays it needs nothing any more.
	w.clock.Advance(conference.HandoverDays*24*time.Hour + time.Hour)
	if it, ok := item(w.followupNZ, handed.ID); ok && slices.Contains(it.Attention, conference.AttentionHandedOver) {
		t.Errorf("still handed over after %d days: %v", conference.HandoverDays, it.Attention)
	}
}
