package hub

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"

	"github.com/govhall/govhall/internal/errs"
	"github.com/govhall/govhall/internal/tabular"
)

// Pushing records (issue 5, part 8): a department system sends records as
// JSON instead of a file. They go through the importer itself — the same
// row checks, the same authority rule (the token's department is the
// source), the same provenance, conflicts and audit entry — as a JSON
// Lines file written to a temporary directory. The same records pushed
// twice change nothing (the import is keyed by the file's SHA-256).

// MaxPushRecords bounds one push; bigger loads are files for hub import.
const MaxPushRecords = 10000

// PushRequest is one push of records of one kind, by one source.
type PushRequest struct {
	Source  string // the department kind of the pushing system
	Kind    string // population, entity or licence
	Records []map[string]string
	// Partial imports the good records when some are rejected; without
	// it nothing is imported unless every record passes.
	Partial bool
}

// PushReject is a rejected record: its index in the request, the field
// and the reason (an i18n key with its arguments).
type PushReject struct {
	Record int            `json:"record"`
	Field  string         `json:"field,omitempty"`
	Key    string         `json:"-"`
	Args   map[string]any `json:"-"`
}

// PushReport is the outcome of a push.
type PushReport struct {
	ImportReport
	Rejects []PushReject
}

// Push imports the records of req as an import of its source.
func (s *Service) Push(ctx context.Context, req PushRequest) (PushReport, error) {
	switch {
	case len(req.Records) == 0:
		return PushReport{}, errs.Field("records", "api.hub.push_empty", nil)
	case len(req.Records) > MaxPushRecords:
		return PushReport{}, errs.Field("records", "api.hub.push_too_many", map[string]any{"max": MaxPushRecords})
	case req.Kind != KindPopulation && req.Kind != KindEntity && req.Kind != KindLicence:
		return PushReport{}, errs.Field("kind", "api.hub.push_kind", map[string]any{"value": req.Kind})
	}
	dir, err := os.MkdirTemp("", "govhall-push-")
	if err != nil {
		return PushReport{}, fmt.Errorf("push: %w", err)
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, req.Source+"-"+req.Kind+".jsonl")
	if err := writePush(path, req.Records); err != nil {
		return PushReport{}, err
	}
	rep, err := s.Import(ctx, ImportRequest{Source: req.Source, Kind: req.Kind, Path: path, Partial: req.Partial})
	if err != nil {
		return PushReport{ImportReport: rep}, err
	}
	out := PushReport{ImportReport: rep}
	out.Rejects, err = s.pushRejects(ctx, rep.ImportID)
	return out, err
}

// writePush writes the records as JSON Lines with one key set: every key
// any record uses, in first-seen order (the importer's English field names).
func writePush(path string, records []map[string]string) error {
	var keys []string
	for _, r := range records {
		for _, k := range sortedKeys(r) {
			if !slices.Contains(keys, k) {
				keys = append(keys, k)
			}
		}
	}
	w, err := tabular.Create(path, tabular.JSONL, "")
	if err != nil {
		return fmt.Errorf("push: %w", err)
	}
	if err := w.Write(keys); err != nil {
		w.Close()
		return err
	}
	row := make([]string, len(keys))
	for _, r := range records {
		for i, k := range keys {
			row[i] = r[k]
		}
		if err := w.Write(row); err != nil {
			w.Close()
			return err
		}
	}
	return w.Close()
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// pushRejects reads the rejected records of an import (JSON Lines: line n
// is record n-1).
func (s *Service) pushRejects(ctx context.Context, importID int64) ([]PushReject, error) {
	rows, err := s.DB.Query(ctx, `SELECT line, field, reason_key, reason_args FROM hub_rejects
		WHERE import_id = ? ORDER BY line LIMIT 1000`, importID)
	if err != nil {
		return nil, fmt.Errorf("read rejects: %w", err)
	}
	defer rows.Close()
	out := []PushReject{}
	for rows.Next() {
		var line int64
		var r PushReject
		var args string
		if err := rows.Scan(&line, &r.Field, &r.Key, &args); err != nil {
			return nil, err
		}
		r.Record = int(line) - 1
		_ = json.Unmarshal([]byte(args), &r.Args)
		out = append(out, r)
	}
	return out, rows.Err()
}
