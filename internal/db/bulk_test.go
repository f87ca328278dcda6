package db_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/govhall/govhall/internal/db"
	"github.com/govhall/govhall/internal/db/dbtest"
)

type testRows struct {
	n  int
	at time.Time
}

func (r testRows) Len() int { return r.n }
func (r testRows) Row(i int, dst []any) {
	dst[0] = fmt.Sprintf("k%05d", i%(r.n-1)) // the last row repeats the first key
	dst[1] = int64(i)
	if i%2 == 0 {
		dst[2] = nil
	} else {
		dst[2] = "odd"
	}
	dst[3] = r.at
}

// A bulk insert writes every row with its values, in chunks and a
// remainder; a key rebuilt over duplicate keys fails until the duplicates
// are deleted, keeping the row written last.
func TestBulkInsertAndKey(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		ts := "TIMESTAMP"
		if d.Engine == db.Postgres {
			ts = "TIMESTAMPTZ"
		}
		if _, err := d.Exec(ctx, "CREATE TABLE bulk_t (k TEXT NOT NULL, n BIGINT NOT NULL, note TEXT, at "+ts+" NOT NULL)"); err != nil {
			t.Fatal(err)
		}
		if err := d.AddPrimaryKey(ctx, "bulk_t", "bulk_t_pk", "k"); err != nil {
			t.Fatal(err)
		}
		dropped, err := d.DropPrimaryKey(ctx, "bulk_t", "bulk_t_pk")
		if err != nil || !dropped {
			t.Fatalf("drop key: %v %v", dropped, err)
		}
		at := time.Date(2026, 11, 27, 8, 0, 0, 0, time.UTC)
		src := testRows{n: 1001, at: at} // 15 full chunks of 64 and a remainder
		err = d.WithBulkTx(ctx, func(b *db.BulkTx) error {
			return b.Insert(ctx, "bulk_t", []string{"k", "n", "note", "at"}, src)
		})
		if err != nil {
			t.Fatal(err)
		}
		var n, sum, notes int64
		if err := d.QueryRow(ctx, "SELECT count(*), sum(n), count(note) FROM bulk_t").Scan(&n, &sum, &notes); err != nil {
			t.Fatal(err)
		}
		if n != 1001 || sum != 1000*1001/2 || notes != 500 {
			t.Fatalf("rows %d, sum %d, notes %d; want 1001, %d, 500", n, sum, notes, 1000*1001/2)
		}
		var got time.Time
		if err := d.QueryRow(ctx, "SELECT at FROM bulk_t WHERE n = 7").Scan(&got); err != nil || !got.Equal(at) {
			t.Fatalf("time %v %v, want %v", got, err, at)
		}
		if err := d.AddPrimaryKey(ctx, "bulk_t", "bulk_t_pk", "k"); !errors.Is(err, db.ErrDuplicateKey) {
			t.Fatalf("key over a duplicate: %v, want ErrDuplicateKey", err)
		}
		// n stands for the provenance: the repeating row (written last) is n=1000.
		if rep, err := d.DeleteDuplicates(ctx, "bulk_t", "k", "n"); err != nil || len(rep) != 1 || rep[1000] != 1 {
			t.Fatalf("repeats %v %v, want one, written by n=1000", rep, err)
		}
		if err := d.AddPrimaryKey(ctx, "bulk_t", "bulk_t_pk", "k"); err != nil {
			t.Fatal(err)
		}
		var last int64
		if err := d.QueryRow(ctx, "SELECT n FROM bulk_t WHERE k = 'k00000'").Scan(&last); err != nil || last != 1000 {
			t.Fatalf("kept n=%d %v, want the last written (1000)", last, err)
		}
		if err := d.AddPrimaryKey(ctx, "bulk_t", "bulk_t_pk", "k"); err != nil {
			t.Fatalf("second build must be a no-op: %v", err)
		}
		_, err = d.Exec(ctx, "INSERT INTO bulk_t (k, n, at) VALUES ('k00001', 1, ?)", at)
		if !db.IsUniqueViolation(err) {
			t.Fatalf("the rebuilt key must refuse a duplicate, got %v", err)
		}
		// A failed bulk transaction leaves nothing behind.
		err = d.WithBulkTx(ctx, func(b *db.BulkTx) error {
			return b.Insert(ctx, "bulk_t", []string{"k", "n", "note", "at"}, testRows{n: 3, at: at})
		})
		if err == nil {
			t.Fatal("inserting existing keys must fail")
		}
		if err := d.QueryRow(ctx, "SELECT count(*) FROM bulk_t").Scan(&n); err != nil || n != 1000 {
			t.Fatalf("after a failed bulk transaction: %d rows %v, want 1000", n, err)
		}
	})
}

// The key of a table that another table refers to is left in place.
func TestDropPrimaryKeyKeepsAReferencedKey(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		for _, q := range []string{
			"CREATE TABLE parent_t (k TEXT NOT NULL, CONSTRAINT parent_t_pk PRIMARY KEY (k))",
			"CREATE TABLE child_t (k TEXT REFERENCES parent_t (k))",
		} {
			if _, err := d.Exec(ctx, q); err != nil {
				t.Fatal(err)
			}
		}
		dropped, err := d.DropPrimaryKey(ctx, "parent_t", "parent_t_pk")
		if err != nil || dropped {
			t.Fatalf("dropped %v %v, want the key kept", dropped, err)
		}
	})
}
