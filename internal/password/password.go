// Package password hashes account passwords with argon2id. It implements
// conference.PasswordHasher, so that the domain package keeps to the standard
// library while passwords are stored in a form that a stolen database does
// not give away.
//
// Hashes are PHC strings, such as
//
//	$argon2id$v=19$m=19456,t=2,p=1$<salt>$<key>
//
// (salt and key in unpadded standard base64), the format of the reference
// implementation, so that other tools can check them. Verify reads the
// parameters from the string, so stronger parameters can be introduced later
// without invalidating existing passwords.
package password

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"golang.org/x/crypto/argon2"

	"github.com/quintet-ag/quintet/internal/conference"
)

var _ conference.PasswordHasher = (*Hasher)(nil)

// Params are argon2id's cost parameters.
type Params struct {
	Time      uint32 // passes over memory
	MemoryKiB uint32 // memory in KiB
	Threads   uint8  // lanes
	SaltLen   uint32 // bytes of random salt
	KeyLen    uint32 // bytes of derived key
}

// DefaultParams follow OWASP's recommendation for argon2id (19 MiB, two
// passes, one lane), which costs a server about 20-30 ms per sign-in: slow
// for an offline guesser, cheap enough for an interactive login.
var DefaultParams = Params{Time: 2, MemoryKiB: 19 * 1024, Threads: 1, SaltLen: 16, KeyLen: 32}

// MinParams is the floor NewWithParams accepts for new hashes.
var MinParams = DefaultParams

// Limits on what Verify accepts from a stored hash. A hash string is data:
// without a ceiling, a corrupted or planted one (m=4194304) could make each
// sign-in attempt allocate gigabytes.
const (
	maxTime      = 16
	maxMemoryKiB = 1 << 20 // 1 GiB
	maxThreads   = 64
	minKeyLen    = 16
	maxKeyLen    = 128
	minSaltLen   = 8
	maxSaltLen   = 64
)

// Hasher hashes passwords with fixed parameters and verifies hashes made
// with any parameters within the limits above.
type Hasher struct {
	p Params
}

// New returns a Hasher with DefaultParams.
func New() *Hasher { return &Hasher{p: DefaultParams} }

// NewWithParams returns a Hasher with p, which must be at least MinParams in
// every respect: the parameters may go up as hardware gets faster, never down.
func NewWithParams(p Params) (*Hasher, error) {
	if p.Time < MinParams.Time || p.MemoryKiB < MinParams.MemoryKiB || p.Threads < MinParams.Threads ||
		p.SaltLen < MinParams.SaltLen || p.KeyLen < MinParams.KeyLen {
		return nil, fmt.Errorf("argon2id parameters %+v are weaker than the minimum %+v", p, MinParams)
	}
	if p.Time > maxTime || p.MemoryKiB > maxMemoryKiB || p.Threads > maxThreads ||
		p.SaltLen > maxSaltLen || p.KeyLen > maxKeyLen {
		// Verify would refuse such hashes, locking everybody out.
		return nil, fmt.Errorf("argon2id parameters %+v exceed what Verify accepts", p)
	}
	return &Hasher{p: p}, nil
}

// Params returns the parameters new hashes are made with.
func (h *Hasher) Params() Params { return h.p }

// Hash returns the PHC string of password with a fresh random salt.
func (h *Hasher) Hash(password string) (string, error) {
	salt := make([]byte, h.p.SaltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", fmt.Errorf("read random salt: %w", err)
	}
	key := argon2.IDKey([]byte(password), salt, h.p.Time, h.p.MemoryKiB, h.p.Threads, h.p.KeyLen)
	return encode(h.p, salt, key), nil
}

// Verify reports whether password matches hash. A hash that cannot be parsed,
// or whose parameters are out of bounds, matches nothing.
func (h *Hasher) Verify(hash, password string) bool {
	p, salt, key, err := decode(hash)
	if err != nil {
		return false
	}
	got := argon2.IDKey([]byte(password), salt, p.Time, p.MemoryKiB, p.Threads, p.KeyLen)
	// Constant time, so that timing tells an attacker nothing about how much
	// of a guessed key matched.
	return subtle.ConstantTimeCompare(got, key) == 1
}

var b64 = base64.RawStdEncoding

func encode(p Params, salt, key []byte) string {
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s",
		argon2.Version, p.MemoryKiB, p.Time, p.Threads, b64.EncodeToString(salt), b64.EncodeToString(key))
}

var errMalformed = errors.New("malformed argon2id hash")

// decode parses a PHC string strictly: only argon2id, only version 19, the
// three parameters in the canonical order m, t, p.
func decode(hash string) (Params, []byte, []byte, error) {
	var p Params
	// "", "argon2id", "v=19", "m=…,t=…,p=…", salt, key
	parts := strings.Split(hash, "$")
	if len(parts) != 6 || parts[0] != "" || parts[1] != "argon2id" {
		return p, nil, nil, errMalformed
	}
	if parts[2] != "v="+strconv.Itoa(argon2.Version) {
		return p, nil, nil, errMalformed
	}
	params := strings.Split(parts[3], ",")
	if len(params) != 3 {
		return p, nil, nil, errMalformed
	}
	m, okM := param(params[0], "m=", maxMemoryKiB)
	t, okT := param(params[1], "t=", maxTime)
	l, okP := param(params[2], "p=", maxThreads)
	if !okM || !okT || !okP {
		return p, nil, nil, errMalformed
	}
	// argon2 itself requires at least 8 KiB per lane; IDKey would otherwise
	// silently raise it and the hash would never have been produced this way.
	if m < 8*l {
		return p, nil, nil, errMalformed
	}
	salt, err := b64.Strict().DecodeString(parts[4])
	if err != nil || len(salt) < minSaltLen || len(salt) > maxSaltLen {
		return p, nil, nil, errMalformed
	}
	key, err := b64.Strict().DecodeString(parts[5])
	if err != nil || len(key) < minKeyLen || len(key) > maxKeyLen {
		return p, nil, nil, errMalformed
	}
	p = Params{Time: t, MemoryKiB: m, Threads: uint8(l), SaltLen: uint32(len(salt)), KeyLen: uint32(len(key))}
	return p, salt, key, nil
}

// param parses "name=N" with 1 <= N <= limit, in canonical decimal form.
func param(s, name string, limit uint32) (uint32, bool) {
	v, ok := strings.CutPrefix(s, name)
	if !ok || v == "" || (len(v) > 1 && v[0] == '0') {
		return 0, false
	}
	n, err := strconv.ParseUint(v, 10, 32)
	if err != nil || n < 1 || n > uint64(limit) {
		return 0, false
	}
	return uint32(n), true
}
