package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/mobidesk/mobidesk/internal/domain"
	"github.com/mobidesk/mobidesk/internal/ids"
)

// change describes one audited mutation; it is written in the same
// transaction as the mutation itself, so the log can never miss or invent one.
type change struct {
	SubaccountID string
	Action       string
	TargetType   string
	TargetID     string
	Before       any
	After        any
}

func (s *Store) audit(ctx context.Context, tx *sql.Tx, a domain.Actor, c change) error {
	vals, err := auditValues(a, c)
	if err != nil {
		return err
	}
	if _, err = s.exec(ctx, tx, auditInsertSQL, vals...); err != nil {
		return fmt.Errorf("audit: %w", err)
	}
	return nil
}

const auditColumns = `id, subaccount_id, actor_id, actor, action, target_type, target_id, before, after, note,
	request_id, created_at`

const auditInsertSQL = `INSERT INTO audit_entries (` + auditColumns + `)
	VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`

// auditValues are the values of one audit row, in auditColumns order.
func auditValues(a domain.Actor, c change) ([]any, error) {
	before, err := auditJSON(c.Before)
	if err != nil {
		return nil, err
	}
	after, err := auditJSON(c.After)
	if err != nil {
		return nil, err
	}
	var actorID string
	if a.Principal != nil {
		actorID = a.Principal.OperatorID
	}
	return []any{ids.New("aud"), c.SubaccountID, actorID, a.Label(), c.Action, c.TargetType, c.TargetID,
		before, after, a.Note, a.RequestID, ts(now())}, nil
}

// auditJSON encodes a before or after value; nil stays NULL.
func auditJSON(v any) (any, error) {
	if v == nil {
		return nil, nil
	}
	b, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("audit: encode: %w", err)
	}
	return string(b), nil
}

// AuditList returns audit entries, newest first.
func (s *Store) AuditList(ctx context.Context, f domain.AuditFilter) (domain.Page[*domain.AuditEntry], error) {
	var page domain.Page[*domain.AuditEntry]
	var where []string
	var args []any
	arg := func(v any) string { args = append(args, v); return fmt.Sprintf("$%d", len(args)) }
	if f.SubaccountIDs != nil {
		if len(f.SubaccountIDs) == 0 {
			page.Data = []*domain.AuditEntry{}
			return page, nil
		}
		ph := make([]string, len(f.SubaccountIDs))
		for i, id := range f.SubaccountIDs {
			ph[i] = arg(id)
		}
		where = append(where, "subaccount_id IN ("+strings.Join(ph, ", ")+")")
	}
	if f.SubaccountID != "" {
		where = append(where, "subaccount_id = "+arg(f.SubaccountID))
	}
	if f.TargetID != "" {
		where = append(where, "target_id = "+arg(f.TargetID))
	}
	if f.ActorID != "" {
		where = append(where, "actor_id = "+arg(f.ActorID))
	}
	if f.Action != "" {
		where = append(where, "action = "+arg(f.Action))
	}
	cond := "1 = 1"
	if len(where) > 0 {
		cond = strings.Join(where, " AND ")
	}
	if err := s.r.QueryRowContext(ctx, "SELECT count(*) FROM audit_entries WHERE "+cond, args...).Scan(&page.Total); err != nil {
		return page, translate(err, "audit entry")
	}
	if f.Cursor != "" {
		after, err := decodeCursor(f.Cursor)
		if err != nil {
			return page, err
		}
		cond += " AND id < " + arg(after)
	}
	limit := clampLimit(f.Limit)
	rows, err := s.r.QueryContext(ctx, `SELECT id, subaccount_id, actor_id, actor, action, target_type, target_id,
		before, after, note, request_id, created_at
		FROM audit_entries WHERE `+cond+` ORDER BY id DESC LIMIT `+arg(limit+1), args...)
	if err != nil {
		return page, translate(err, "audit entry")
	}
	defer rows.Close()
	page.Data = []*domain.AuditEntry{}
	for rows.Next() {
		var e domain.AuditEntry
		var before, after []byte
		var created int64
		if err := rows.Scan(&e.ID, &e.SubaccountID, &e.ActorID, &e.Actor, &e.Action, &e.TargetType, &e.TargetID,
			&before, &after, &e.Note, &e.RequestID, &created); err != nil {
			return page, translate(err, "audit entry")
		}
		e.Before, e.After = rawJSON(before), rawJSON(after)
		e.CreatedAt = fromTS(created)
		page.Data = append(page.Data, &e)
	}
	if err := rows.Err(); err != nil {
		return page, translate(err, "audit entry")
	}
	if len(page.Data) > limit {
		page.Data = page.Data[:limit]
		page.NextCursor = encodeCursor(page.Data[limit-1].ID)
	}
	return page, nil
}

func rawJSON(b []byte) json.RawMessage {
	if len(b) == 0 {
		return json.RawMessage("null")
	}
	return json.RawMessage(b)
}
