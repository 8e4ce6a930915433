package conference

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"strings"
	"time"
	"unicode/utf8"
)

// Login is a signed-in browser: a server-side session. Only the hash of its
// token is kept, so a copy of the database signs nobody in.
type Login struct {
	ID        string    `json:"-" bson:"_id"` // hex SHA-256 of the token
	UserID    string    `json:"user_id" bson:"user_id"`
	CreatedAt time.Time `json:"created_at" bson:"created_at"`
	LastSeen  time.Time `json:"last_seen" bson:"last_seen"`
	ExpiresAt time.Time `json:"expires_at" bson:"expires_at"` // absolute expiry
}

// Token is a personal API token for scripts. Only its hash is kept.
type Token struct {
	ID        string    `json:"-" bson:"_id"` // hex SHA-256 of the secret
	UserID    string    `json:"user_id" bson:"user_id"`
	Name      string    `json:"name" bson:"name"`
	CreatedAt time.Time `json:"created_at" bson:"created_at"`
}

// How long a login lasts: it ends after IdleTimeout without a request, and
// after MaxLoginAge whatever happens.
const (
	IdleTimeout = 8 * time.Hour
	MaxLoginAge = 7 * 24 * time.Hour
	// lastSeenGranularity bounds how often a busy login is written back.
	lastSeenGranularity = time.Minute
)

// Password limits.
const (
	MinPasswordLength = 10
	MaxPasswordLength = 256
)

// PasswordHasher hashes and checks passwords. The argon2id implementation
// lives outside the domain so that the domain imports only the standard library.
type PasswordHasher interface {
	Hash(password string) (string, error)
	Verify(hash, password string) bool
}

func validatePassword(pw string) error {
	if utf8.RuneCountInString(pw) < MinPasswordLength {
		return Invalid("password", "password must be at least %d characters", MinPasswordLength)
	}
	if utf8.RuneCountInString(pw) > MaxPasswordLength {
		return Invalid("password", "password must be at most %d characters", MaxPasswordLength)
	}
	return nil
}

// NewSecret returns 256 random bits, URL-safe. It is the token a client holds.
func NewSecret() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b) // crypto/rand.Read never fails on supported platforms
	return base64.RawURLEncoding.EncodeToString(b)
}

// HashSecret is the one way a secret becomes a stored id.
func HashSecret(secret string) string {
	k := keyOf(secret)
	return string(k[:])
}

// secretKey is HashSecret's answer in a fixed array: every signed-in request
// looks its credential up, and m[string(k[:])] does so without allocating.
type secretKey [2 * sha256.Size]byte

func keyOf(secret string) (k secretKey) {
	sum := sha256.Sum256([]byte(strings.TrimSpace(secret)))
	hex.Encode(k[:], sum[:])
	return k
}

// NewID returns a random 96-bit identifier in hex, the default for new documents.
func NewID() string {
	b := make([]byte, 12)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
