package main

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/quintet-ag/quintet/internal/backup"
	"github.com/quintet-ag/quintet/internal/storetest"
)

// backupWrites records every write the load acknowledged, so that what a
// restored server answers can be held against what the original answered
// when it stored that version.
type backupWrites struct {
	mu      sync.Mutex
	actions map[string]map[int64]string // id → version → the answer of that version
	latest  map[string]int64            // id → last acknowledged version
	notes   int64                       // the highest seq acknowledged
}

func (w *backupWrites) action(t testing.TB, body []byte) {
	t.Helper()
	var a struct {
		ID      string `json:"id"`
		Version int64  `json:"version"`
	}
	if err := json.Unmarshal(body, &a); err != nil || a.ID == "" {
		t.Errorf("an action answer without id and version: %s", body)
		return
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.actions[a.ID] == nil {
		w.actions[a.ID] = map[int64]string{}
	}
	w.actions[a.ID][a.Version] = string(body)
	w.latest[a.ID] = max(w.latest[a.ID], a.Version)
}

func (w *backupWrites) note(seq int64) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.notes = max(w.notes, seq)
}

// acknowledged copies what was acknowledged so far.
func (w *backupWrites) acknowledged() (map[string]int64, int64) {
	w.mu.Lock()
	defer w.mu.Unlock()
	out := make(map[string]int64, len(w.latest))
	for k, v := range w.latest {
		out[k] = v
	}
	return out, w.notes
}

// loadBackupWorld writes until stop is closed: notes in a live session,
// new actions, and progress on the actions made, each from its own writer.
func loadBackupWorld(t *testing.T, c *apiClient, session string, w *backupWrites, stop <-chan struct{}) *sync.WaitGroup {
	var wg sync.WaitGroup
	loop := func(step func(i int)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				step(i)
			}
		}()
	}
	loop(func(i int) {
		r, err := c.try(t, "POST", "/api/v1/sessions/"+session+"/notes", map[string]any{
			"client_id": apiUnique("backup-note"), "text": fmt.Sprintf("Note %d of the load.", i), "marking": "all"})
		if err != nil || r.Status != http.StatusCreated {
			t.Errorf("post a note: %v %v", err, r)
			return
		}
		var n struct{ Seq int64 }
		_ = json.Unmarshal(r.Body, &n)
		w.note(n.Seq)
	})
	loop(func(i int) {
		r, err := c.try(t, "POST", "/api/v1/actions", map[string]any{
			"title": fmt.Sprintf("Action %d of the load", i), "owner": "GB", "due": "2015-06-30", "meeting_id": "london-2014", "marking": "all"})
		if err != nil || r.Status != http.StatusCreated {
			t.Errorf("create an action: %v %v", err, r)
			return
		}
		w.action(t, r.Body)
	})
	loop(func(i int) {
		w.mu.Lock()
		var id string
		var version int64
		for k, v := range w.latest { // any action made so far
			id, version = k, v
			break
		}
		w.mu.Unlock()
		if id == "" {
			time.Sleep(5 * time.Millisecond)
			return
		}
		r, err := c.try(t, "PATCH", "/api/v1/actions/"+id, map[string]any{"progress": (i*7)%100 + 1, "version": version})
		if err != nil {
			t.Errorf("edit an action: %v", err)
			return
		}
		if r.Status == http.StatusOK {
			w.action(t, r.Body)
		}
	})
	return &wg
}

// allPages follows a list's next_cursor and returns every item as JSON.
func allPages(t testing.TB, c *apiClient, path string) []json.RawMessage {
	t.Helper()
	var out []json.RawMessage
	next := path
	for {
		var page struct {
			Items      []json.RawMessage `json:"items"`
			NextCursor string            `json:"next_cursor"`
		}
		c.get(t, next).want(t, http.StatusOK).decode(t, &page)
		out = append(out, page.Items...)
		if page.NextCursor == "" {
			return out
		}
		sep := "?"
		if strings.Contains(path, "?") {
			sep = "&"
		}
		next = path + sep + "cursor=" + url.QueryEscape(page.NextCursor)
	}
}

