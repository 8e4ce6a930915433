package main

import (
	"bufio"
	"net"
	"os"
	"slices"
	"strings"
	"testing"
)

// The example environment file is the operator's reference: it must list
// exactly the declared settings, with their defaults.
func TestExampleEnvMatchesSettings(t *testing.T) {
	f, err := os.Open("../../config/quintet.example.env")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	listed := map[string]string{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		name, value, ok := strings.Cut(line, "=")
		if !ok {
			t.Fatalf("line %q is not NAME=value", line)
		}
		if _, dup := listed[name]; dup {
			t.Errorf("%s is listed twice", name)
		}
		listed[name] = value
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	for _, s := range settings {
		value, ok := listed[s.Name]
		if !ok {
			t.Errorf("%s is declared but missing from config/quintet.example.env", s.Name)
			continue
		}
		if value != s.Default {
			t.Errorf("%s=%q in the example, but its default is %q", s.Name, value, s.Default)
		}
		delete(listed, s.Name)
	}
	for name := range listed {
		t.Errorf("%s is in config/quintet.example.env but not declared in settings", name)
	}
}

func TestLoadConfigRejectsBadValues(t *testing.T) {
	for _, tt := range []struct{ name, value string }{
		{"QUINTET_ADDR", "8080"},
		{"QUINTET_PUBLIC_URL", "ftp://example.org"},
		{"QUINTET_TRUSTED_PROXIES", "10.0.0.0/33"},
		{"QUINTET_LOG_LEVEL", "loud"},
		{"QUINTET_LIVE_CONNECTIONS_PER_USER", "0"},
		{"QUINTET_LIVE_CONNECTIONS_PER_USER", "many"},
		{"QUINTET_READ_TIMEOUT", "soon"},
		{"QUINTET_READ_TIMEOUT", "0s"},
		{"QUINTET_MAX_CONNECTIONS_PER_ADDRESS", "-1"},
		{"QUINTET_MAX_CONNECTIONS_PER_ADDRESS", "many"},
		{"QUINTET_LOGIN_LIMIT_KEYS", "0"},
	} {
		t.Run(tt.name+"="+tt.value, func(t *testing.T) {
			_, err := loadConfig(func(k string) string {
				if k == tt.name {
					return tt.value
				}
				return ""
			})
			if err == nil || !strings.Contains(err.Error(), tt.name) {
				t.Fatalf("err = %v, want an error naming %s", err, tt.name)
			}
		})
	}
}

func TestLoadConfigDefaults(t *testing.T) {
	cfg, err := loadConfig(func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	if got, want := cfg.Addr, "127.0.0.1:8080"; got != want {
		t.Fatalf("Addr = %q, want %q", got, want)
	}
	if got, want := cfg.DataDir, "./data"; got != want {
		t.Fatalf("DataDir = %q, want %q", got, want)
	}
	if got, want := cfg.LiveConnsPerUser, 20; got != want {
		t.Fatalf("LiveConnsPerUser = %d, want %d", got, want)
	}
	if cfg.MongoDBURI != "" || cfg.Database != "quintet" || len(cfg.TrustedProxies) != 0 {
		t.Fatalf("unexpected defaults %+v", cfg)
	}
}

// The allowed origins are exactly those docs/live-protocol.md lists.
func TestAllowedOrigins(t *testing.T) {
	listened := &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 8080}
	for _, tc := range []struct {
		addr, publicURL string
		want            []string
	}{
		{"127.0.0.1:8080", "", []string{"http://127.0.0.1:8080", "http://localhost:8080", "http://[::1]:8080"}},
		{"0.0.0.0:8080", "", []string{"http://127.0.0.1:8080", "http://localhost:8080", "http://[::1]:8080"}},
		{"192.0.2.7:8080", "", []string{"http://127.0.0.1:8080", "http://localhost:8080", "http://[::1]:8080", "http://192.0.2.7:8080"}},
		{"quintet.lan:8080", "", []string{"http://127.0.0.1:8080", "http://localhost:8080", "http://[::1]:8080", "http://quintet.lan:8080"}},
		{"0.0.0.0:8080", "https://quintet.example.org", []string{"https://quintet.example.org"}},
		{"0.0.0.0:8080", "https://quintet.example.org:8443/app", []string{"https://quintet.example.org:8443"}},
	} {
		cfg := Config{Addr: tc.addr, PublicURL: tc.publicURL}
		if got := cfg.origins(listened); !slices.Equal(got, tc.want) {
			t.Errorf("QUINTET_ADDR=%s QUINTET_PUBLIC_URL=%s: origins %q, want %q", tc.addr, tc.publicURL, got, tc.want)
		}
	}
}
