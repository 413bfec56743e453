package app

import (
	"context"
	"time"

	"github.com/mobidesk/mobidesk/internal/auth"
	"github.com/mobidesk/mobidesk/internal/domain"
	"github.com/mobidesk/mobidesk/internal/ids"
)

var errBadToken = domain.Errorf(domain.ECodeUnauthorized, "The API token is not valid or was revoked.")

// TokenCreate makes an API token for an operator. The secret is returned
// once and only its hash is kept.
func (a *App) TokenCreate(ctx context.Context, actor domain.Actor, operatorID, name string) (string, *domain.Token, error) {
	if _, err := a.Store.OperatorGet(ctx, operatorID); err != nil {
		return "", nil, err
	}
	if name == "" {
		name = "API token"
	}
	if len(name) > 100 {
		return "", nil, &domain.Error{Code: domain.ECodeValidation, Message: "Some fields are invalid.",
			Fields: []domain.FieldError{{Field: "name", Message: "must be at most 100 characters"}}}
	}
	secret, prefix := auth.NewToken()
	t := &domain.Token{ID: ids.New("tok"), OperatorID: operatorID, Name: name, Prefix: prefix}
	if err := a.Store.TokenCreate(ctx, actor, t, auth.HashSecret(secret)); err != nil {
		return "", nil, err
	}
	return secret, t, nil
}

// PrincipalFromToken authenticates an API token and records its use.
func (a *App) PrincipalFromToken(ctx context.Context, secret string) (*domain.Principal, error) {
	t, err := a.Store.TokenByHash(ctx, auth.HashSecret(secret))
	if domain.ErrorCode(err) == domain.ECodeNotFound || (err == nil && t.RevokedAt != nil) {
		return nil, errBadToken
	} else if err != nil {
		return nil, err
	}
	op, err := a.Store.OperatorGet(ctx, t.OperatorID)
	if err != nil {
		return nil, err
	}
	if err := a.Store.TokenTouch(ctx, t, a.Now()); err != nil {
		return nil, err
	}
	p := principalOf(op)
	p.TokenID = t.ID
	return p, nil
}

var errBadLogin = domain.Errorf(domain.ECodeUnauthorized, "The email or password is wrong.")

// Login checks an operator's password and opens a session. addr is the
// client's address, for the rate limiter. It returns the cookie secret.
func (a *App) Login(ctx context.Context, email, password, addr, requestID string) (string, *domain.Session, error) {
	email = domain.NormalizeEmail(email)
	if ok, wait := a.Limiter.Allow(email, addr); !ok {
		return "", nil, domain.Errorf(domain.ECodeRateLimited, "Too many failed attempts. Try again in %d minutes.",
			int(wait.Minutes())+1)
	}
	op, hash, err := a.Store.OperatorByEmail(ctx, email)
	if domain.ErrorCode(err) == domain.ECodeNotFound {
		auth.CheckNoOperator(password)
		a.Limiter.Fail(email, addr)
		return "", nil, errBadLogin
	} else if err != nil {
		return "", nil, err
	}
	if ok, err := auth.CheckPassword(hash, password); err != nil {
		return "", nil, err
	} else if !ok {
		a.Limiter.Fail(email, addr)
		return "", nil, errBadLogin
	}
	a.Limiter.Succeed(email, addr)
	secret := auth.NewSecret()
	now := a.Now().Truncate(time.Microsecond)
	sess := &domain.Session{ID: auth.HashSecret(secret), OperatorID: op.ID, CreatedAt: now, LastSeenAt: now,
		ExpiresAt: now.Add(domain.SessionAbsoluteTimeout)}
	p := principalOf(op)
	if err := a.Store.SessionCreate(ctx, domain.Actor{Principal: p, RequestID: requestID}, sess); err != nil {
		return "", nil, err
	}
	return secret, sess, nil
}

var errNoSession = domain.Errorf(domain.ECodeUnauthorized, "Your session has ended. Please sign in again.")

// PrincipalFromSession authenticates a session cookie and keeps it alive.
func (a *App) PrincipalFromSession(ctx context.Context, secret string) (*domain.Principal, error) {
	sess, err := a.Store.SessionGet(ctx, auth.HashSecret(secret))
	if domain.ErrorCode(err) == domain.ECodeNotFound {
		return nil, errNoSession
	} else if err != nil {
		return nil, err
	}
	now := a.Now()
	if sess.Expired(now) {
		return nil, errNoSession
	}
	op, err := a.Store.OperatorGet(ctx, sess.OperatorID)
	if err != nil {
		return nil, err
	}
	if err := a.Store.SessionTouch(ctx, sess, now); err != nil {
		return nil, err
	}
	p := principalOf(op)
	p.SessionID = sess.ID
	return p, nil
}

// Logout ends the principal's session.
func (a *App) Logout(ctx context.Context, actor domain.Actor) error {
	p := actor.Principal
	return a.Store.SessionDelete(ctx, actor, &domain.Session{ID: p.SessionID, OperatorID: p.OperatorID})
}
