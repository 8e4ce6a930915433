package main

import (
	"fmt"
	"net"
	"net/url"
	"strconv"
	"strings"
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
	{"QUINTET_LIVE_CONNECTIONS_PER_USER", "20", "Live WebSocket connections one account may hold open at once; more are refused with 429."},
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
	// LiveConnsPerUser bounds one account's open live connections.
	LiveConnsPerUser int
}

func loadConfig(getenv func(string) string) (Config, error) {
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
	cfg := Config{
		Addr:       get("QUINTET_ADDR"),
		DataDir:    get("QUINTET_DATA_DIR"),
		MongoDBURI: get("QUINTET_MONGODB_URI"),
		Database:   get("QUINTET_DATABASE"),
		PublicURL:  strings.TrimRight(get("QUINTET_PUBLIC_URL"), "/"),
		LogLevel:   get("QUINTET_LOG_LEVEL"),
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
