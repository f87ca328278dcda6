package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/govhall/govhall/internal/app"
	"github.com/govhall/govhall/internal/db/dbtest"
	"github.com/govhall/govhall/internal/demo"
)

// The HTTP speed target (issue 5): a verification over HTTP at a fixed
// 1,000 requests/s answers with p99 < 5 ms. Paced, open-loop clients send
// request i at start + i ms whatever the answers do, and each latency is
// measured from that scheduled time (no coordinated omission). The hall is
// the demo hall with GOVHALL_BENCH_PERSONS generated persons (default
// 200,000), or the kept store of GOVHALL_BENCH_PROFILE_DB / _PG, served
// over a real loopback connection; the caller is a health department's
// system with a hub.verify token.
//
//	go test ./internal/api/ -run '^$' -bench VerifyHTTP -benchtime 10000x

func BenchmarkVerifyHTTP(b *testing.B) {
	n := 200000
	if v, err := strconv.Atoi(os.Getenv("GOVHALL_BENCH_PERSONS")); err == nil && v > 0 {
		n = v
	}
	for _, engine := range []string{"sqlite", "postgres"} {
		b.Run(engine, func(b *testing.B) {
			a, srv, token, sample := benchHall(b, engine, n)
			_ = a
			b.Run("verify-1000rps", func(b *testing.B) { paced(b, srv.URL, token, sample, 1000) })
		})
	}
}

// benchHall opens the demo hall: a fresh one, or the store kept between
// runs that GOVHALL_BENCH_PROFILE_DB (a SQLite file named govhall.db, whose
// folder becomes the data dir) or GOVHALL_BENCH_PROFILE_PG (a postgres://
// URL) names, as the hub's BenchmarkProfile does. When that store holds
// persons already, the demo's generated population is not added to them.
func benchHall(b *testing.B, engine string, persons int) (*app.App, *httptest.Server, string, []string) {
	b.Helper()
	log, _ := app.NewLogger(io.Discard, "text")
	cfg := app.Config{DataDir: b.TempDir(), Log: log, DemoPersons: persons, DemoCatalogScale: demo.TestCatalogScale}
	switch kept := os.Getenv("GOVHALL_BENCH_PROFILE_DB"); {
	case engine == "sqlite" && kept != "":
		if filepath.Base(kept) != "govhall.db" {
			b.Fatalf("GOVHALL_BENCH_PROFILE_DB=%s: the hall needs a file named govhall.db in its data dir", kept)
		}
		cfg.DataDir = filepath.Dir(kept)
	case engine == "postgres" && os.Getenv("GOVHALL_BENCH_PROFILE_PG") != "":
		cfg.DB = os.Getenv("GOVHALL_BENCH_PROFILE_PG")
	case engine == "postgres":
		cfg.DB = dbtest.PostgresURL(b)
	}
	ctx := context.Background()
	a, err := app.Open(ctx, cfg)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { a.Close() })
	var held int64
	if err := a.DB.QueryRow(ctx, "SELECT count(*) FROM hub_persons").Scan(&held); err != nil {
		b.Fatal(err)
	}
	var marked int64
	if err := a.DB.QueryRow(ctx, "SELECT count(*) FROM seeds WHERE name = ?", demo.HubSeedName).Scan(&marked); err != nil {
		b.Fatal(err)
	}
	if held > 0 && marked == 0 { // a kept store: its population stands for the demo's
		if _, err := a.DB.Exec(ctx, "INSERT INTO seeds (name, applied_at) VALUES (?, ?)", demo.HubSeedName, time.Now().UTC()); err != nil {
			b.Fatal(err)
		}
	}
	start := time.Now()
	if _, err := a.Seed(ctx); err != nil {
		b.Fatal(err)
	}
	if err := a.DB.QueryRow(ctx, "SELECT count(*) FROM hub_persons").Scan(&held); err != nil {
		b.Fatal(err)
	}
	b.Logf("the hall holds %d persons (seeded in %v)", held, time.Since(start).Round(time.Second))
	var dept int64
	if err := a.DB.QueryRow(ctx, "SELECT id FROM departments WHERE kind = 'health_family_planning' ORDER BY id LIMIT 1").Scan(&dept); err != nil {
		b.Fatal(err)
	}
	token, _, err := a.Identity.IssueToken(ctx, "bench", dept, []string{"hub.verify"}, time.Hour)
	if err != nil {
		b.Fatal(err)
	}
	// A random sample of the whole population (both engines have random()).
	rows, err := a.DB.Query(ctx, "SELECT id_number FROM hub_persons ORDER BY random() LIMIT 20000")
	if err != nil {
		b.Fatal(err)
	}
	defer rows.Close()
	var sample []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			b.Fatal(err)
		}
		sample = append(sample, id)
	}
	srv := httptest.NewServer(a.Handler)
	b.Cleanup(srv.Close)
	return a, srv, token, sample
}

// paced sends b.N verifications at rate per second and reports p50, p99
// and the rate achieved.
func paced(b *testing.B, base, token string, sample []string, rate int) {
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 256, MaxConnsPerHost: 256}, Timeout: 10 * time.Second}
	bodies := make([][]byte, len(sample))
	for i, id := range sample {
		bodies[i], _ = json.Marshal(map[string]any{"subject": id, "case_ref": "BENCH-1",
			"values": map[string]string{"person.name": "核验", "person.marital_status": "已婚"}})
	}
	// Warm up (connections, caches) with 200 requests, then let the hall
	// settle.
	for i := range 200 {
		req, _ := http.NewRequest("POST", base+"/api/v1/hub/verify", bytes.NewReader(bodies[(i+7919)%len(bodies)]))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+token)
		res, err := client.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		_, _ = io.Copy(io.Discard, res.Body)
		res.Body.Close()
	}
	time.Sleep(time.Second)
	lat := make([]time.Duration, b.N)
	var failed sync.Map
	var wg sync.WaitGroup
	interval := time.Second / time.Duration(rate)
	b.ResetTimer()
	start := time.Now()
	for i := range b.N {
		due := start.Add(time.Duration(i) * interval)
		if d := time.Until(due); d > 0 {
			time.Sleep(d)
		}
		wg.Go(func() {
			req, _ := http.NewRequest("POST", base+"/api/v1/hub/verify", bytes.NewReader(bodies[i%len(bodies)]))
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("Authorization", "Bearer "+token)
			res, err := client.Do(req)
			if err == nil {
				_, _ = io.Copy(io.Discard, res.Body)
				res.Body.Close()
				if res.StatusCode != 200 {
					failed.Store(i, res.StatusCode)
				}
			} else {
				failed.Store(i, err)
			}
			lat[i] = time.Since(due)
		})
	}
	wg.Wait()
	elapsed := time.Since(start)
	b.StopTimer()
	failed.Range(func(k, v any) bool { b.Fatalf("request %v: %v", k, v); return false })
	slices.Sort(lat)
	b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1e3, "p50-ms")
	b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1e3, "p99-ms")
	b.ReportMetric(float64(b.N)/elapsed.Seconds(), "req/s")
}
