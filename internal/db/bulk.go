package db

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"runtime"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
)

// The bulk path: loading millions of rows (the data hub's imports) as fast
// as each engine allows. PostgreSQL takes them through COPY; SQLite through
// multi-row INSERT statements prepared once on the driver connection, which
// skips database/sql's per-argument conversions. A first load into an empty
// table can drop the table's key and rebuild it afterwards, which turns a
// random-order B-tree insert per row into one sort at the end.

// RowSource hands rows to BulkTx.Insert without a slice per row.
type RowSource interface {
	// Len is the number of rows.
	Len() int
	// Row writes row i's values into dst (one per column, in order):
	// string, int64, bool, nil, or time.Time.
	Row(i int, dst []any)
}

// BulkTx is a write transaction on one dedicated connection, with Insert
// for loading many rows at once. Its embedded Tx runs ordinary statements
// in the same transaction.
type BulkTx struct {
	*Tx
	conn  *sql.Conn
	stmts map[string]driver.Stmt // SQLite: prepared multi-row INSERTs by text
}

// The SQLite page cache of the bulk transactions, in KiB (it stays with
// the writer connection). Appending with the keys down needs little: 16
// MiB (a 200,000-person first load ran at 107 k rows/s with 64 MiB against
// 132 k with 16). Loads that look up and update keys in random order read
// pages all over the table and need the hot part of the key's index:
// 400,000 marriages into 6.6 M persons ran at 39 k rows/s with 64 MiB
// (212 MiB peak RSS); 128 MiB was no faster (337 MiB), 192 MiB slower.
const (
	AppendCacheKiB = 16 << 10
	LookupCacheKiB = 64 << 10
)

type bulkCacheKey struct{}

// WithBulkCache returns ctx under which WithBulkTx gives SQLite's writer
// a page cache of kib KiB (AppendCacheKiB when not set).
func WithBulkCache(ctx context.Context, kib int) context.Context {
	return context.WithValue(ctx, bulkCacheKey{}, kib)
}

func bulkCacheOf(ctx context.Context) int {
	if kib, ok := ctx.Value(bulkCacheKey{}).(int); ok && kib > 0 {
		return kib
	}
	return AppendCacheKiB
}

// WithBulkTx runs fn in one write transaction on a connection of its own
// and commits when fn returns nil; an error or panic rolls back.
func (d *DB) WithBulkTx(ctx context.Context, fn func(*BulkTx) error) (err error) {
	conn, err := d.w.Conn(ctx)
	if err != nil {
		return fmt.Errorf("bulk connection: %w", err)
	}
	defer conn.Close()
	if d.Engine == SQLite {
		if _, err := conn.ExecContext(ctx, fmt.Sprintf("PRAGMA cache_size = -%d", bulkCacheOf(ctx))); err != nil {
			return fmt.Errorf("bulk connection: %w", err)
		}
	}
	sqlTx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin transaction: %w", err)
	}
	b := &BulkTx{Tx: &Tx{tx: sqlTx, d: d}, conn: conn, stmts: map[string]driver.Stmt{}}
	defer func() {
		if p := recover(); p != nil {
			b.closeStmts()
			_ = sqlTx.Rollback()
			panic(p)
		}
	}()
	if err := fn(b); err != nil {
		b.closeStmts()
		_ = sqlTx.Rollback()
		return err
	}
	b.closeStmts()
	if err := sqlTx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}

func (b *BulkTx) closeStmts() {
	if len(b.stmts) == 0 {
		return
	}
	_ = b.conn.Raw(func(any) error {
		for _, s := range b.stmts {
			_ = s.Close()
		}
		return nil
	})
	b.stmts = map[string]driver.Stmt{}
}

// Insert appends every row of src to table's columns inside the
// transaction. A constraint violation fails the whole call; callers that
// may meet one wrap it in a savepoint.
func (b *BulkTx) Insert(ctx context.Context, table string, cols []string, src RowSource) error {
	if src.Len() == 0 {
		return nil
	}
	var err error
	if b.d.Engine == Postgres {
		err = b.copyFrom(ctx, table, cols, src)
	} else {
		err = b.insertSQLite(ctx, table, cols, src)
	}
	if err != nil {
		return fmt.Errorf("bulk insert into %s: %w", table, err)
	}
	return nil
}

