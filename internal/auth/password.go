// Package auth holds the secrets side of access: password hashing, API
// token and session secrets, and the login rate limiter. Which permission a
// role grants is domain.RolePermissions.
package auth

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"

	"golang.org/x/crypto/argon2"
)

// Argon2id parameters, from RFC 9106's second recommendation (64 MiB, 3
// passes), with the parallelism of this machine class.
const (
	argonTime    = 3
	argonMemory  = 64 * 1024
	argonThreads = 2
	argonKeyLen  = 32
	argonSaltLen = 16
)

// HashPassword returns an argon2id hash in the PHC string format.
func HashPassword(password string) (string, error) {
	salt := make([]byte, argonSaltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", err
	}
	key := argon2.IDKey([]byte(password), salt, argonTime, argonMemory, argonThreads, argonKeyLen)
	b64 := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, argonMemory, argonTime, argonThreads,
		b64.EncodeToString(salt), b64.EncodeToString(key)), nil
}

// CheckPassword reports whether password matches hash, in constant time.
func CheckPassword(hash, password string) (bool, error) {
	parts := strings.Split(hash, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return false, errors.New("auth: not an argon2id hash")
	}
	var version int
	var mem, iter uint32
	var threads uint8
	if _, err := fmt.Sscanf(parts[2], "v=%d", &version); err != nil || version != argon2.Version {
		return false, errors.New("auth: unsupported argon2 version")
	}
	// argon2.IDKey panics on zero passes or threads; RFC 9106 also requires
	// at least 8 KiB of memory per thread.
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &mem, &iter, &threads); err != nil ||
		iter < 1 || threads < 1 || mem < 8*uint32(threads) {
		return false, errors.New("auth: bad argon2 parameters")
	}
	b64 := base64.RawStdEncoding
	salt, err := b64.DecodeString(parts[4])
	if err != nil || len(salt) < 8 {
		return false, errors.New("auth: bad salt")
	}
	// An empty key would compare equal to an empty derived key, whatever the password.
	want, err := b64.DecodeString(parts[5])
	if err != nil || len(want) < 16 {
		return false, errors.New("auth: bad key")
	}
	got := argon2.IDKey([]byte(password), salt, iter, mem, threads, uint32(len(want)))
	return subtle.ConstantTimeCompare(got, want) == 1, nil
}

// dummyHash is checked against when an email is unknown, so that a login
// takes as long whether or not the account exists.
var dummyHash, _ = HashPassword("mobidesk-no-such-operator")

// CheckNoOperator spends the time of a password check and always fails.
func CheckNoOperator(password string) { CheckPassword(dummyHash, password) }

// NewSecret returns 32 random bytes, URL-safe encoded.
func NewSecret() string {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		panic("auth: no randomness: " + err.Error()) // the OS has no entropy: nothing is safe
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

// HashSecret hashes a high-entropy secret (token or session id) for storage.
// Such secrets need no salt or slow hash: they cannot be guessed.
func HashSecret(secret string) string {
	sum := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(sum[:])
}

// TokenPrefix starts every API token, so that leaked ones are easy to scan for.
const TokenPrefix = "mdk_"

// NewToken returns a fresh API token secret and the short prefix shown in
// lists to recognise it.
func NewToken() (secret, display string) {
	secret = TokenPrefix + NewSecret()
	return secret, secret[:len(TokenPrefix)+6]
}