// backupReads are the GETs that must answer the same on a server and on
// one restored from its backup: every list, each action, the record.
func backupReads(t testing.TB, c *apiClient, session string) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, p := range []string{"/api/v1/meetings", "/api/v1/meetings/london-2014", "/api/v1/meetings/london-2014/sessions",
		"/api/v1/topics", "/api/v1/delegations", "/api/v1/users", "/api/v1/register", "/api/v1/actions/board",
		"/api/v1/meetings/london-2014/outcomes", "/api/v1/meetings/london-2014/record.md", "/api/v1/coverage",
		"/api/v1/sessions/" + session, "/api/v1/search?q=load"} {
		out[p] = string(c.get(t, p).want(t, http.StatusOK).Body)
	}
	for _, list := range []string{"/api/v1/actions?limit=100", "/api/v1/sessions/" + session + "/notes?limit=100"} {
		items := allPages(t, c, list)
		b, _ := json.Marshal(items)
		out[list] = string(b)
		if strings.HasPrefix(list, "/api/v1/actions") {
			for _, it := range items {
				var a struct{ ID string }
				_ = json.Unmarshal(it, &a)
				out["/api/v1/actions/"+a.ID] = string(c.get(t, "/api/v1/actions/"+a.ID).want(t, http.StatusOK).Body)
			}
		}
	}
	return out
}

