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
	"github.com/govhall/govhall/internal/catalog"
	"github.com/govhall/govhall/internal/db"
	"github.com/govhall/govhall/internal/demo"
	"github.com/govhall/govhall/internal/gm"
	"github.com/govhall/govhall/internal/hub"
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
	// LicenceKey is the PEM file of the SM2 key that signs e-licences;
	// empty means LicenceKeyPath(DataDir). Created (mode 0600) on first start.
	LicenceKey string
	// DemoPersons is the size of the demo hall's generated population in
	// the data hub (0 means demo.DefaultHubPersons, 100,000); tests use few.
	DemoPersons int
	// DemoCatalogScale multiplies the demo catalog's counts (0 means 1, the
	// seed's scale); tests use a small one so test halls start fast.
	DemoCatalogScale float64
}

// LicenceKeyPath is the default e-licence signing key inside a data dir.
func LicenceKeyPath(dataDir string) string { return filepath.Join(dataDir, "keys", "licence-sm2.pem") }

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
	Catalog  *catalog.Service
	Hub      *hub.Service
	Licences *hub.Issuer // e-licences: issue, revoke, verify
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
	a.Catalog = &catalog.Service{DB: d, Audit: al, Now: c.Now}
	a.Hub = &hub.Service{DB: d, Audit: al, Now: c.Now}
	a.wireHub()
	// A hall upgraded from before the catalog's search index fills it now.
	if n, err := a.Catalog.EnsureSearchIndex(ctx); err != nil {
		d.Close()
		return nil, err
	} else if n > 0 && a.Log != nil {
		a.Log.Info("catalog search index rebuilt", "items", n)
	}
	if err := a.openLicences(ctx); err != nil {
		d.Close()
		return nil, err
	}
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
	site, err := web.New(web.Config{Org: a.Org, Identity: a.Identity, Catalog: a.Catalog, Log: a.Log, Licences: a.Licences, Hub: a.Hub})
	if err != nil {
		return err
	}
	apiV1 := api.New(api.Config{Org: a.Org, Identity: a.Identity, Catalog: a.Catalog, Log: a.Log, Licences: a.Licences, Hub: a.Hub})
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

// openLicences loads (or, on first start, creates) the e-licence signing
// key and registers its public key, so licences it signs are verifiable.
func (a *App) openLicences(ctx context.Context) error {
	path := a.LicenceKey
	if path == "" {
		path = LicenceKeyPath(a.DataDir)
	}
	key, created, err := gm.LoadOrCreateKeyFile(path)
	if err != nil {
		return fmt.Errorf("e-licence signing key: %w", err)
	}
	a.Licences = &hub.Issuer{DB: a.DB, Audit: a.Audit, Org: a.Org, Now: a.Now, Key: key, Hub: a.Hub,
		StaffDepartments: a.Identity.StaffDepartments}
	id, err := a.Licences.RegisterKey(actor.With(ctx, actor.System("start")))
	if err != nil {
		return err
	}
	if created {
		a.Log.Info("e-licence signing key created", "path", path, "key_id", id)
	}
	return nil
}

// Seed builds the demo hall when it is not there yet and reports whether it
// did anything.
func (a *App) Seed(ctx context.Context) (bool, error) {
	ctx = actor.With(ctx, actor.System("seed"))
	did, err := demo.Seed(ctx, a.DB, a.Org, a.Identity, demo.Options{CatalogScale: a.DemoCatalogScale})
	if err != nil {
		return did, err
	}
	didHub, err := demo.SeedHub(ctx, a.Hub, a.DemoPersons)
	return did || didHub, err
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
	go a.activateCatalog(workers, time.Minute)
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

// activateCatalog puts scheduled catalog versions in force when their
// effective time comes.
func (a *App) activateCatalog(ctx context.Context, every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		if n, err := a.Catalog.Activate(actor.With(ctx, actor.System("catalog-scheduler"))); err != nil {
			a.Log.Error("activate catalog versions", "err", err)
		} else if n > 0 {
			a.Log.Info("catalog versions put in force", "count", n)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// Close writes the data hub's pending access-log entries, then closes the
// store.
func (a *App) Close() error {
	a.Hub.Close()
	return a.DB.Close()
}
