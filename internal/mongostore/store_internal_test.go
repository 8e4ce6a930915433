package mongostore

import (
	"context"
	"errors"
	"testing"

	"github.com/quintet-ag/quintet/internal/conference"
)

func TestHostOf(t *testing.T) {
	for _, tt := range []struct{ uri, want string }{
		{"mongodb://db.example.org:27017", "db.example.org:27017"},
		{"mongodb://db.example.org:27017/quintet?replicaSet=rs0", "db.example.org:27017"},
		{"mongodb://quintet:s3cret@db1:27017,db2:27017/quintet?w=majority", "db1:27017,db2:27017"},
		{"mongodb://quintet:p?ss@word@db1:27017/", "db1:27017"},
		{"mongodb+srv://quintet:s3cret@cluster0.example.net/", "cluster0.example.net"},
		{"mongodb://%2Fvar%2Flib%2Fquintet%2Frun%2Fdb.sock/", "/var/lib/quintet/run/db.sock"},
		{"mongodb://db:27017?w=1", "db:27017"},
	} {
		if got := hostOf(tt.uri); got != tt.want {
			t.Errorf("hostOf(%q)=%q, want %q", tt.uri, got, tt.want)
		}
	}
}

func TestRedact(t *testing.T) {
	uri := "mongodb://quintet:s3cr%3Ft@db:27017/"
	for _, tt := range []struct{ msg, want string }{
		{"auth failed for s3cr%3Ft", "auth failed for xxxxx"},
		{"auth failed for s3cr?t", "auth failed for xxxxx"},
		{"connection refused", "connection refused"},
	} {
		cause := errors.New(tt.msg)
		err := redact(cause, uri)
		if got := err.Error(); got != tt.want {
			t.Errorf("redact(%q)=%q, want %q", tt.msg, got, tt.want)
		}
		if !errors.Is(err, cause) {
			t.Errorf("redact(%q) hides the cause from errors.Is", tt.msg)
		}
	}
	if got := passwordOf("mongodb://db:27017/?authSource=a@b"); got != "" {
		t.Errorf("passwordOf of a URI without user info=%q, want none", got)
	}
}

// MongoDB, and FerretDB on replace, name the index that clashed; the
// conflict then names its field without asking the server anything.
func TestConflictFromMessage(t *testing.T) {
	s := &Store{} // no client: a lookup would panic
	n := &conference.Note{ID: "n1", SessionID: "s1", Seq: 3, ClientID: "c-1"}
	for _, tt := range []struct {
		c     conference.Collection
		msg   string
		field string
	}{
		{conference.Notes, `E11000 duplicate key error collection: quintet.notes index: notes_client_id_unique dup key: { client_id: "c-1" }`, "client_id"},
		{conference.Notes, `E11000 duplicate key error collection: quintet.notes index: notes_session_id_seq_unique dup key: { session_id: "s1", seq: 3 }`, "seq"},
		{conference.Notes, `E11000 duplicate key error collection: quintet.notes index: _id_ dup key: { _id: "n1" }`, "id"},
		{conference.Users, `constraint failed: UNIQUE constraint failed: index 'users_5e7cc513_users_email_unique' (2067)`, "email"},
	} {
		err := s.conflict(context.Background(), tt.c, n, true, errors.New(tt.msg))
		var e *conference.Error
		if !errors.As(err, &e) || e.Code != conference.EDUPLICATE || e.Field != tt.field {
			t.Errorf("conflict(%q)=%#v, want EDUPLICATE on %q", tt.msg, err, tt.field)
		}
	}
}
