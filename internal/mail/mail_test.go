package mail_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"io"
	"math/big"
	"net"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"

	"github.com/quintet-ag/quintet/internal/conference"
	"github.com/quintet-ag/quintet/internal/mail"
	"github.com/quintet-ag/quintet/internal/storetest"
)

// received is one message as the SMTP server got it.
type received struct {
	From string
	To   []string
	Data string
}

// smtpServer is a real SMTP server (emersion/go-smtp) on a port of its own
// that takes mail only after STARTTLS and AUTH PLAIN, and keeps it.
type smtpServer struct {
	addr  string
	roots *x509.CertPool
	mu    sync.Mutex
	got   []received
}

func (s *smtpServer) messages() []received {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.got)
}

func startSMTP(t *testing.T, user, password string) *smtpServer {
	t.Helper()
	cert, roots := selfSigned(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &smtpServer{addr: ln.Addr().String(), roots: roots}
	srv := smtp.NewServer(smtp.BackendFunc(func(c *smtp.Conn) (smtp.Session, error) {
		return &smtpSession{srv: s, user: user, password: password}, nil
	}))
	srv.Domain = "localhost"
	srv.TLSConfig = &tls.Config{Certificates: []tls.Certificate{cert}}
	srv.ReadTimeout, srv.WriteTimeout = 10*time.Second, 10*time.Second
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(func() { srv.Close() })
	return s
}

type smtpSession struct {
	srv            *smtpServer
	user, password string
	authed         bool
	msg            received
}

func (s *smtpSession) AuthMechanisms() []string { return []string{sasl.Plain} }

func (s *smtpSession) Auth(mech string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(identity, username, password string) error {
		if username != s.user || password != s.password {
			return errors.New("bad user or password")
		}
		s.authed = true
		return nil
	}), nil
}

func (s *smtpSession) Mail(from string, _ *smtp.MailOptions) error {
	if !s.authed {
		return smtp.ErrAuthRequired
	}
	s.msg = received{From: from}
	return nil
}

func (s *smtpSession) Rcpt(to string, _ *smtp.RcptOptions) error {
	s.msg.To = append(s.msg.To, to)
	return nil
}

func (s *smtpSession) Data(r io.Reader) error {
	b, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	s.msg.Data = string(b)
	s.srv.mu.Lock()
	s.srv.got = append(s.srv.got, s.msg)
	s.srv.mu.Unlock()
	return nil
}

func (s *smtpSession) Reset()        { s.msg = received{} }
func (s *smtpSession) Logout() error { return nil }

// selfSigned makes a certificate for 127.0.0.1 and the pool that trusts it.
func selfSigned(t *testing.T) (tls.Certificate, *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "quintet test smtp"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IPAddresses: []net.IP{net.ParseIP("127.0.0.1")}, KeyUsage: x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	leaf, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	roots := x509.NewCertPool()
	roots.AddCert(leaf)
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key, Leaf: leaf}, roots
}

type plainHasher struct{}

func (plainHasher) Hash(pw string) (string, error) { return "h:" + pw, nil }
func (plainHasher) Verify(hash, pw string) bool    { return hash == "h:"+pw }

// newService is a Service over store, loaded, its clock on 2014-07-09.
func newService(t *testing.T, store conference.Store) *conference.Service {
	t.Helper()
	svc := conference.NewService(store, plainHasher{})
	svc.Now = func() time.Time { return time.Date(2014, 7, 9, 8, 0, 0, 0, time.UTC) }
	if err := svc.Load(context.Background()); err != nil {
		t.Fatal(err)
	}
	return svc
}

