package store

import (
	"context"
	"database/sql"

	"github.com/mobidesk/mobidesk/internal/domain"
	"github.com/mobidesk/mobidesk/internal/ids"
)

// OperatorCreate stores a new operator with its grants. passwordHash is
// already hashed. A taken email answers conflict; an unknown subaccount in a
// grant answers not_found.
func (s *Store) OperatorCreate(ctx context.Context, a domain.Actor, in domain.OperatorCreate, passwordHash string) (*domain.Operator, error) {
	op := &domain.Operator{ID: ids.New("op"), Email: in.Email, Name: in.Name, Grants: in.Grants, CreatedAt: now()}
	if op.Name == "" {
		op.Name = op.Email
	}
	err := s.tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO operators (id, email, name, password_hash, locale, created_at)
			VALUES ($1, $2, $3, $4, '', $5)`, op.ID, op.Email, op.Name, passwordHash, ts(op.CreatedAt)); err != nil {
			return translate(err, "operator")
		}
		for _, g := range op.Grants {
			if err := grantInsert(ctx, tx, op.ID, g); err != nil {
				return err
			}
		}
		return s.audit(ctx, tx, a, change{Action: "operator.create", TargetType: "operator", TargetID: op.ID, After: op})
	})
	if err != nil {
		return nil, translate(err, "operator")
	}
	return op, nil
}

func grantInsert(ctx context.Context, tx *sql.Tx, operatorID string, g domain.Grant) error {
	if g.SubaccountID != "" {
		var one int
		if err := tx.QueryRowContext(ctx, `SELECT 1 FROM subaccounts WHERE id = $1`, g.SubaccountID).Scan(&one); err != nil {
			return translate(err, "subaccount")
		}
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO operator_grants (operator_id, subaccount_id, role) VALUES ($1, $2, $3)
		ON CONFLICT (operator_id, subaccount_id) DO UPDATE SET role = excluded.role`, operatorID, g.SubaccountID, string(g.Role))
	return translate(err, "grant")
}

// OperatorGrant gives an existing operator a role, replacing the role they
// held in the same scope.
func (s *Store) OperatorGrant(ctx context.Context, a domain.Actor, operatorID string, g domain.Grant) error {
	return s.tx(ctx, func(tx *sql.Tx) error {
		// Without this, an unknown operator surfaces as a foreign key error.
		var one int
		if err := tx.QueryRowContext(ctx, `SELECT 1 FROM operators WHERE id = $1`, operatorID).Scan(&one); err != nil {
			return translate(err, "operator")
		}
		before, err := grantsOf(ctx, tx, operatorID)
		if err != nil {
			return err
		}
		if err := grantInsert(ctx, tx, operatorID, g); err != nil {
			return err
		}
		after, err := grantsOf(ctx, tx, operatorID)
		if err != nil {
			return err
		}
		return s.audit(ctx, tx, a, change{SubaccountID: g.SubaccountID, Action: "operator.grant",
			TargetType: "operator", TargetID: operatorID, Before: before, After: after})
	})
}

// OperatorGet returns an operator with grants, or not_found.
func (s *Store) OperatorGet(ctx context.Context, id string) (*domain.Operator, error) {
	op, _, err := s.operatorWhere(ctx, "id", id)
	return op, err
}

// OperatorByEmail returns an operator and its password hash, or not_found.
func (s *Store) OperatorByEmail(ctx context.Context, email string) (*domain.Operator, string, error) {
	return s.operatorWhere(ctx, "email", email)
}

func (s *Store) operatorWhere(ctx context.Context, column, value string) (*domain.Operator, string, error) {
	var op domain.Operator
	var hash string
	var created int64
	err := s.r.QueryRowContext(ctx, `SELECT id, email, name, password_hash, locale, created_at FROM operators WHERE `+
		column+` = $1`, value).Scan(&op.ID, &op.Email, &op.Name, &hash, &op.Locale, &created)
	if err != nil {
		return nil, "", translate(err, "operator")
	}
	op.CreatedAt = fromTS(created)
	if op.Grants, err = grantsOf(ctx, s.r, op.ID); err != nil {
		return nil, "", err
	}
	return &op, hash, nil
}

type querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

func grantsOf(ctx context.Context, q querier, operatorID string) ([]domain.Grant, error) {
	rows, err := q.QueryContext(ctx, `SELECT role, subaccount_id FROM operator_grants WHERE operator_id = $1
		ORDER BY subaccount_id`, operatorID)
	if err != nil {
		return nil, translate(err, "grant")
	}
	defer rows.Close()
	grants := []domain.Grant{}
	for rows.Next() {
		var g domain.Grant
		var role string
		if err := rows.Scan(&role, &g.SubaccountID); err != nil {
			return nil, translate(err, "grant")
		}
		g.Role = domain.Role(role)
		grants = append(grants, g)
	}
	return grants, translate(rows.Err(), "grant")
}

// OperatorList returns every operator, by email.
func (s *Store) OperatorList(ctx context.Context) ([]*domain.Operator, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT id FROM operators ORDER BY email`)
	if err != nil {
		return nil, translate(err, "operator")
	}
	var idList []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return nil, translate(err, "operator")
		}
		idList = append(idList, id)
	}
	rows.Close()
	out := []*domain.Operator{}
	for _, id := range idList {
		op, err := s.OperatorGet(ctx, id)
		if err != nil {
			return nil, err
		}
		out = append(out, op)
	}
	return out, nil
}

// OperatorSetPassword replaces an operator's password hash and ends their
// sessions, so a reset locks out whoever knew the old one.
func (s *Store) OperatorSetPassword(ctx context.Context, a domain.Actor, id, passwordHash string) error {
	return s.tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE operators SET password_hash = $1 WHERE id = $2`, passwordHash, id)
		if err != nil {
			return translate(err, "operator")
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return translate(sql.ErrNoRows, "operator")
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE operator_id = $1`, id); err != nil {
			return translate(err, "session")
		}
		return s.audit(ctx, tx, a, change{Action: "operator.password_reset", TargetType: "operator", TargetID: id})
	})
}

// OperatorSetLocale saves an operator's language preference.
func (s *Store) OperatorSetLocale(ctx context.Context, a domain.Actor, id, locale string) error {
	return s.tx(ctx, func(tx *sql.Tx) error {
		var before string
		if err := tx.QueryRowContext(ctx, `SELECT locale FROM operators WHERE id = $1`, id).Scan(&before); err != nil {
			return translate(err, "operator")
		}
		if _, err := tx.ExecContext(ctx, `UPDATE operators SET locale = $1 WHERE id = $2`, locale, id); err != nil {
			return translate(err, "operator")
		}
		return s.audit(ctx, tx, a, change{Action: "operator.locale", TargetType: "operator", TargetID: id,
			Before: map[string]string{"locale": before}, After: map[string]string{"locale": locale}})
	})
}
