package store

import (
	"context"
	"database/sql"
	"time"
)

// IdempotencyOutcome says what to do with a request that carries a key.
type IdempotencyOutcome int

// Outcomes of IdempotencyBegin.
const (
	IdempotencyProceed IdempotencyOutcome = iota // first use: run the request
	IdempotencyReplay                            // done before: send the stored response
	IdempotencyInUse                             // the first request is still running
	IdempotencyReused                            // same key, different request
)

// StoredResponse is the response kept for a key.
type StoredResponse struct {
	Status      int
	ContentType string
	Body        []byte
}

// IdempotencyBegin claims (scope, key) for a request whose content hashes to
// requestHash. A claim left by a crashed request expires after lease, so the
// key can be used again.
func (s *Store) IdempotencyBegin(ctx context.Context, scope, key, requestHash string, lease time.Duration) (IdempotencyOutcome, *StoredResponse, error) {
	var outcome IdempotencyOutcome
	var stored *StoredResponse
	// Through the grouped writer: on SQLite a key's claim shares its fsync
	// with the other requests of the moment.
	err := s.write(ctx, func(tx *sql.Tx) error {
		at := now()
		res, err := tx.ExecContext(ctx, `INSERT INTO idempotency_keys (scope, key, request_hash, state, locked_until, created_at)
			VALUES ($1, $2, $3, 'running', $4, $5) ON CONFLICT (scope, key) DO NOTHING`,
			scope, key, requestHash, ts(at.Add(lease)), ts(at))
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 1 {
			outcome = IdempotencyProceed
			return nil
		}
		var hash, state, ctype string
		var lockedUntil int64
		var status int
		var body []byte
		if err := tx.QueryRowContext(ctx, `SELECT request_hash, state, locked_until, status_code, content_type, response_body
			FROM idempotency_keys WHERE scope = $1 AND key = $2`, scope, key).
			Scan(&hash, &state, &lockedUntil, &status, &ctype, &body); err != nil {
			return err
		}
		switch {
		case hash != requestHash:
			outcome = IdempotencyReused
		case state == "done":
			outcome, stored = IdempotencyReplay, &StoredResponse{Status: status, ContentType: ctype, Body: body}
		case lockedUntil > ts(at):
			outcome = IdempotencyInUse
		default:
			// The first request died without finishing; take its place.
			res, err := tx.ExecContext(ctx, `UPDATE idempotency_keys SET locked_until = $1
				WHERE scope = $2 AND key = $3 AND state = 'running' AND locked_until = $4`,
				ts(at.Add(lease)), scope, key, lockedUntil)
			if err != nil {
				return err
			}
			outcome = IdempotencyInUse
			if n, _ := res.RowsAffected(); n == 1 {
				outcome = IdempotencyProceed
			}
		}
		return nil
	})
	return outcome, stored, translate(err, "idempotency key")
}

// IdempotencyFinish stores the response for a claimed key.
func (s *Store) IdempotencyFinish(ctx context.Context, scope, key string, r StoredResponse) error {
	return translate(s.write(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `UPDATE idempotency_keys SET state = 'done', status_code = $1, content_type = $2,
			response_body = $3 WHERE scope = $4 AND key = $5`, r.Status, r.ContentType, r.Body, scope, key)
		return err
	}), "idempotency key")
}

// IdempotencyRelease forgets a claimed key whose request failed before it
// changed anything (a server error), so that a retry runs again.
func (s *Store) IdempotencyRelease(ctx context.Context, scope, key string) error {
	_, err := s.w.ExecContext(ctx, `DELETE FROM idempotency_keys WHERE scope = $1 AND key = $2 AND state = 'running'`, scope, key)
	return translate(err, "idempotency key")
}

// IdempotencyExpire deletes keys older than before; it returns how many.
func (s *Store) IdempotencyExpire(ctx context.Context, before time.Time) (int64, error) {
	res, err := s.w.ExecContext(ctx, `DELETE FROM idempotency_keys WHERE created_at < $1 AND state = 'done'`, ts(before))
	if err != nil {
		return 0, translate(err, "idempotency key")
	}
	return res.RowsAffected()
}
