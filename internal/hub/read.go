package hub

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/govhall/govhall/internal/i18n"
	"github.com/govhall/govhall/internal/tabular"
)

// LicenceTypes lists the licence-type catalog by code.
func (s *Service) LicenceTypes(ctx context.Context) ([]LicenceType, error) {
	rows, err := s.DB.Query(ctx, `SELECT code, name, name_en, holder_kind, department_kind, data_items, demo
		FROM hub_licence_types ORDER BY code`)
	if err != nil {
		return nil, fmt.Errorf("read licence types: %w", err)
	}
	defer rows.Close()
	var out []LicenceType
	for rows.Next() {
		var t LicenceType
		var items string
		if err := rows.Scan(&t.Code, &t.Name, &t.NameEN, &t.HolderKind, &t.DepartmentKind, &items, &t.Demo); err != nil {
			return nil, err
		}
		if err := json.Unmarshal([]byte(items), &t.DataItems); err != nil {
			return nil, fmt.Errorf("licence type %s: data items: %w", t.Code, err)
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

// ImportStatus is an import as the administrators' hub page and
// `govhall hub stats` show it; a running one shows its progress.
type ImportStatus struct {
	ID                                             int64
	Source, Kind, Format, FileName, SHA256, Status string
	Size                                           int64
	Partial                                        bool
	Read, Inserted, Updated, Unchanged, Rejected   int64
	LastLine                                       int64
	StartedAt, UpdatedAt                           time.Time
	FinishedAt                                     *time.Time
	Error                                          string
}

func (imp importRow) status() ImportStatus {
	st := ImportStatus{ID: imp.ID, Source: imp.Source, Kind: imp.Kind, Format: imp.Format, FileName: imp.FileName,
		SHA256: imp.SHA256, Status: imp.Status, Size: imp.Size, Partial: imp.Partial, Read: imp.Read,
		Inserted: imp.Inserted, Updated: imp.Updated, Unchanged: imp.Unchanged, Rejected: imp.Rejected,
		LastLine: imp.LastLine, StartedAt: imp.StartedAt.UTC(), UpdatedAt: imp.UpdatedAt.UTC(), Error: imp.Error}
	if imp.FinishedAt.Valid {
		t := imp.FinishedAt.Time.UTC()
		st.FinishedAt = &t
	}
	return st
}

// Imports lists the newest imports first (at most limit; 0 means 100).
func (s *Service) Imports(ctx context.Context, limit int) ([]ImportStatus, error) {
	if limit <= 0 {
		limit = 100
	}
	return s.queryImports(ctx, "SELECT "+importCols+" FROM hub_imports ORDER BY id DESC LIMIT ?", limit)
}

// Stats are the hub's record counts: per database, per source (the
// records whose elements of that source have been written) and the last
// import of each source and kind.
type Stats struct {
	Databases []Count
	Sources   []Count
	Last      []ImportStatus
}

// Count is one line of Stats.
type Count struct {
	Database string // population, entity, licence
	Source   string // department kind ("" for the database total)
	Element  string // what the source provides: registry, marriages, births, or a licence type code
	Records  int64
}

// Stats counts the hub's records.
func (s *Service) Stats(ctx context.Context) (Stats, error) {
	var st Stats
	counts := []struct{ db, source, element, q string }{
		{KindPopulation, "", "", "SELECT count(*) FROM hub_persons"},
		{KindEntity, "", "", "SELECT count(*) FROM hub_entities"},
		{KindLicence, "", "", "SELECT count(*) FROM hub_licences"},
		{KindPopulation, "public_security", "registry", "SELECT count(*) FROM hub_persons WHERE registry_import IS NOT NULL"},
		{KindPopulation, "civil_affairs", "marriages", "SELECT count(*) FROM hub_persons WHERE marriage_import IS NOT NULL"},
		{KindPopulation, "health_family_planning", "births", "SELECT count(*) FROM hub_persons WHERE birth_import IS NOT NULL"},
		{KindEntity, "market_regulation", "entities", "SELECT count(*) FROM hub_entities WHERE src_import IS NOT NULL"},
	}
	for _, c := range counts {
		n := Count{Database: c.db, Source: c.source, Element: c.element}
		if err := s.DB.QueryRow(ctx, c.q).Scan(&n.Records); err != nil {
			return Stats{}, fmt.Errorf("count %s: %w", c.db, err)
		}
		if c.source == "" {
			st.Databases = append(st.Databases, n)
		} else {
			st.Sources = append(st.Sources, n)
		}
	}
	rows, err := s.DB.Query(ctx, `SELECT t.department_kind, l.type_code, count(*) FROM hub_licences l
		JOIN hub_licence_types t ON t.code = l.type_code GROUP BY t.department_kind, l.type_code ORDER BY 1, 2`)
	if err != nil {
		return Stats{}, fmt.Errorf("count licences: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		n := Count{Database: KindLicence}
		if err := rows.Scan(&n.Source, &n.Element, &n.Records); err != nil {
			return Stats{}, err
		}
		st.Sources = append(st.Sources, n)
	}
	if err := rows.Err(); err != nil {
		return Stats{}, err
	}
	st.Last, err = s.lastImports(ctx)
	return st, err
}

func (s *Service) lastImports(ctx context.Context) ([]ImportStatus, error) {
	return s.queryImports(ctx, "SELECT "+importCols+` FROM hub_imports WHERE id IN
		(SELECT MAX(id) FROM hub_imports GROUP BY source, kind) ORDER BY source, kind`)
}

// queryImports reads the imports a query selects (importCols).
func (s *Service) queryImports(ctx context.Context, q string, args ...any) ([]ImportStatus, error) {
	rows, err := s.DB.Query(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("read imports: %w", err)
	}
	defer rows.Close()
	var out []ImportStatus
	for rows.Next() {
		imp, err := scanImport(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, imp.status())
	}
	return out, rows.Err()
}

// writeRejects writes an import's rejected rows, in line order, as CSV:
// line, field, reason (zh-CN), reason key, then the original columns.
func (s *Service) writeRejects(ctx context.Context, id int64, f *format, colmap []int, path string) error {
	w, err := tabular.Create(path, tabular.CSV, "")
	if err != nil {
		return fmt.Errorf("rejects file: %w", err)
	}
	header := []string{"行号[line]", "字段[field]", "原因[reason]", "原因代码[reason_key]"}
	for _, j := range colmap {
		header = append(header, f.fields[j].zh+"["+f.fields[j].en+"]")
	}
	if err := w.Write(header); err != nil {
		w.Close()
		return err
	}
	rows, err := s.DB.Query(ctx, `SELECT line, field, reason_key, reason_args, cells FROM hub_rejects
		WHERE import_id = ? ORDER BY line`, id)
	if err != nil {
		w.Close()
		return fmt.Errorf("read rejects: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var line int64
		var field, key, args, cells string
		if err := rows.Scan(&line, &field, &key, &args, &cells); err != nil {
			w.Close()
			return err
		}
		var a map[string]any
		var c []string
		_ = json.Unmarshal([]byte(args), &a)
		_ = json.Unmarshal([]byte(cells), &c)
		out := append([]string{itoa(line), field, strings.TrimSpace(i18n.T(i18n.ZH, key, a)), key}, c...)
		if len(out) > len(header) {
			out = out[:len(header)]
		}
		if err := w.Write(out); err != nil {
			w.Close()
			return err
		}
	}
	if err := rows.Err(); err != nil {
		w.Close()
		return err
	}
	return w.Close()
}
