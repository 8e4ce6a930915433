package password_test

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/quintet-ag/quintet/internal/password"
)

// Vectors made by the reference implementation (the argon2 command of
// phc-winner-argon2), so that our hashes interoperate with other tools:
//
//	echo -n "correct horse battery staple" | argon2 quintet-salt-16b -id -t 2 -k 19456 -p 1 -l 32 -e
//	echo -n "password" | argon2 somesalt -id -t 3 -k 4096 -p 2 -l 24 -e
const (
	refDefault = "$argon2id$v=19$m=19456,t=2,p=1$cXVpbnRldC1zYWx0LTE2Yg$ywMkK4YaoTFLYwqgz7AJfjnRUpE/YWPNmWU9FJXQNlo"
	refOther   = "$argon2id$v=19$m=4096,t=3,p=2$c29tZXNhbHQ$lXVg849vSND1P2W3dzLsZi7RPhAgyEyD"
)

func TestHashFormat(t *testing.T) {
	h := password.New()
	got, err := h.Hash("correct horse battery staple")
	if err != nil {
		t.Fatal(err)
	}
	// 16-byte salt and 32-byte key are 22 and 43 characters of unpadded base64.
	want := regexp.MustCompile(`^\$argon2id\$v=19\$m=19456,t=2,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$`)
	if !want.MatchString(got) {
		t.Fatalf("Hash=%q, want it to match %s", got, want)
	}
}

func TestHashIsSalted(t *testing.T) {
	h := password.New()
	a, err := h.Hash("same password twice")
	if err != nil {
		t.Fatal(err)
	}
	b, err := h.Hash("same password twice")
	if err != nil {
		t.Fatal(err)
	}
	if a == b {
		t.Fatalf("two hashes of one password are equal (%s): the salt is not random", a)
	}
	if !h.Verify(a, "same password twice") || !h.Verify(b, "same password twice") {
		t.Fatal("a fresh hash does not verify")
	}
}

func TestVerify(t *testing.T) {
	h := password.New()
	own, err := h.Hash("pässwörd with ünïcode and spaces ")
	if err != nil {
		t.Fatal(err)
	}
	// Hashes that differ from a valid one in one respect; none may verify.
	replace := func(old, new string) string { return strings.Replace(refDefault, old, new, 1) }
	for _, tt := range []struct {
		name, hash, password string
		want                 bool
	}{
		{"own hash", own, "pässwörd with ünïcode and spaces ", true},
		{"own hash, trimmed password", own, "pässwörd with ünïcode and spaces", false},
		{"reference vector", refDefault, "correct horse battery staple", true},
		{"reference vector, other parameters", refOther, "password", true},
		{"wrong password", refDefault, "correct horse battery stapler", false},
		{"empty password", refDefault, "", false},
		{"empty hash", "", "correct horse battery staple", false},
		{"garbage", "not a hash", "correct horse battery staple", false},
		{"argon2i", replace("argon2id", "argon2i"), "correct horse battery staple", false},
		{"version 16", replace("v=19", "v=16"), "correct horse battery staple", false},
		{"missing version", replace("$v=19", ""), "correct horse battery staple", false},
		{"parameters reordered", replace("m=19456,t=2,p=1", "t=2,m=19456,p=1"), "correct horse battery staple", false},
		{"changed memory", replace("m=19456", "m=19457"), "correct horse battery staple", false},
		{"changed time", replace("t=2", "t=3"), "correct horse battery staple", false},
		{"zero time", replace("t=2", "t=0"), "correct horse battery staple", false},
		{"leading zero", replace("t=2", "t=02"), "correct horse battery staple", false},
		{"negative", replace("t=2", "t=-2"), "correct horse battery staple", false},
		{"memory too large", replace("m=19456", "m=4194304"), "correct horse battery staple", false},
		{"memory below 8 KiB per lane", replace("m=19456,t=2,p=1", "m=8,t=2,p=2"), "correct horse battery staple", false},
		{"too many lanes", replace("p=1", "p=255"), "correct horse battery staple", false},
		{"extra parameter", replace("p=1", "p=1,data=x"), "correct horse battery staple", false},
		{"padded salt", replace("cXVpbnRldC1zYWx0LTE2Yg", "cXVpbnRldC1zYWx0LTE2Yg=="), "correct horse battery staple", false},
		{"salt not base64", replace("cXVpbnRldC1zYWx0LTE2Yg", "!!!!"), "correct horse battery staple", false},
		{"empty salt", replace("cXVpbnRldC1zYWx0LTE2Yg", ""), "correct horse battery staple", false},
		{"truncated key", strings.TrimSuffix(refDefault, "NmWU9FJXQNlo"), "correct horse battery staple", false},
		{"trailing field", refDefault + "$", "correct horse battery staple", false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := h.Verify(tt.hash, tt.password); got != tt.want {
				t.Fatalf("Verify(%q)=%v, want %v", tt.hash, got, tt.want)
			}
		})
	}
}

func TestNewWithParams(t *testing.T) {
	d := password.DefaultParams
	with := func(f func(p *password.Params)) password.Params { p := d; f(&p); return p }
	for _, tt := range []struct {
		name string
		p    password.Params
		ok   bool
	}{
		{"default", d, true},
		{"stronger", with(func(p *password.Params) { p.Time, p.MemoryKiB = 3, 64*1024 }), true},
		{"fewer passes", with(func(p *password.Params) { p.Time = 1 }), false},
		{"less memory", with(func(p *password.Params) { p.MemoryKiB = 4096 }), false},
		{"shorter salt", with(func(p *password.Params) { p.SaltLen = 8 }), false},
		{"shorter key", with(func(p *password.Params) { p.KeyLen = 16 }), false},
		{"more memory than Verify accepts", with(func(p *password.Params) { p.MemoryKiB = 2 << 20 }), false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := password.NewWithParams(tt.p)
			if got := err == nil; got != tt.ok {
				t.Fatalf("NewWithParams(%+v) error=%v, want ok=%v", tt.p, err, tt.ok)
			}
		})
	}
}

func TestStrongerParamsVerify(t *testing.T) {
	p := password.DefaultParams
	p.Time = 3
	strong, err := password.NewWithParams(p)
	if err != nil {
		t.Fatal(err)
	}
	hash, err := strong.Hash("a longer password")
	if err != nil {
		t.Fatal(err)
	}
	if want := fmt.Sprintf("m=%d,t=3,p=1$", p.MemoryKiB); !strings.Contains(hash, want) {
		t.Fatalf("Hash=%q, want parameters %q", hash, want)
	}
	// A Hasher with other parameters still verifies it: Verify reads them
	// from the string.
	if !password.New().Verify(hash, "a longer password") {
		t.Fatal("the default hasher does not verify a hash made with stronger parameters")
	}
}

func BenchmarkHash(b *testing.B) {
	h := password.New()
	for b.Loop() {
		if _, err := h.Hash("correct horse battery staple"); err != nil {
			b.Fatal(err)
		}
	}
}
