package hub

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// hubMeta is what every profile read needs besides the records: the
// source table, the licence-type catalog and the imports values came
// from. They are small and change rarely, so they are read once and kept
// (sources and types for metaTTL; a finished import never changes).
type hubMeta struct {
	loaded  time.Time
	sources map[string]string // element → department kind
	types   map[string]LicenceType

	mu      sync.RWMutex
	imports map[int64]importProv
}

// importProv is where and when an import's values came from.
type importProv struct {
	source string
	at     time.Time
}

const metaTTL = time.Minute

// metaCache holds the current hubMeta (in Access, so hub.go stays the
// importer's). Reads load it without a lock; a stale one is replaced by
// one reader while the others go on with the old one.
type metaCache struct {
	mu   sync.Mutex // held while a new one is read
	meta atomic.Pointer[hubMeta]
}

func (s *Service) meta(ctx context.Context) (*hubMeta, error) {
	c := &s.Access.metaCache
	old := c.meta.Load()
	if old != nil && time.Since(old.loaded) < metaTTL {
		return old, nil
	}
	if old != nil && !c.mu.TryLock() {
		return old, nil // another read is refreshing it
	}
	if old == nil {
		c.mu.Lock()
	}
	defer c.mu.Unlock()
	if cur := c.meta.Load(); cur != nil && time.Since(cur.loaded) < metaTTL {
		return cur, nil
	}
	src, err := s.sources(ctx)
	if err != nil {
		return nil, err
	}
	types, err := s.LicenceTypes(ctx)
	if err != nil {
		return nil, err
	}
	m := &hubMeta{loaded: time.Now(), sources: src, types: map[string]LicenceType{}, imports: map[int64]importProv{}}
	for _, t := range types {
		m.types[t.Code] = t
	}
	if cur := c.meta.Load(); cur != nil { // finished imports stay valid
		cur.mu.RLock()
		for id, p := range cur.imports {
			if id > 0 {
				m.imports[id] = p
			}
		}
		cur.mu.RUnlock()
	}
	c.meta.Store(m)
	return m, nil
}

// knowImports reads the imports among ids that are not known yet.
func (m *hubMeta) knowImports(ctx context.Context, s *Service, ids ...int64) error {
	var missing []any
	m.mu.RLock()
	for _, id := range ids {
		if _, ok := m.imports[id]; !ok && id != 0 {
			missing = append(missing, id)
		}
	}
	m.mu.RUnlock()
	if len(missing) == 0 {
		return nil
	}
	rows, err := s.DB.Query(ctx, `SELECT id, source, status, updated_at, finished_at FROM hub_imports WHERE id IN (`+
		strings.TrimSuffix(strings.Repeat("?, ", len(missing)), ", ")+")", missing...)
	if err != nil {
		return fmt.Errorf("read imports: %w", err)
	}
	defer rows.Close()
	m.mu.Lock()
	defer m.mu.Unlock()
	for rows.Next() {
		var id int64
		var source, status string
		var updated time.Time
		var finished sql.NullTime
		if err := rows.Scan(&id, &source, &status, &updated, &finished); err != nil {
			return err
		}
		p := importProv{source: source, at: updated.UTC()}
		if finished.Valid {
			p.at = finished.Time.UTC()
		}
		if status == "done" {
			m.imports[id] = p
		} else {
			m.imports[-id] = p // a running import: kept apart, read again next time
		}
	}
	return rows.Err()
}

// datum is a value of element written by import imp: the import's source
// and time, or the element's authority when the import is not known.
func (m *hubMeta) datum(element, value string, imp int64) Datum {
	d := Datum{Value: value, Source: m.sources[element]}
	if se, ok := sourceElement[element]; ok {
		d.Source = m.sources[se]
	}
	if imp == 0 {
		return d
	}
	m.mu.RLock()
	p, ok := m.imports[imp]
	if !ok {
		p, ok = m.imports[-imp]
	}
	m.mu.RUnlock()
	if ok {
		d.Source, d.At = p.source, p.at
	}
	return d
}