// Update sets, for every row of src, the columns cols[1:] of the table's
// row whose key (cols[0]) it names: the rows are bulk-loaded into a
// temporary table, then one UPDATE … FROM joins it to the table. A key the
// table does not hold updates nothing. Rows must name distinct keys.
func (b *BulkTx) Update(ctx context.Context, table string, cols []string, src RowSource) error {
	if src.Len() == 0 {
		return nil
	}
	stage := "bulk_stage_" + table
	create := "CREATE TEMP TABLE " + stage + " ON COMMIT DROP AS SELECT " + strings.Join(cols, ", ") + " FROM " + table + " WHERE false"
	if b.d.Engine == SQLite {
		create = "CREATE TEMP TABLE " + stage + " AS SELECT " + strings.Join(cols, ", ") + " FROM " + table + " WHERE false"
	}
	if _, err := b.Exec(ctx, create); err != nil {
		return fmt.Errorf("bulk update of %s: %w", table, err)
	}
	err := b.Insert(ctx, stage, cols, src)
	if err == nil {
		set := make([]string, len(cols)-1)
		for i, c := range cols[1:] {
			set[i] = c + " = s." + c
		}
		_, err = b.Exec(ctx, "UPDATE "+table+" SET "+strings.Join(set, ", ")+" FROM "+stage+" s WHERE "+
			table+"."+cols[0]+" = s."+cols[0])
	}
	if err == nil && b.d.Engine == SQLite {
		_, err = b.Exec(ctx, "DROP TABLE temp."+stage)
	}
	if err != nil {
		return fmt.Errorf("bulk update of %s: %w", table, err)
	}
	return nil
}

// copySource adapts a RowSource to pgx's CopyFromSource.
type copySource struct {
	src  RowSource
	i    int
	vals []any
}

func (c *copySource) Next() bool             { c.i++; return c.i <= c.src.Len() }
func (c *copySource) Values() ([]any, error) { c.src.Row(c.i-1, c.vals); return c.vals, nil }
func (c *copySource) Err() error             { return nil }

func (b *BulkTx) copyFrom(ctx context.Context, table string, cols []string, src RowSource) error {
	return b.conn.Raw(func(dc any) error {
		sc, ok := dc.(*stdlib.Conn)
		if !ok {
			return fmt.Errorf("PostgreSQL connection is a %T, not pgx's", dc)
		}
		n, err := sc.Conn().CopyFrom(ctx, pgx.Identifier{table}, cols,
			&copySource{src: src, vals: make([]any, len(cols))})
		if err == nil && n != int64(src.Len()) {
			err = fmt.Errorf("COPY wrote %d rows of %d", n, src.Len())
		}
		return err
	})
}

// sqliteMaxVars stays under SQLite's limit of bound parameters per
// statement; rowsPerInsert is what measured fastest with the pure-Go driver.
const (
	sqliteMaxVars = 32000
	rowsPerInsert = 64
)

func (b *BulkTx) insertSQLite(ctx context.Context, table string, cols []string, src RowSource) error {
	per := rowsPerInsert
	if per*len(cols) > sqliteMaxVars {
		per = max(1, sqliteMaxVars/len(cols))
	}
	return b.conn.Raw(func(dc any) error {
		vals := make([]any, len(cols))
		args := make([]driver.NamedValue, per*len(cols))
		for i := range args {
			args[i].Ordinal = i + 1
		}
		n := src.Len()
		for start := 0; start < n; start += per {
			k := min(per, n-start)
			st, err := b.prepared(ctx, dc, insertSQL(table, cols, k))
			if err != nil {
				return err
			}
			for r := 0; r < k; r++ {
				src.Row(start+r, vals)
				for c, v := range vals {
					args[r*len(cols)+c].Value = v
				}
			}
			if _, err := st.(driver.StmtExecContext).ExecContext(ctx, args[:k*len(cols)]); err != nil {
				return err
			}
		}
		return nil
	})
}

func (b *BulkTx) prepared(ctx context.Context, dc any, q string) (driver.Stmt, error) {
	if st, ok := b.stmts[q]; ok {
		return st, nil
	}
	pc, ok := dc.(driver.ConnPrepareContext)
	if !ok {
		return nil, fmt.Errorf("SQLite connection %T cannot prepare", dc)
	}
	st, err := pc.PrepareContext(ctx, q)
	if err != nil {
		return nil, err
	}
	b.stmts[q] = st
	return st, nil
}

func insertSQL(table string, cols []string, rows int) string {
	one := "(" + strings.TrimSuffix(strings.Repeat("?,", len(cols)), ",") + ")"
	var sb strings.Builder
	sb.WriteString("INSERT INTO " + table + " (" + strings.Join(cols, ", ") + ") VALUES ")
	for i := 0; i < rows; i++ {
		if i > 0 {
			sb.WriteByte(',')
		}
		sb.WriteString(one)
	}
	return sb.String()
}

// DropPrimaryKey removes table's primary key (named name) before a first
// bulk load, and reports whether it did. It leaves the key in place, and
// says false, when another table's foreign key refers to table. On SQLite
// the key of a bulk-loaded table is a unique index named name.
func (d *DB) DropPrimaryKey(ctx context.Context, table, name string) (bool, error) {
	if d.Engine == SQLite {
		var n int
		err := d.w.QueryRowContext(ctx, `SELECT count(*) FROM sqlite_master
			WHERE type = 'table' AND name <> ? AND lower(sql) LIKE ?`, table, "%references "+strings.ToLower(table)+"%").Scan(&n)
		if err != nil || n > 0 {
			return false, err
		}
		_, err = d.w.ExecContext(ctx, "DROP INDEX IF EXISTS "+name)
		return err == nil, err
	}
	var n int
	err := d.w.QueryRowContext(ctx, `SELECT count(*) FROM pg_constraint
		WHERE contype = 'f' AND confrelid = $1::regclass`, table).Scan(&n)
	if err != nil || n > 0 {
		return false, err
	}
	_, err = d.w.ExecContext(ctx, "ALTER TABLE "+table+" DROP CONSTRAINT IF EXISTS "+name)
	return err == nil, err
}