// The done-when test of reminders: a real SMTP server receives the digest
// over STARTTLS with AUTH; the recipients, the content and the clearance are
// right; a restart (a new Service on the same store) sends nothing twice.
func TestRemindersReachARealSMTPServer(t *testing.T) {
	ctx := context.Background()
	store, _ := storetest.Open(t)
	svc := newService(t, store)
	sys := conference.SystemActor
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	for _, code := range []string{"CA", "NZ"} {
		_, err := svc.CreateDelegation(ctx, sys, conference.Delegation{Code: code, Name: "Delegation " + code})
		must(err)
	}
	_, err := svc.CreateMeeting(ctx, sys, conference.Meeting{ID: "london-2014", Title: "London 2014", Host: "CA", City: "London",
		TimeZone: "Europe/London", StartDate: "2014-07-01", EndDate: "2014-07-02", Delegations: []string{"CA", "NZ"}})
	must(err)
	user := func(email, delegation string, roles ...conference.Role) *conference.User {
		u, err := svc.CreateUser(ctx, sys, conference.UserInput{Email: email, Name: "User " + email, Roles: roles,
			Delegation: delegation, Password: "correct horse battery"})
		must(err)
		return u
	}
	user("sec@example.org", "", conference.RoleAdmin)
	user("fu.ca@example.org", "CA", conference.RoleFollowup)
	user("head.ca@example.org", "CA", conference.RoleHead) // heads get no reminder
	quiet := user("fu.nz@example.org", "NZ", conference.RoleFollowup)
	action := func(title, owner, due string, m conference.Marking) *conference.Action {
		a, err := svc.CreateAction(ctx, sys, conference.ActionInput{Title: title, Owner: owner, Due: due,
			MeetingID: "london-2014", Marking: m})
		must(err)
		return a
	}
	overdue := action("Share the preservation template", "CA", "2014-07-08", conference.MarkingDelegations)
	heads := action("Brief the heads on the extradition treaty", "CA", "2014-07-08", conference.MarkingHeads)
	nz := action("Train judges in digital evidence", "NZ", "2014-07-20", conference.MarkingDelegations)

	srv := startSMTP(t, "quintet", "s3cret/pw")
	sender, err := mail.New("smtp://quintet:"+url.PathEscape("s3cret/pw")+"@"+srv.addr, "Quintet <quintet@example.org>")
	must(err)
	sender.TLS = &tls.Config{RootCAs: srv.roots, ServerName: "127.0.0.1"}

	// A claim left by a process that died before the server answered: that
	// digest is not sent again (at most once).
	nzWeek := "week:2014-W28:" + quiet.ID
	claimed, err := store.ClaimDigest(ctx, &conference.DigestRecord{ID: nzWeek, User: quiet.ID, Period: "week:2014-W28", ClaimedAt: svc.Now()})
	must(err)
	if !claimed {
		t.Fatal("the first claim of a key was refused")
	}

	pass, err := svc.SendReminders(ctx, sender, store, "https://quintet.example.org")
	must(err)
	got := srv.messages()
	if pass.Sent != 2 || len(got) != 2 {
		t.Fatalf("sent %d, server got %d; want 2 (CA's follow-up, the secretariat)", pass.Sent, len(got))
	}
	byTo := map[string]received{}
	for _, m := range got {
		if m.From != "quintet@example.org" || len(m.To) != 1 {
			t.Fatalf("envelope from %s to %v, want from quintet@example.org to one address", m.From, m.To)
		}
		byTo[m.To[0]] = m
	}
	ca, ok := byTo["fu.ca@example.org"]
	if !ok {
		t.Fatalf("CA's follow-up got nothing; the server got mail for %v", byTo)
	}
	for _, want := range []string{"To: fu.ca@example.org", "Subject: Quintet: 1 action of CA needs you (2014-07-09)",
		overdue.Title, "overdue from today", "https://quintet.example.org/#/actions/" + overdue.ID,
		"https://quintet.example.org/#/attention", "Content-Type: text/plain; charset=utf-8"} {
		if !strings.Contains(ca.Data, want) {
			t.Errorf("CA's digest lacks %q:\n%s", want, ca.Data)
		}
	}
	if strings.Contains(ca.Data, heads.Title) || strings.Contains(ca.Data, heads.ID) || strings.Contains(ca.Data, nz.Title) {
		t.Errorf("CA's follow-up (clearance delegations) was sent what it may not read:\n%s", ca.Data)
	}
	sec := byTo["sec@example.org"]
	for _, want := range []string{heads.Title, overdue.Title, nz.Title, "CA, NZ"} {
		if !strings.Contains(sec.Data, want) {
			t.Errorf("the secretariat's digest lacks %q:\n%s", want, sec.Data)
		}
	}

	// Restart: a new Service on the same store sends nothing twice.
	again := newService(t, store)
	pass, err = again.SendReminders(ctx, sender, store, "https://quintet.example.org")
	must(err)
	if n := len(srv.messages()); pass.Sent != 0 || n != 2 {
		t.Fatalf("after a restart: sent %d, the server holds %d messages; want 0 and 2", pass.Sent, n)
	}
	if pass.Skipped != 3 {
		t.Errorf("after a restart: skipped %d, want 3 (CA, NZ's dead claim, the secretariat)", pass.Skipped)
	}
}

