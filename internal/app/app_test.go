package app_test

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/govhall/govhall/internal/app"
	"github.com/govhall/govhall/internal/audit"
	"github.com/govhall/govhall/internal/db/dbtest"
	"github.com/govhall/govhall/internal/demo"
)

// startHall serves a freshly seeded hall from an empty data dir on a free
// port and returns the program (so a test can read what a person would
// read on their phone: the SMS outbox) and its base URL; it is shut down
// when the test ends.
func startHall(t *testing.T) (*app.App, string) { return startHallOn(t, "sqlite") }

// startHallOn is startHall on the given engine ("sqlite" or "postgres").
func startHallOn(t *testing.T, engine string) (*app.App, string) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	a, err := app.Open(ctx, hallConfig(t, engine))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.Seed(ctx); err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- a.Serve(ctx, ln) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("serve: %v", err)
		}
		a.Close()
	})
	return a, "http://" + ln.Addr().String()
}

// hallConfig is a test hall's configuration: an empty data dir, and for
// "postgres" a fresh database of the test server.
func hallConfig(t *testing.T, engine string) app.Config {
	cfg := app.Config{DataDir: t.TempDir(), Log: quietLog(), DemoPersons: demo.TestPersons, DemoCatalogScale: demo.TestCatalogScale}
	if engine == "postgres" {
		cfg.DB = dbtest.PostgresURL(t)
	}
	return cfg
}

// onBothEngines runs an end-to-end test on SQLite and on PostgreSQL.
func onBothEngines(t *testing.T, fn func(t *testing.T, engine string)) {
	for _, engine := range []string{"sqlite", "postgres"} {
		t.Run(engine, func(t *testing.T) { fn(t, engine) })
	}
}

// The first start seeds the demo hall; a second start on the same store
// seeds nothing twice. Both engines.
func TestSeedOnceOnBothEngines(t *testing.T) {
	onBothEngines(t, func(t *testing.T, engine string) {
		cfg := hallConfig(t, engine)
		ctx := context.Background()
		var entries []int64
		for i, want := range []bool{true, false} {
			a, err := app.Open(ctx, cfg)
			if err != nil {
				t.Fatal(err)
			}
			did, err := a.Seed(ctx)
			if err != nil || did != want {
				t.Fatalf("start %d: seeded=%v err=%v, want seeded=%v", i+1, did, err, want)
			}
			r, err := audit.Verify(ctx, a.DB, nil)
			if err != nil || !r.OK() {
				t.Fatalf("audit chain: %+v %v", r, err)
			}
			entries = append(entries, r.Entries)
			a.Close()
		}
		if entries[0] == 0 || entries[0] != entries[1] {
			t.Fatalf("audit entries after each start: %v (the seed must be traced once)", entries)
		}
	})
}

// Shutdown lets a request in flight finish before Serve returns.
func TestServeDrainsInFlightRequests(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	a, err := app.Open(ctx, app.Config{DataDir: t.TempDir(), Log: quietLog()})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	release := make(chan struct{})
	inner := a.Handler
	a.Handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/slow" {
			<-release
			io.WriteString(w, "finished")
			return
		}
		inner.ServeHTTP(w, r)
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	served := make(chan error, 1)
	go func() { served <- a.Serve(ctx, ln) }()
	got := make(chan string, 1)
	go func() {
		res, err := http.Get("http://" + ln.Addr().String() + "/slow")
		if err != nil {
			got <- err.Error()
			return
		}
		b, _ := io.ReadAll(res.Body)
		got <- string(b)
	}()
	waitReady(t, "http://"+ln.Addr().String())
	time.Sleep(100 * time.Millisecond) // let /slow reach its handler
	cancel()
	select {
	case err := <-served:
		t.Fatalf("Serve returned (%v) while a request was in flight", err)
	case <-time.After(200 * time.Millisecond):
	}
	close(release)
	if body := <-got; body != "finished" {
		t.Fatalf("in-flight request got %q", body)
	}
	if err := <-served; err != nil {
		t.Fatalf("Serve after drain: %v", err)
	}
}

func waitReady(t *testing.T, base string) {
	t.Helper()
	for i := 0; i < 100; i++ {
		if res, err := http.Get(base + "/readyz"); err == nil {
			res.Body.Close()
			if res.StatusCode == 200 {
				return
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatal("server never became ready")
}

func TestServedHallAnswers(t *testing.T) {
	_, base := startHall(t)
	for path, want := range map[string]string{
		"/":                                  "亳州",
		"/hall/341621":                       "涡阳县",
		"/healthz":                           "ok",
		"/readyz":                            "ready",
		"/metrics":                           "go_sql_open_connections",
		"/api/v1/jurisdictions/341600000000": `"name":"亳州市"`,
	} {
		res, err := http.Get(base + path)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != 200 || !strings.Contains(string(b), want) {
			t.Errorf("%s: %d, want 200 containing %q", path, res.StatusCode, want)
		}
	}
	if _, err := app.OpenStore(context.Background(), app.Config{DataDir: t.TempDir()}, false); err == nil ||
		errors.Is(err, context.DeadlineExceeded) || !strings.Contains(err.Error(), "no hall") {
		t.Fatalf("opening an empty data dir without migrating: %v", err)
	}
}
