package main

import (
	"fmt"
	"net"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/quintet-ag/quintet/internal/mail"
)

// setting is one environment variable: declared once, here, with its default
// and description. config/quintet.example.env must list the same (a test checks).
type setting struct {
	Name        string
	Default     string
	Description string
}

var settings = []setting{
	{"QUINTET_ADDR", "127.0.0.1:8080", "Address the HTTP server listens on (host:port)."},
	{"QUINTET_DATA_DIR", "./data", "Directory of the embedded store's files, its socket and lock."},
	{"QUINTET_MONGODB_URI", "", "MongoDB connection string; empty runs the embedded store."},
	{"QUINTET_DATABASE", "quintet", "Name of the MongoDB database."},
	{"QUINTET_PUBLIC_URL", "", "URL browsers use to reach Quintet (e.g. https://quintet.example.org): sets the allowed origin and, when https, Secure cookies."},
	{"QUINTET_TRUSTED_PROXIES", "", "Comma-separated CIDRs of reverse proxies whose X-Forwarded-For is believed; empty trusts none."},
	{"QUINTET_LOG_LEVEL", "info", "Log level: debug, info, warn or error."},
	{"QUINTET_LOG_FORMAT", "text", "Log format: text or json (one JSON object a line); the access log is one line per request at info."},
	{"QUINTET_METRICS_ADDR", "", "Address of a listener of its own for GET /metrics; empty serves it on the main port to loopback clients only."},
	{"QUINTET_LIVE_CONNECTIONS_PER_USER", "20", "Live WebSocket connections one account may hold open at once; more are refused with 429."},
	{"QUINTET_READ_TIMEOUT", "60s", "Longest a client may take to send one request, headers and body (a Go duration); slower ones are disconnected."},
	{"QUINTET_MAX_CONNECTIONS_PER_ADDRESS", "512", "Most HTTP connections open at once from one client address (an IPv6 /64); live WebSockets and trusted proxies are not counted; 0 means no cap."},
	{"QUINTET_LOGIN_LIMIT_KEYS", "100000", "Most accounts, and most client addresses, the sign-in limiter remembers; when full, sign-ins for new ones are refused until an old entry has recovered."},
	{"QUINTET_SMTP_URL", "", "SMTP server for the reminder e-mails, smtp://user:password@host:587 (STARTTLS required); empty sends nothing and the app shows the digest."},
	{"QUINTET_MAIL_FROM", "quintet@localhost", "Sender address of the reminder e-mails."},
	{"QUINTET_REMINDER_EVERY", "15m", "How often the reminder pass looks for digests to send (a Go duration); each digest goes out once."},
}

// Config is the service's configuration, read from the environment.
type Config struct {
	Addr           string
	DataDir        string
	MongoDBURI     string
	Database       string
	PublicURL      string
	TrustedProxies []string
	LogLevel       string
	LogFormat      string
	// MetricsAddr, when set, is where /metrics is served instead of the main port.
	MetricsAddr string
	// LiveConnsPerUser bounds one account's open live connections.
	LiveConnsPerUser int
	// ReadTimeout bounds how long one request may take to arrive.
	ReadTimeout time.Duration
	// MaxConnsPerAddress caps a client address's open HTTP connections; 0 is no cap.
	MaxConnsPerAddress int
	// LoginLimitKeys bounds each table of the sign-in limiter.
	LoginLimitKeys int
	// SMTPURL is where reminders are sent; empty sends none. MailFrom is
	// their sender; ReminderEvery the time between two reminder passes.
	SMTPURL       string
	MailFrom      string
	ReminderEvery time.Duration
}

