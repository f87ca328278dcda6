// Package app builds the whole program from a Config: the store, the
// services, the HTTP handler. The command line and the end-to-end tests use
// it, so both run exactly the same wiring.
package app

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"github.com/govhall/govhall/internal/actor"
	"github.com/govhall/govhall/internal/api"
	"github.com/govhall/govhall/internal/audit"
	"github.com/govhall/govhall/internal/db"
	"github.com/govhall/govhall/internal/demo"
	"github.com/govhall/govhall/internal/identity"
	"github.com/govhall/govhall/internal/notify"
	"github.com/govhall/govhall/internal/org"
	"github.com/govhall/govhall/internal/server"
	"github.com/govhall/govhall/internal/web"
)

// Config says where the hall keeps its data and how it behaves.
type Config struct {
	// DataDir holds the SQLite database (when DB is empty) and uploaded files.
	DataDir string
	// DB is a postgres:// URL; empty selects the embedded SQLite store.
	DB string
	// AuditHash is the audit chain's hash: "sm3" (default) or "sha256".
	AuditHash string
	Log       *slog.Logger
	// Now is the clock; nil means the system clock.
	Now func() time.Time
}

// DBPath is the embedded database file inside a data dir.
func DBPath(dataDir string) string { return filepath.Join(dataDir, "govhall.db") }

// FilesDir is the folder of uploaded files inside a data dir.
func FilesDir(dataDir string) string { return filepath.Join(dataDir, "files") }

// OpenStore opens the configured store within 10 seconds and, when migrate
// is set, brings its schema up to date.
func OpenStore(ctx context.Context, c Config, migrate bool) (*db.DB, error) {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	var cfg db.Config
	if c.DB != "" {
		cfg.URL = c.DB
	} else {
		if !migrate {
			if _, err := os.Stat(DBPath(c.DataDir)); err != nil {
				return nil, fmt.Errorf("no hall in %s (no govhall.db); run govhall serve or govhall migrate first", c.DataDir)
			}
		}
		cfg.Path = DBPath(c.DataDir)
	}
	d, err := db.Open(ctx, cfg)
	if err != nil {
		return nil, err
	}
	if migrate {
		applied, err := d.Migrate(ctx)
		if err != nil {
			d.Close()
			return nil, err
		}
		if len(applied) > 0 && c.Log != nil {
			c.Log.Info("migrations applied", "engine", d.Engine, "migrations", applied)
		}
	}
	return d, nil
}

// App is the assembled program.
type App struct {
	Config
	DB       *db.DB
	Audit    *audit.Log
	Org      *org.Service
	Identity *identity.Service
	Metrics  *prometheus.Registry
	Handler  http.Handler
	// Routes lists every route the handler serves (pages, API, the edge's).
	Routes []string
}

// Open opens and migrates the store and builds every service and the HTTP
// handler.
func Open(ctx context.Context, c Config) (*App, error) {
	if c.Log == nil {
		c.Log, _ = NewLogger(os.Stderr, "text")
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	if err := os.MkdirAll(FilesDir(c.DataDir), 0o750); err != nil {
		return nil, fmt.Errorf("create data dir: %w", err)
	}
	al, err := audit.New(c.AuditHash, c.Now)
	if err != nil {
		return nil, err
	}
	d, err := OpenStore(ctx, c, true)
	if err != nil {
		return nil, err
	}
	a := &App{Config: c, DB: d, Audit: al, Metrics: prometheus.NewRegistry()}
	a.Org = &org.Service{DB: d, Audit: al, Now: c.Now}
	a.Identity = &identity.Service{DB: d, Audit: al, Now: c.Now}
	if err := a.buildHandler(); err != nil {
		d.Close()
		return nil, err
	}
	return a, nil
}

func (a *App) buildHandler() error {
	a.Metrics.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	for name, pool := range a.DB.Pools() {
		a.Metrics.MustRegister(collectors.NewDBStatsCollector(pool, name))
	}
	site, err := web.New(web.Config{Org: a.Org, Identity: a.Identity, Log: a.Log})
	if err != nil {
		return err
	}
	apiV1 := api.New(api.Config{Org: a.Org, Identity: a.Identity, Log: a.Log})
	a.Handler = server.New(server.Config{
		Log: a.Log, Ready: a.DB.Ping, Metrics: a.Metrics,
		HTMLError: site.RenderError, APIError: apiV1.Error,
		// A bearer token identifies a department system; otherwise the
		// session cookie identifies a person.
		Identify: func(w http.ResponseWriter, r *http.Request) *http.Request {
			if r2, bearer := apiV1.Identify(r); bearer {
				return r2
			}
			return site.Identify(w, r)
		},
	}, site, apiV1)
	// After server.New: the API lists its routes as they are registered.
	a.Routes = append(append(append([]string{}, site.Routes()...), apiV1.Routes()...), server.Routes...)
	return nil
}

// Seed builds the demo hall when it is not there yet and reports whether it
// did anything.
func (a *App) Seed(ctx context.Context) (bool, error) {
	return demo.Seed(actor.With(ctx, actor.System("seed")), a.DB, a.Org, a.Identity)
}

// Serve answers requests on ln until ctx is cancelled, then stops taking new
// connections and lets in-flight requests finish (up to 30 seconds).
func (a *App) Serve(ctx context.Context, ln net.Listener) error {
	srv := &http.Server{
		Handler:           a.Handler,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       60 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,
		ErrorLog:          slog.NewLogLogger(a.Log.Handler(), slog.LevelWarn),
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	// The outbox worker: without an SMS gateway the demo's sender writes a
	// log line per message (masked recipient, no text).
	workers, stopWorkers := context.WithCancel(context.Background())
	defer stopWorkers()
	outbox := &notify.Worker{DB: a.DB, Sender: notify.LogSender{Log: a.Log}, Log: a.Log, Now: a.Now}
	go outbox.Run(workers, 2*time.Second)
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	a.Log.Info("shutting down: draining in-flight requests")
	sctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		return fmt.Errorf("drain: %w", err)
	}
	if err := <-errc; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// Close closes the store.
func (a *App) Close() error { return a.DB.Close() }
