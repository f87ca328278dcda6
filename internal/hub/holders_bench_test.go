package hub

import (
	"context"
	"database/sql"
	"math/rand/v2"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/govhall/govhall/internal/db"
	"github.com/govhall/govhall/internal/db/dbtest"
	"github.com/govhall/govhall/internal/ids"
)

// BenchmarkHolderKeys measures what chooses between the two ways of
// checking licence holders (holders.go), on SQLite with
// GOVHALL_BENCH_PERSONS persons (default 1,000,000): reading every key into
// the in-memory set (ns per key read), probing it (ns per probe), and
// looking keys up with IN (…) as a small file does (ns per key).
//
//	go test ./internal/hub/ -run '^$' -bench HolderKeys -benchtime 3x
func BenchmarkHolderKeys(b *testing.B) {
	n := 1_000_000
	if v, err := strconv.Atoi(os.Getenv("GOVHALL_BENCH_PERSONS")); err == nil && v > 0 {
		n = v
	}
	d := dbtest.SQLite(b)
	s := newService(b, d)
	keys := storeHolderPersons(b, d, n)
	ctx := context.Background()
	b.Run("read", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			h := &holderKeys{}
			if ok, err := h.has(ctx, s, HolderPerson, keys[0]); err != nil || !ok {
				b.Fatalf("first person: %v %v", ok, err)
			}
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/key")
	})
	h := &holderKeys{}
	if _, err := h.has(ctx, s, HolderPerson, keys[0]); err != nil {
		b.Fatal(err)
	}
	b.Run("probe", func(b *testing.B) {
		r := rand.New(rand.NewPCG(1, 2))
		for i := 0; i < b.N; i++ {
			if ok, _ := h.has(ctx, s, HolderPerson, keys[r.IntN(len(keys))]); !ok {
				b.Fatal("a stored person is missing")
			}
		}
	})
	b.Run("lookup", func(b *testing.B) {
		r := rand.New(rand.NewPCG(3, 4))
		batch := make([]any, 20000)
		for i := 0; i < b.N; i++ {
			for j := range batch {
				batch[j] = keys[r.IntN(len(keys))]
			}
			found := 0
			err := lookupIn(ctx, d, personsTable, []string{personsTable.key}, "", batch, func([]string, sql.NullInt64) { found++ })
			if err != nil || found == 0 {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(len(batch)), "ns/key")
	})
}

// storeHolderPersons stores n persons with only their ID numbers and returns
// the numbers.
func storeHolderPersons(b *testing.B, d *db.DB, n int) []string {
	b.Helper()
	keys := make([]string, 0, n)
	start := time.Date(1930, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := 0; len(keys) < n; i++ {
		id, err := ids.MakeIDNumber(bozhouCounties[i%4], start.AddDate(0, 0, i/4/400), 1+i/4%400)
		if err != nil {
			b.Fatal(err)
		}
		keys = append(keys, id)
	}
	rows := make([]*stored, len(keys))
	for i, k := range keys {
		rows[i] = &stored{vals: []string{k}}
	}
	err := d.WithBulkTx(context.Background(), func(t *db.BulkTx) error {
		return t.Insert(context.Background(), "hub_persons", []string{"id_number", "registry_import"}, newRows{rows: rows})
	})
	if err != nil {
		b.Fatal(err)
	}
	return keys
}
