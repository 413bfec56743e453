package httpapi

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"net/http"
	"time"

	"github.com/mobidesk/mobidesk/internal/domain"
	"github.com/mobidesk/mobidesk/internal/httpx"
	"github.com/mobidesk/mobidesk/internal/store"
)

// idempotencyLease is how long a request holds its key before a retry may
// assume it died and run in its place.
const idempotencyLease = time.Minute

// idempotent makes a route honour Idempotency-Key: the same key and body
// replay the first response, a different body answers 422, and a retry
// while the first request runs answers 409. Keys are scoped to the operator.
func (api *API) idempotent(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		key := r.Header.Get("Idempotency-Key")
		if key == "" {
			next.ServeHTTP(w, r)
			return
		}
		if len(key) > 255 {
			httpx.WriteError(w, r, &domain.Error{Code: domain.ECodeValidation, Message: "The Idempotency-Key is too long.",
				Fields: []domain.FieldError{{Field: "Idempotency-Key", Message: "must be at most 255 characters"}}})
			return
		}
		body, err := io.ReadAll(r.Body)
		if err != nil {
			code := domain.ECodeBadRequest
			if httpx.IsTooLarge(err) {
				code = domain.ECodePayloadTooLarge
			}
			httpx.WriteError(w, r, domain.Errorf(code, "The request body could not be read."))
			return
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		scope := IdempotencyScope(r.Context().Value(principalKey{}).(*domain.Principal))
		hash := RequestHash(r, body)

		ctx := r.Context()
		outcome, stored, err := api.app.Store.IdempotencyBegin(ctx, scope, key, hash, idempotencyLease)
		switch {
		case err != nil:
			httpx.WriteError(w, r, err)
			return
		case outcome == store.IdempotencyReused:
			httpx.WriteError(w, r, domain.Errorf(domain.ECodeIdempotencyReused,
				"This Idempotency-Key was used for a different request. Use a new key for a new request."))
			return
		case outcome == store.IdempotencyInUse:
			w.Header().Set("Retry-After", "1")
			httpx.WriteError(w, r, domain.Errorf(domain.ECodeIdempotencyInUse,
				"A request with this Idempotency-Key is still being processed. Retry shortly."))
			return
		case outcome == store.IdempotencyReplay:
			w.Header().Set("Idempotent-Replayed", "true")
			w.Header().Set("Content-Type", stored.ContentType)
			w.WriteHeader(stored.Status)
			w.Write(stored.Body)
			return
		}
		rec := &recorder{header: http.Header{}}
		next.ServeHTTP(rec, r)
		if rec.status == 0 {
			rec.status = http.StatusOK
		}
		// A server error changed nothing we can vouch for replaying: forget
		// the key so that a retry runs again.
		if rec.status >= 500 {
			err = api.app.Store.IdempotencyRelease(ctx, scope, key)
		} else {
			err = api.app.Store.IdempotencyFinish(ctx, scope, key, store.StoredResponse{
				Status: rec.status, ContentType: rec.header.Get("Content-Type"), Body: rec.body.Bytes()})
		}
		if err != nil {
			httpx.WriteError(w, r, err)
			return
		}
		for k, v := range rec.header {
			w.Header()[k] = v
		}
		w.WriteHeader(rec.status)
		w.Write(rec.body.Bytes())
	})
}

// recorder buffers a response so that it can be stored before it is sent.
type recorder struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func (r *recorder) Header() http.Header { return r.header }
func (r *recorder) WriteHeader(code int) {
	if r.status == 0 {
		r.status = code
	}
}
func (r *recorder) Write(b []byte) (int, error) {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	return r.body.Write(b)
}

// IdempotencyScope is the namespace of a principal's keys: one operator's
// key never collides with another's.
func IdempotencyScope(p *domain.Principal) string { return "op:" + p.OperatorID }

// RequestHash identifies a request's content for idempotency: method, path
// with query, and body.
func RequestHash(r *http.Request, body []byte) string {
	sum := sha256.New()
	io.WriteString(sum, r.Method+" "+r.URL.RequestURI()+"\n")
	sum.Write(body)
	return hex.EncodeToString(sum.Sum(nil))
}