func mustToken(t *testing.T, dir, email string) string {
	t.Helper()
	tok := strings.TrimSpace(mustAPICLI(t, dir, nil, "", "token", "create", "--email", email))
	path := filepath.Join(t.TempDir(), "token")
	if err := os.WriteFile(path, []byte(tok+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// backupDocs reads a backup file and returns its documents as extended
// JSON by collection, to compare two backups' contents.
func backupDocs(t testing.TB, path string) map[string]string {
	t.Helper()
	a, err := readBackup(path)
	if err != nil {
		t.Fatalf("read %s: %v", path, err)
	}
	out := map[string]string{}
	for _, c := range a.Collections {
		// As a set: the server writes notes in seq order, the store by _id.
		docs := make([]string, len(c.Docs))
		for i, d := range c.Docs {
			docs[i] = d.String()
		}
		slices.Sort(docs)
		out[c.Name] = strings.Join(docs, "\n")
	}
	return out
}

func TestBackupWhileWritingRestoresTheSnapshot(t *testing.T) {
	if testing.Short() {
		t.Skip("starts four servers")
	}
	srv, admin := startAPIServerWithAdmin(t, nil)
	// The embedded store is the server's alone: the token is made first.
	srv.Stop()
	tokenFile := mustToken(t, srv.DataDir, admin.Email)
	srv = startAPIServer(t, srv.DataDir, nil)
	a := srv.client()
	a.login(t, admin.Email, admin.Password)
	var se struct{ ID string }
	a.post(t, "/api/v1/meetings/london-2014/sessions", apiSessionBody("Backup under load")).want(t, http.StatusCreated).decode(t, &se)
	a.post(t, "/api/v1/sessions/"+se.ID+"/start", nil).want(t, http.StatusOK)

	// Only the secretariat takes a backup; the answer is the backup file.
	other := srv.client()
	f := &apiFixture{srv: srv, clients: map[string]*apiClient{callerAdmin: a}}
	f.createUser(t, &apiAccount{Email: "obs@example.org", Name: "Observer", Password: apiPassword("obs"), Roles: []string{"observer"}})
	other.login(t, "obs@example.org", apiPassword("obs"))
	other.get(t, "/api/v1/backup").want(t, http.StatusForbidden)
	srv.client().get(t, "/api/v1/backup").want(t, http.StatusUnauthorized)
	if r := a.get(t, "/api/v1/backup").want(t, http.StatusOK); !strings.HasPrefix(r.Header.Get("Content-Type"), "application/gzip") {
		t.Errorf("backup answered %s", r.Header.Get("Content-Type"))
	}

	// Write under load, and back up through the server while it writes.
	// The seed's actions count as acknowledged as they are.
	w := &backupWrites{actions: map[string]map[int64]string{}, latest: map[string]int64{}}
	for _, it := range allPages(t, a, "/api/v1/actions?limit=100") {
		var act struct{ ID string }
		_ = json.Unmarshal(it, &act)
		w.action(t, a.get(t, "/api/v1/actions/"+act.ID).want(t, http.StatusOK).Body)
	}
	stop := make(chan struct{})
	wg := loadBackupWorld(t, a, se.ID, w, stop)
	time.Sleep(700 * time.Millisecond)
	before, notesBefore := w.acknowledged()
	during := filepath.Join(t.TempDir(), "during.jsonl.gz")
	out := mustAPICLI(t, srv.DataDir, nil, "", "backup", "--server", srv.URL, "--token-file", tokenFile, "--out", during)
	time.Sleep(300 * time.Millisecond)
	close(stop)
	wg.Wait()
	t.Log(strings.TrimSpace(out))
	if len(before) == 0 || notesBefore == 0 {
		t.Fatalf("the load wrote nothing before the backup (%d actions, %d notes)", len(before), notesBefore)
	}

	// Restored into a fresh store, it is a state the server went through.
	restored := storetest.DataDir(t)
	mustAPICLI(t, restored, nil, "", "restore", "--in", during)
	b := startAPIServer(t, restored, nil)
	bc := b.client()
	bc.login(t, admin.Email, admin.Password)
	final := allPages(t, a, "/api/v1/sessions/"+se.ID+"/notes?limit=100")
	notes := allPages(t, bc, "/api/v1/sessions/"+se.ID+"/notes?limit=100")
	if int64(len(notes)) < notesBefore {
		t.Errorf("the restore holds %d notes; %d were acknowledged before the backup began", len(notes), notesBefore)
	}
	for i, n := range notes {
		var got struct{ Seq int64 }
		_ = json.Unmarshal(n, &got)
		if got.Seq != int64(i+1) {
			t.Fatalf("note %d of the restore has seq %d: a gap", i, got.Seq)
		}
		if string(n) != string(final[i]) {
			t.Errorf("note %d differs from the original's:\n got %s\nwant %s", i+1, n, final[i])
		}
	}
	seen := map[string]bool{}
	for _, it := range allPages(t, bc, "/api/v1/actions?limit=100") {
		var act struct {
			ID      string
			Version int64
		}
		_ = json.Unmarshal(it, &act)
		seen[act.ID] = true
		got := string(bc.get(t, "/api/v1/actions/"+act.ID).want(t, http.StatusOK).Body)
		w.mu.Lock()
		want, ok := w.actions[act.ID][act.Version]
		w.mu.Unlock()
		switch {
		case !ok:
			t.Errorf("the restore holds action %s at version %d, which the server never acknowledged", act.ID, act.Version)
		case got != want:
			t.Errorf("action %s at version %d differs from what the server answered:\n got %s\nwant %s", act.ID, act.Version, got, want)
		}
		if v, ok := before[act.ID]; ok && act.Version < v {
			t.Errorf("action %s is at version %d in the restore; %d was acknowledged before the backup began", act.ID, act.Version, v)
		}
	}
	for id := range before {
		if !seen[id] {
			t.Errorf("action %s, acknowledged before the backup began, is not in the restore", id)
		}
	}
	b.Stop()

	// At rest, a backup restores to a server whose every answer is the
	// original's, and whose own backup holds the very same documents.
	atRest := filepath.Join(t.TempDir(), "at-rest.jsonl.gz")
	mustAPICLI(t, srv.DataDir, nil, "", "backup", "--server", srv.URL, "--token-file", tokenFile, "--out", atRest)
	fresh := storetest.DataDir(t)
	mustAPICLI(t, fresh, nil, "", "restore", "--in", atRest)
	// From the stopped store, the command line's backup holds what the
	// server's did (before a sign-in adds a login to it).
	fromStore := filepath.Join(t.TempDir(), "from-store.jsonl.gz")
	mustAPICLI(t, fresh, nil, "", "backup", "--out", fromStore)
	wantDocs, gotDocs := backupDocs(t, atRest), backupDocs(t, fromStore)
	for name, d := range wantDocs {
		if gotDocs[name] != d {
			t.Errorf("collection %s differs between the server's backup and the restored store's:\n got %s\nwant %s", name, apiClip([]byte(gotDocs[name])), apiClip([]byte(d)))
		}
	}
	c := startAPIServer(t, fresh, nil)
	cc := c.client()
	cc.login(t, admin.Email, admin.Password)
	want := backupReads(t, a, se.ID)
	got := backupReads(t, cc, se.ID)
	for p, w := range want {
		if got[p] != w {
			t.Errorf("GET %s differs after the restore:\n got %s\nwant %s", p, apiClip([]byte(got[p])), apiClip([]byte(w)))
		}
	}
	if len(got) != len(want) {
		t.Errorf("%d answers after the restore, %d before", len(got), len(want))
	}
	c.Stop()

	// A store that holds data is not overwritten unless told.
	if _, err := runAPICLI(t, fresh, nil, "", "restore", "--in", atRest); err == nil || !strings.Contains(err.Error(), "already holds data") {
		t.Errorf("restore into a store with data: %v, want it refused", err)
	}
	mustAPICLI(t, fresh, nil, "", "restore", "--in", during, "--force")
	d := startAPIServer(t, fresh, nil)
	dc := d.client()
	dc.login(t, admin.Email, admin.Password)
	if n := len(allPages(t, dc, "/api/v1/sessions/"+se.ID+"/notes?limit=100")); n != len(notes) {
		t.Errorf("after restore --force of the first backup: %d notes, want its %d", n, len(notes))
	}
	d.Stop()

	// A backup with one character changed is refused by its checksum, and
	// nothing is written: the store stays empty, so the good file restores
	// without --force afterwards.
	bad := filepath.Join(t.TempDir(), "bad.jsonl.gz")
	writeGzip(t, bad, strings.Replace(gunzipFile(t, atRest), "Note 1 of the load.", "Note 1 of the l0ad.", 1))
	empty := storetest.DataDir(t)
	_, err := runAPICLI(t, empty, nil, "", "restore", "--in", bad)
	if err == nil || !strings.Contains(err.Error(), "checksum of notes") {
		t.Fatalf("restore of a changed backup: %v, want the checksum of notes refused", err)
	}
	mustAPICLI(t, empty, nil, "", "restore", "--in", atRest)

	// The embedded store belongs to the running server: the command line
	// says to back up through it.
	if _, err := runAPICLI(t, srv.DataDir, nil, "", "backup", "--out", filepath.Join(t.TempDir(), "x.gz")); err == nil || !strings.Contains(err.Error(), "--server") {
		t.Errorf("backup of a served embedded store: %v, want advice to use --server", err)
	}
}

func gunzipFile(t testing.TB, path string) string {
	t.Helper()
	f, err := os.Open(path)
	if err == nil {
		defer f.Close()
		var r *gzip.Reader
		if r, err = gzip.NewReader(f); err == nil {
			var text []byte
			if text, err = io.ReadAll(r); err == nil {
				return string(text)
			}
		}
	}
	t.Fatal(err)
	return ""
}

func writeGzip(t testing.TB, path, text string) {
	t.Helper()
	var buf bytes.Buffer
	w := gzip.NewWriter(&buf)
	_, _ = w.Write([]byte(text))
	_ = w.Close()
	if err := os.WriteFile(path, buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := backup.Read(bytes.NewReader(buf.Bytes())); err == nil {
		t.Fatal("the changed file reads as intact")
	}
}
