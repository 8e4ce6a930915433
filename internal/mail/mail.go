// Package mail sends the domain's mail (conference.Mail) through an SMTP
// server, with the emersion/go-smtp client: STARTTLS is required, and the
// user and password of the URL sign in with AUTH PLAIN. It is a leaf: the
// domain declares the Mailer it needs and never imports this package.
package mail

import (
	"bytes"
	"context"
	"crypto/sha256"
	"crypto/tls"
	"encoding/hex"
	"errors"
	"fmt"
	"mime"
	"net"
	"net/mail"
	"net/url"
	"strings"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"

	"github.com/quintet-ag/quintet/internal/conference"
)

// Sender sends mail through one SMTP server.
type Sender struct {
	addr     string // host:port
	host     string
	user     string
	password string
	from     *mail.Address
	// TLS is the STARTTLS configuration; nil verifies the server's
	// certificate against the system's roots for its host name.
	TLS *tls.Config
	// Timeout bounds one message, from dialling to QUIT.
	Timeout time.Duration
}

var _ conference.Mailer = (*Sender)(nil)

// New returns a Sender for rawURL (smtp://user:password@host:587; the port
// defaults to 587) that sends as from ("Quintet <quintet@example.org>").
func New(rawURL, from string) (*Sender, error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		return nil, errors.New("QUINTET_SMTP_URL is not a URL") // the error would repeat the password
	}
	if u.Scheme != "smtp" || u.Hostname() == "" {
		return nil, fmt.Errorf("QUINTET_SMTP_URL must be smtp://user:password@host:587 (STARTTLS), not scheme %q", u.Scheme)
	}
	if u.Path != "" && u.Path != "/" || u.RawQuery != "" {
		return nil, errors.New("QUINTET_SMTP_URL takes no path or query")
	}
	addr, err := mail.ParseAddress(from)
	if err != nil {
		return nil, fmt.Errorf("QUINTET_MAIL_FROM %q is not an e-mail address: %w", from, err)
	}
	port := u.Port()
	if port == "" {
		port = "587"
	}
	s := &Sender{addr: net.JoinHostPort(u.Hostname(), port), host: u.Hostname(), from: addr, Timeout: time.Minute}
	if u.User != nil {
		s.user = u.User.Username()
		s.password, _ = u.User.Password()
	}
	return s, nil
}

// Send delivers m: one SMTP transaction, after STARTTLS and, when the URL
// names a user, AUTH PLAIN.
func (s *Sender) Send(ctx context.Context, m conference.Mail) error {
	msg, err := s.message(m, time.Now())
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, s.Timeout)
	defer cancel()
	conn, err := (&net.Dialer{}).DialContext(ctx, "tcp", s.addr)
	if err != nil {
		return fmt.Errorf("smtp: %w", err)
	}
	if deadline, ok := ctx.Deadline(); ok {
		_ = conn.SetDeadline(deadline)
	}
	tlsConfig := s.TLS
	if tlsConfig == nil {
		tlsConfig = &tls.Config{ServerName: s.host, MinVersion: tls.VersionTLS12}
	}
	c, err := smtp.NewClientStartTLS(conn, tlsConfig)
	if err != nil {
		conn.Close()
		return fmt.Errorf("smtp starttls with %s: %w", s.addr, err)
	}
	defer c.Close()
	if s.user != "" {
		if err := c.Auth(sasl.NewPlainClient("", s.user, s.password)); err != nil {
			return fmt.Errorf("smtp auth: %w", err)
		}
	}
	if err := c.SendMail(s.from.Address, m.To, bytes.NewReader(msg)); err != nil {
		return fmt.Errorf("smtp send: %w", err)
	}
	return c.Quit()
}

// message is m as an RFC 5322 message in UTF-8 plain text. Its Message-ID
// is derived from m.Key, so that the same message sent twice is known as one.
func (s *Sender) message(m conference.Mail, now time.Time) ([]byte, error) {
	if len(m.To) == 0 {
		return nil, errors.New("mail: no recipient")
	}
	to := make([]string, len(m.To))
	for i, a := range m.To {
		if _, err := mail.ParseAddress(a); err != nil || strings.ContainsAny(a, "\r\n") {
			return nil, fmt.Errorf("mail: recipient %q is not an address", a)
		}
		to[i] = a
	}
	sum := sha256.Sum256([]byte(m.Key))
	var b bytes.Buffer
	header := func(k, v string) { fmt.Fprintf(&b, "%s: %s\r\n", k, v) }
	header("From", s.from.String())
	header("To", strings.Join(to, ", "))
	header("Subject", mime.QEncoding.Encode("utf-8", m.Subject))
	header("Date", now.UTC().Format(time.RFC1123Z))
	header("Message-ID", "<"+hex.EncodeToString(sum[:16])+"@quintet>")
	header("MIME-Version", "1.0")
	header("Content-Type", "text/plain; charset=utf-8")
	header("Content-Transfer-Encoding", "8bit")
	header("Auto-Submitted", "auto-generated") // RFC 3834: no vacation replies
	b.WriteString("\r\n")
	for line := range strings.Lines(m.Text) {
		// DATA's writer stuffs leading dots itself.
		b.WriteString(strings.TrimRight(line, "\r\n"))
		b.WriteString("\r\n")
	}
	return b.Bytes(), nil
}
