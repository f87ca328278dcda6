package hub

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/govhall/govhall/internal/db"
)

// Where the access log lives. On PostgreSQL it is the hall's own
// hub_access_log table. On SQLite it is a database file of its own next to
// the hall's (govhall.db → govhall-access.db), with its own writer.
//
// The reason is the cost of a read, measured: SQLite empties a reader
// connection's page cache whenever another connection has committed to the
// same file, and the access log commits every few milliseconds while reads
// run. At 6.6 M persons (BenchmarkProfile, a department system reading
// random persons, load 2-3), every profile then re-read its index pages:
// 16-18 page reads and 436-462 CPU-µs per profile with the log in the
// hall's file, 8.6 and 351-363 with it in its own (both committing every
// 2 ms; 257-293 CPU-µs at the 10 ms it commits at now). With no log at
// all a profile took 8.6 page reads. A log in its own file also never
// waits behind an import's batch, which holds the hall's one writer for a
// second or more.
//
// Both files are taken by `govhall backup` and put back by restore
// (internal/backup). A hall that logged into its database before (or a
// backup from then) has those entries moved into the log's file when it
// opens: copied with their ids (INSERT OR IGNORE, so a crash in between
// copies nothing twice), then deleted from the hall's table, which stays
// empty on SQLite.

// OpenAccessLog opens the store of hall's access log, ready to use:
// hall itself on PostgreSQL; on SQLite the log's own file, created on
// first use, with any entries still in the hall's file moved into it. The
// caller closes what it returns when it is not hall.
func OpenAccessLog(ctx context.Context, hall *db.DB) (*db.DB, error) {
	if hall.Engine != db.SQLite {
		return hall, nil
	}
	path := db.AccessLogPath(hall.Path)
	l, err := db.Open(ctx, db.Config{Path: path, ReadConns: 2})
	if err != nil {
		return nil, fmt.Errorf("open the access log: %w", err)
	}
	err = prepareAccessLog(ctx, hall, l)
	if err == nil {
		err = moveAccessLog(ctx, hall, l)
	}
	if err != nil {
		l.Close()
		return nil, fmt.Errorf("open the access log %s: %w", path, err)
	}
	return l, nil
}

// prepareAccessLog creates the log's table in l, as the hall has it.
func prepareAccessLog(ctx context.Context, hall, l *db.DB) error {
	// The table and its index as the hall's migrations made them (one
	// definition: 0009_hub), table first.
	rows, err := hall.Query(ctx, `SELECT sql FROM sqlite_master
		WHERE tbl_name = 'hub_access_log' AND sql IS NOT NULL ORDER BY type DESC, name`)
	if err != nil {
		return err
	}
	var stmts []string
	for rows.Next() {
		var q string
		if err := rows.Scan(&q); err != nil {
			rows.Close()
			return err
		}
		q = strings.Replace(q, "CREATE TABLE ", "CREATE TABLE IF NOT EXISTS ", 1)
		stmts = append(stmts, strings.Replace(q, "CREATE INDEX ", "CREATE INDEX IF NOT EXISTS ", 1))
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	if len(stmts) == 0 {
		return errors.New("the hall's database has no hub_access_log table: run govhall migrate")
	}
	for _, q := range stmts {
		if _, err := l.Exec(ctx, q); err != nil {
			return err
		}
	}
	// A migration that changes hub_access_log must change the log's file
	// too: until one does, refuse rather than write a different table.
	hc, err := columns(ctx, hall)
	if err != nil {
		return err
	}
	lc, err := columns(ctx, l)
	if err != nil {
		return err
	}
	if hc != lc {
		return fmt.Errorf("its hub_access_log has columns (%s), the hall's has (%s): this govhall cannot use it", lc, hc)
	}
	return nil
}

// columns lists hub_access_log's columns in d, in order.
func columns(ctx context.Context, d *db.DB) (string, error) {
	var cols string
	err := d.QueryRow(ctx, "SELECT group_concat(name, ', ') FROM (SELECT name FROM pragma_table_info('hub_access_log') ORDER BY cid)").Scan(&cols)
	return cols, err
}

// moveChunk is how many entries one transaction of the move copies.
const moveChunk = 5000

// moveAccessLog moves the entries in the hall's hub_access_log into l.
func moveAccessLog(ctx context.Context, hall, l *db.DB) error {
	var last int64
	for {
		n, upTo, err := copyAccessChunk(ctx, hall, l, last)
		if err != nil {
			return err
		}
		if n == 0 {
			break
		}
		last = upTo
	}
	if last == 0 {
		return nil
	}
	_, err := hall.Exec(ctx, "DELETE FROM hub_access_log WHERE id <= ?", last)
	return err
}

// copyAccessChunk copies the hall's entries after id from into l, at most
// moveChunk of them, and says how many and the last id.
func copyAccessChunk(ctx context.Context, hall, l *db.DB, from int64) (int, int64, error) {
	rows, err := hall.Query(ctx, `SELECT id, at, accessor_kind, accessor_id, accessor_name, purpose, purpose_ref,
		subject_kind, subject_id, detail, request_id FROM hub_access_log WHERE id > ? ORDER BY id LIMIT ?`, from, moveChunk)
	if err != nil {
		return 0, 0, err
	}
	type entry struct {
		id  int64
		at  time.Time
		txt [9]string
	}
	var es []entry
	for rows.Next() {
		var e entry
		dst := []any{&e.id, &e.at}
		for i := range e.txt {
			dst = append(dst, &e.txt[i])
		}
		if err := rows.Scan(dst...); err != nil {
			rows.Close()
			return 0, 0, err
		}
		es = append(es, e)
	}
	rows.Close()
	if err := rows.Err(); err != nil || len(es) == 0 {
		return 0, 0, err
	}
	err = l.WithTx(ctx, func(tx *db.Tx) error {
		st, err := tx.Prepare(ctx, `INSERT OR IGNORE INTO hub_access_log (id, at, accessor_kind, accessor_id, accessor_name,
			purpose, purpose_ref, subject_kind, subject_id, detail, request_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
		if err != nil {
			return err
		}
		defer st.Close()
		for _, e := range es {
			args := []any{e.id, e.at}
			for _, t := range e.txt {
				args = append(args, t)
			}
			if _, err := st.ExecContext(ctx, args...); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return 0, 0, err
	}
	return len(es), es[len(es)-1].id, nil
}

// logStore is where the access log is written and read.
func (s *Service) logStore() *db.DB {
	if s.AccessLogDB != nil {
		return s.AccessLogDB
	}
	return s.DB
}
