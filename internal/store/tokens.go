package store

import (
	"context"
	"database/sql"
	"time"

	"github.com/mobidesk/mobidesk/internal/domain"
)

const tokenColumns = `id, operator_id, name, prefix, created_at, last_used_at, revoked_at`

// TokenCreate stores a new API token by the hash of its secret.
func (s *Store) TokenCreate(ctx context.Context, a domain.Actor, t *domain.Token, secretHash string) error {
	t.CreatedAt = now()
	return s.tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO api_tokens (id, operator_id, name, prefix, token_hash, created_at)
			VALUES ($1, $2, $3, $4, $5, $6)`, t.ID, t.OperatorID, t.Name, t.Prefix, secretHash, ts(t.CreatedAt)); err != nil {
			return translate(err, "token")
		}
		return s.audit(ctx, tx, a, change{Action: "token.create", TargetType: "token", TargetID: t.ID, After: t})
	})
}

// TokenByHash returns the token whose secret hashes to secretHash, revoked or
// not; callers decide what a revoked token means.
func (s *Store) TokenByHash(ctx context.Context, secretHash string) (*domain.Token, error) {
	return scanToken(s.r.QueryRowContext(ctx, `SELECT `+tokenColumns+` FROM api_tokens WHERE token_hash = $1`, secretHash))
}

// TokenGet returns a token by id, or not_found.
func (s *Store) TokenGet(ctx context.Context, id string) (*domain.Token, error) {
	return scanToken(s.r.QueryRowContext(ctx, `SELECT `+tokenColumns+` FROM api_tokens WHERE id = $1`, id))
}

// TokenList returns an operator's tokens, newest first.
func (s *Store) TokenList(ctx context.Context, operatorID string) ([]*domain.Token, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT `+tokenColumns+` FROM api_tokens WHERE operator_id = $1 ORDER BY id DESC`, operatorID)
	if err != nil {
		return nil, translate(err, "token")
	}
	defer rows.Close()
	out := []*domain.Token{}
	for rows.Next() {
		t, err := scanToken(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, translate(rows.Err(), "token")
}

// tokenTouchEvery bounds how often a busy token writes its last use.
const tokenTouchEvery = time.Minute

// TokenTouch records that a token was used at t. It writes at most once a
// minute per token, so that reads stay reads.
func (s *Store) TokenTouch(ctx context.Context, t *domain.Token, at time.Time) error {
	if t.LastUsedAt != nil && at.Sub(*t.LastUsedAt) < tokenTouchEvery {
		return nil
	}
	_, err := s.w.ExecContext(ctx, `UPDATE api_tokens SET last_used_at = $1 WHERE id = $2`, ts(at), t.ID)
	return translate(err, "token")
}

// TokenRevoke revokes a token at once. Revoking twice answers not_found the
// second time, since there is nothing left to revoke.
func (s *Store) TokenRevoke(ctx context.Context, a domain.Actor, id string) error {
	return s.tx(ctx, func(tx *sql.Tx) error {
		at := now()
		res, err := tx.ExecContext(ctx, `UPDATE api_tokens SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL`, ts(at), id)
		if err != nil {
			return translate(err, "token")
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return translate(sql.ErrNoRows, "token")
		}
		return s.audit(ctx, tx, a, change{Action: "token.revoke", TargetType: "token", TargetID: id,
			After: map[string]any{"revoked_at": at}})
	})
}

func scanToken(row scanner) (*domain.Token, error) {
	var t domain.Token
	var created int64
	var used, revoked sql.NullInt64
	if err := row.Scan(&t.ID, &t.OperatorID, &t.Name, &t.Prefix, &created, &used, &revoked); err != nil {
		return nil, translate(err, "token")
	}
	t.CreatedAt = fromTS(created)
	t.LastUsedAt = fromNullTS(used)
	t.RevokedAt = fromNullTS(revoked)
	return &t, nil
}
