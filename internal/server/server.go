// Package server puts mobidesk's HTTP parts together: the API, the
// dashboard, health checks and the middleware every response passes.
package server

import (
	"context"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/mobidesk/mobidesk/internal/app"
	"github.com/mobidesk/mobidesk/internal/domain"
	"github.com/mobidesk/mobidesk/internal/httpapi"
	"github.com/mobidesk/mobidesk/internal/httpx"
	"github.com/mobidesk/mobidesk/internal/web"
)

// Config holds the HTTP settings.
type Config struct {
	Web web.Config
	Log *slog.Logger
}

// Server is mobidesk's HTTP handler, with its parts exposed for tests.
type Server struct {
	API     *httpapi.API
	Web     *web.Web
	handler http.Handler
}

// New assembles the handler.
func New(a *app.App, cfg Config) (*Server, error) {
	if cfg.Log == nil {
		cfg.Log = slog.Default()
	}
	dash, err := web.New(a, cfg.Web)
	if err != nil {
		return nil, err
	}
	session := func(r *http.Request) (*domain.Principal, error) {
		c, err := r.Cookie(web.SessionCookie)
		if err != nil || c.Value == "" {
			return nil, domain.Errorf(domain.ECodeUnauthorized, "Authentication is required: send Authorization: Bearer <token>.")
		}
		return a.PrincipalFromSession(r.Context(), c.Value)
	}
	api := httpapi.New(a, session)

	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		httpx.WriteJSON(w, http.StatusOK, map[string]string{"status": "ok"})
	})
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
		defer cancel()
		if err := a.Store.Ping(ctx); err != nil {
			httpx.WriteJSON(w, http.StatusServiceUnavailable, map[string]string{"status": "unavailable"})
			return
		}
		httpx.WriteJSON(w, http.StatusOK, map[string]string{"status": "ready"})
	})
	mux.Handle("/api/", api)
	mux.Handle("/", dash)

	// Browsers say where a request comes from; a state-changing request
	// from another origin is refused. API clients that send no such
	// headers (curl, integrations) are not browsers and pass.
	csrf := http.NewCrossOriginProtection()
	csrf.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		err := domain.Errorf(domain.ECodeForbidden, "Cross-origin requests that change data are refused.")
		if strings.HasPrefix(r.URL.Path, "/api/") {
			httpx.WriteError(w, r, err)
			return
		}
		http.Error(w, "Cross-origin request refused.", http.StatusForbidden)
	}))

	var h http.Handler = csrf.Handler(mux)
	h = httpx.WithRecover(h)
	h = httpx.WithSecurityHeaders(h)
	h = httpx.WithLog(cfg.Log, h)
	h = httpx.WithRequestID(h)
	return &Server{API: api, Web: dash, handler: h}, nil
}

// ServeHTTP serves a request.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.handler.ServeHTTP(w, r) }

// Run serves on addr until ctx ends, then drains open requests for up to
// grace before returning.
func (s *Server) Run(ctx context.Context, addr string, grace time.Duration, ready func(addr string)) error {
	srv := &http.Server{Handler: s, ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 5 * time.Minute,
		IdleTimeout: 2 * time.Minute}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	if ready != nil {
		ready(ln.Addr().String())
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	shutdown, cancel := context.WithTimeout(context.Background(), grace)
	defer cancel()
	return srv.Shutdown(shutdown)
}
