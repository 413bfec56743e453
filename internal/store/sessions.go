package store

import (
	"context"
	"database/sql"
	"time"

	"github.com/mobidesk/mobidesk/internal/domain"
)

// SessionCreate stores a dashboard session (its ID is the hash of the cookie
// value) and audits the login.
func (s *Store) SessionCreate(ctx context.Context, a domain.Actor, sess *domain.Session) error {
	return s.tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO sessions (id, operator_id, created_at, last_seen_at, expires_at)
			VALUES ($1, $2, $3, $4, $5)`, sess.ID, sess.OperatorID, ts(sess.CreatedAt), ts(sess.LastSeenAt), ts(sess.ExpiresAt)); err != nil {
			return translate(err, "session")
		}
		// Expired sessions are swept here rather than by a timer: logins are
		// rare enough, and it keeps the table small without another moving part.
		if _, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE expires_at < $1 OR last_seen_at < $2`,
			ts(sess.CreatedAt), ts(sess.CreatedAt.Add(-domain.SessionIdleTimeout))); err != nil {
			return translate(err, "session")
		}
		return s.audit(ctx, tx, a, change{Action: "operator.login", TargetType: "operator", TargetID: sess.OperatorID})
	})
}

// SessionGet returns a session by id, or not_found.
func (s *Store) SessionGet(ctx context.Context, id string) (*domain.Session, error) {
	var sess domain.Session
	var created, seen, expires int64
	err := s.r.QueryRowContext(ctx, `SELECT id, operator_id, created_at, last_seen_at, expires_at FROM sessions WHERE id = $1`, id).
		Scan(&sess.ID, &sess.OperatorID, &created, &seen, &expires)
	if err != nil {
		return nil, translate(err, "session")
	}
	sess.CreatedAt, sess.LastSeenAt, sess.ExpiresAt = fromTS(created), fromTS(seen), fromTS(expires)
	return &sess, nil
}

// sessionTouchEvery bounds how often a session writes its last activity.
const sessionTouchEvery = time.Minute

// SessionTouch extends a session's idle expiry, at most once a minute.
func (s *Store) SessionTouch(ctx context.Context, sess *domain.Session, at time.Time) error {
	if at.Sub(sess.LastSeenAt) < sessionTouchEvery {
		return nil
	}
	_, err := s.w.ExecContext(ctx, `UPDATE sessions SET last_seen_at = $1 WHERE id = $2`, ts(at), sess.ID)
	return translate(err, "session")
}

// SessionDelete ends a session (logout) and audits it.
func (s *Store) SessionDelete(ctx context.Context, a domain.Actor, sess *domain.Session) error {
	return s.tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE id = $1`, sess.ID); err != nil {
			return translate(err, "session")
		}
		return s.audit(ctx, tx, a, change{Action: "operator.logout", TargetType: "operator", TargetID: sess.OperatorID})
	})
}