// BuildIndex runs a CREATE INDEX statement after a bulk load (see
// sortSetup).
func (d *DB) BuildIndex(ctx context.Context, stmt string) error {
	if err := d.sortSetup(ctx); err != nil {
		return err
	}
	if _, err := d.w.ExecContext(ctx, stmt); err != nil {
		return fmt.Errorf("build index: %w", err)
	}
	return nil
}

// sortSetup readies SQLite's writer connection for building an index over
// millions of rows: one sorter thread per CPU, and a page cache of 8 MiB,
// which also sizes the sorter's in-memory runs. Building the keys of 5
// million licences took 13 s and 67 MiB (peak RSS) so, against 21 s and
// 326 MiB with the 64 MiB cache of the bulk loads and no sorter threads.
// The next bulk transaction sets its own cache size again.
func (d *DB) sortSetup(ctx context.Context) error {
	if d.Engine != SQLite {
		return nil
	}
	for _, q := range []string{"PRAGMA cache_size = -8192", fmt.Sprintf("PRAGMA threads = %d", runtime.NumCPU())} {
		if _, err := d.w.ExecContext(ctx, q); err != nil {
			return fmt.Errorf("prepare the sort: %w", err)
		}
	}
	return nil
}

// ErrDuplicateKey is returned (wrapped) by AddPrimaryKey when the rows hold
// a key twice; DeleteDuplicates then keeps the last of each.
var ErrDuplicateKey = errors.New("duplicate key")

// AddPrimaryKey (re)builds table's primary key named name over cols when it
// is missing; a no-op when it exists.
func (d *DB) AddPrimaryKey(ctx context.Context, table, name, cols string) error {
	err := d.sortSetup(ctx)
	if err != nil {
		return err
	}
	if d.Engine == SQLite {
		_, err = d.w.ExecContext(ctx, "CREATE UNIQUE INDEX IF NOT EXISTS "+name+" ON "+table+" ("+cols+")")
	} else {
		var n int
		if err = d.w.QueryRowContext(ctx, "SELECT count(*) FROM pg_constraint WHERE conname = $1", name).Scan(&n); err == nil && n == 0 {
			_, err = d.w.ExecContext(ctx, "ALTER TABLE "+table+" ADD CONSTRAINT "+name+" PRIMARY KEY ("+cols+")")
		}
	}
	if IsUniqueViolation(err) || (err != nil && strings.Contains(err.Error(), "SQLSTATE 23")) {
		return fmt.Errorf("build key %s: %w: %v", name, ErrDuplicateKey, err)
	}
	if err != nil {
		return fmt.Errorf("build key %s: %w", name, err)
	}
	return nil
}

// DeleteDuplicates keeps, of rows sharing the key column, only the one
// written last. It returns, per value of the provenance column prov (the
// import that wrote the row), how many of its rows repeated a key written
// before: with upsert semantics those rows were updates, not inserts.
// Without a key the physical order is the write order: rowid on SQLite,
// ctid on PostgreSQL (a table loaded by appending, with no deletes in
// between).
func (d *DB) DeleteDuplicates(ctx context.Context, table, key, prov string) (map[int64]int64, error) {
	order := "rowid"
	del := "DELETE FROM " + table + " WHERE rowid NOT IN (SELECT max(rowid) FROM " + table + " GROUP BY " + key + ")"
	if d.Engine == Postgres {
		order = "ctid"
		del = "DELETE FROM " + table + " a USING " + table + " b WHERE a." + key + " = b." + key + " AND a.ctid < b.ctid"
	}
	rows, err := d.w.QueryContext(ctx, "SELECT "+prov+", count(*) FROM (SELECT "+prov+", row_number() OVER (PARTITION BY "+
		key+" ORDER BY "+order+") AS dup_rank FROM "+table+") w WHERE dup_rank > 1 GROUP BY "+prov)
	if err != nil {
		return nil, fmt.Errorf("count duplicate keys of %s: %w", table, err)
	}
	repeats := map[int64]int64{}
	for rows.Next() {
		var p sql.NullInt64
		var n int64
		if err := rows.Scan(&p, &n); err != nil {
			rows.Close()
			return nil, err
		}
		repeats[p.Int64] += n
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if _, err := d.w.ExecContext(ctx, del); err != nil {
		return nil, fmt.Errorf("delete duplicate keys of %s: %w", table, err)
	}
	return repeats, nil
}