func loadConfig(getenv func(string) string) (cfg Config, err error) {
	get := func(name string) string {
		if v := strings.TrimSpace(getenv(name)); v != "" {
			return v
		}
		for _, s := range settings {
			if s.Name == name {
				return s.Default
			}
		}
		panic("undeclared setting " + name)
	}
	cfg = Config{
		Addr:        get("QUINTET_ADDR"),
		DataDir:     get("QUINTET_DATA_DIR"),
		MongoDBURI:  get("QUINTET_MONGODB_URI"),
		Database:    get("QUINTET_DATABASE"),
		PublicURL:   strings.TrimRight(get("QUINTET_PUBLIC_URL"), "/"),
		LogLevel:    get("QUINTET_LOG_LEVEL"),
		LogFormat:   get("QUINTET_LOG_FORMAT"),
		MetricsAddr: get("QUINTET_METRICS_ADDR"),
	}
	if _, _, err := net.SplitHostPort(cfg.Addr); err != nil {
		return cfg, fmt.Errorf("QUINTET_ADDR %q is not host:port: %w", cfg.Addr, err)
	}
	if cfg.PublicURL != "" {
		u, err := url.Parse(cfg.PublicURL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return cfg, fmt.Errorf("QUINTET_PUBLIC_URL %q must be an http or https URL", cfg.PublicURL)
		}
	}
	for _, p := range strings.Split(get("QUINTET_TRUSTED_PROXIES"), ",") {
		if p = strings.TrimSpace(p); p == "" {
			continue
		}
		if _, _, err := net.ParseCIDR(p); err != nil && net.ParseIP(p) == nil {
			return cfg, fmt.Errorf("QUINTET_TRUSTED_PROXIES: %q is not an IP address or CIDR", p)
		}
		cfg.TrustedProxies = append(cfg.TrustedProxies, p)
	}
	n, err := strconv.Atoi(get("QUINTET_LIVE_CONNECTIONS_PER_USER"))
	if err != nil || n < 1 || n > 100000 {
		return cfg, fmt.Errorf("QUINTET_LIVE_CONNECTIONS_PER_USER %q must be a whole number from 1 to 100000", get("QUINTET_LIVE_CONNECTIONS_PER_USER"))
	}
	cfg.LiveConnsPerUser = n
	if cfg.ReadTimeout, err = time.ParseDuration(get("QUINTET_READ_TIMEOUT")); err != nil || cfg.ReadTimeout <= 0 {
		return cfg, fmt.Errorf("QUINTET_READ_TIMEOUT %q must be a positive duration such as 60s", get("QUINTET_READ_TIMEOUT"))
	}
	if cfg.MaxConnsPerAddress, err = strconv.Atoi(get("QUINTET_MAX_CONNECTIONS_PER_ADDRESS")); err != nil || cfg.MaxConnsPerAddress < 0 {
		return cfg, fmt.Errorf("QUINTET_MAX_CONNECTIONS_PER_ADDRESS %q must be a whole number, 0 or more", get("QUINTET_MAX_CONNECTIONS_PER_ADDRESS"))
	}
	if cfg.LoginLimitKeys, err = strconv.Atoi(get("QUINTET_LOGIN_LIMIT_KEYS")); err != nil || cfg.LoginLimitKeys < 1 {
		return cfg, fmt.Errorf("QUINTET_LOGIN_LIMIT_KEYS %q must be a whole number, 1 or more", get("QUINTET_LOGIN_LIMIT_KEYS"))
	}
	if cfg.LogFormat != "text" && cfg.LogFormat != "json" {
		return cfg, fmt.Errorf("QUINTET_LOG_FORMAT %q must be text or json", cfg.LogFormat)
	}
	if cfg.MetricsAddr != "" {
		if _, _, err := net.SplitHostPort(cfg.MetricsAddr); err != nil {
			return cfg, fmt.Errorf("QUINTET_METRICS_ADDR %q is not host:port: %w", cfg.MetricsAddr, err)
		}
	}
	cfg.SMTPURL, cfg.MailFrom = get("QUINTET_SMTP_URL"), get("QUINTET_MAIL_FROM")
	if cfg.SMTPURL != "" {
		if _, err := mail.New(cfg.SMTPURL, cfg.MailFrom); err != nil {
			return cfg, err
		}
	}
	if cfg.ReminderEvery, err = time.ParseDuration(get("QUINTET_REMINDER_EVERY")); err != nil || cfg.ReminderEvery < time.Second {
		return cfg, fmt.Errorf("QUINTET_REMINDER_EVERY %q must be a duration of 1s or more, such as 15m", get("QUINTET_REMINDER_EVERY"))
	}
	switch cfg.LogLevel {
	case "debug", "info", "warn", "error":
	default:
		return cfg, fmt.Errorf("QUINTET_LOG_LEVEL %q must be debug, info, warn or error", cfg.LogLevel)
	}
	return cfg, nil
}

// origins returns the origins browsers may call from: the public URL's, or,
// without one, the loopback names of the address actually listened on.
func (cfg Config) origins(listened net.Addr) []string {
	if cfg.PublicURL != "" {
		u, _ := url.Parse(cfg.PublicURL)
		return []string{u.Scheme + "://" + u.Host}
	}
	_, port, _ := net.SplitHostPort(listened.String())
	host, _, _ := net.SplitHostPort(cfg.Addr)
	out := []string{"http://127.0.0.1:" + port, "http://localhost:" + port, "http://[::1]:" + port}
	if host != "" && host != "127.0.0.1" && host != "localhost" && host != "0.0.0.0" && host != "::" {
		out = append(out, "http://"+net.JoinHostPort(host, port))
	}
	return out
}

func (cfg Config) secureCookies() bool { return strings.HasPrefix(cfg.PublicURL, "https://") }