// A server that refuses the credentials sends nothing, and the claim is
// given back for the next pass.
func TestRefusedSendIsRetried(t *testing.T) {
	ctx := context.Background()
	store, _ := storetest.Open(t)
	svc := newService(t, store)
	sys := conference.SystemActor
	_, err := svc.CreateDelegation(ctx, sys, conference.Delegation{Code: "CA", Name: "Canada"})
	if err == nil {
		_, err = svc.CreateMeeting(ctx, sys, conference.Meeting{ID: "m-1", Title: "M", Host: "CA", City: "Ottawa",
			TimeZone: "America/Toronto", StartDate: "2014-07-01", EndDate: "2014-07-02", Delegations: []string{"CA"}})
	}
	if err == nil {
		_, err = svc.CreateUser(ctx, sys, conference.UserInput{Email: "fu@example.org", Name: "Follow-up", Roles: []conference.Role{conference.RoleFollowup},
			Delegation: "CA", Password: "correct horse battery"})
	}
	if err == nil {
		_, err = svc.CreateAction(ctx, sys, conference.ActionInput{Title: "Report", Owner: "CA", Due: "2014-07-09", MeetingID: "m-1"})
	}
	if err != nil {
		t.Fatal(err)
	}
	srv := startSMTP(t, "quintet", "right")
	send := func(pw string) (conference.ReminderPass, error) {
		s, err := mail.New("smtp://quintet:"+pw+"@"+srv.addr, "quintet@example.org")
		if err != nil {
			t.Fatal(err)
		}
		s.TLS = &tls.Config{RootCAs: srv.roots, ServerName: "127.0.0.1"}
		return svc.SendReminders(ctx, s, store, "http://q")
	}
	if pass, err := send("wrong"); err == nil || pass.Sent != 0 || len(srv.messages()) != 0 {
		t.Fatalf("wrong password: %+v err=%v, %d received; want an error and nothing sent", pass, err, len(srv.messages()))
	}
	if pass, err := send("right"); err != nil || pass.Sent != 1 || len(srv.messages()) != 1 {
		t.Fatalf("retry: %+v err=%v, %d received; want the digest sent once", pass, err, len(srv.messages()))
	}
}

func TestNewRefusesBadSettings(t *testing.T) {
	for _, tc := range []struct{ url, from string }{
		{"smtps://u:p@host:465", "q@example.org"}, // only STARTTLS
		{"smtp://", "q@example.org"},
		{"smtp://u:p@host:587/x", "q@example.org"},
		{"smtp://u:p@host:587", "not an address"},
	} {
		if _, err := mail.New(tc.url, tc.from); err == nil {
			t.Errorf("New(%q, %q) accepted", tc.url, tc.from)
		} else if strings.Contains(err.Error(), ":p@") {
			t.Errorf("the error repeats the password: %v", err)
		}
	}
}
