package catalog

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/govhall/govhall/internal/audit"
	"github.com/govhall/govhall/internal/db"
	"github.com/govhall/govhall/internal/errs"
)

// PutDuty creates or replaces a duty of a jurisdiction's responsibility
// list with its lead and cooperating departments. A duty with no lead or
// several is stored as reported — DutyReport lists it for correction.
func (s *Service) PutDuty(ctx context.Context, d Duty) (Duty, error) {
	var list []error
	if len(d.Jurisdiction) != 12 {
		list = append(list, errs.Field("jurisdiction", "catalog.error.jurisdiction", nil))
	}
	if strings.TrimSpace(d.Code) == "" {
		list = append(list, errs.Field("code", "error.required", nil))
	}
	if strings.TrimSpace(d.Name) == "" {
		list = append(list, errs.Field("name", "error.required", nil))
	}
	if len(d.LegalBasis) == 0 || strings.TrimSpace(d.LegalBasis[0].Law) == "" {
		list = append(list, errs.Field("legal_basis", "catalog.error.basis_required", nil))
	}
	if len(list) > 0 {
		return Duty{}, errs.Join(list...)
	}
	d.UpdatedAt = s.now()
	ev := audit.Event{Action: "catalog.duty.put", ObjectType: "catalog_duty", ObjectID: d.Jurisdiction + "/" + d.Code}
	err := s.Audit.Change(ctx, s.DB, ev, func(tx *db.Tx, _ *audit.Event) error {
		err := tx.QueryRow(ctx, `INSERT INTO catalog_duties (jurisdiction_code, code, name, name_en, content, legal_basis,
			accountability, generated, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (jurisdiction_code, code) DO UPDATE SET name = excluded.name, name_en = excluded.name_en,
			content = excluded.content, legal_basis = excluded.legal_basis, accountability = excluded.accountability,
			generated = excluded.generated, updated_at = excluded.updated_at RETURNING id`,
			d.Jurisdiction, d.Code, d.Name, d.NameEN, d.Content, string(mustJSON(d.LegalBasis)), d.Accountability,
			d.Generated, d.UpdatedAt).Scan(&d.ID)
		if db.IsForeignKeyViolation(err) {
			return errs.Field("jurisdiction", "catalog.error.jurisdiction", nil)
		} else if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, "DELETE FROM catalog_duty_departments WHERE duty_id = ?", d.ID); err != nil {
			return err
		}
		for role, ids := range map[string][]int64{"lead": d.Lead, "cooperate": d.Cooperate} {
			for _, id := range uniqIDs(ids) {
				var j string
				err := tx.QueryRow(ctx, "SELECT jurisdiction_code FROM departments WHERE id = ?", id).Scan(&j)
				if errors.Is(err, sql.ErrNoRows) || (err == nil && j != d.Jurisdiction) {
					return errs.Field(role, "catalog.error.department", nil)
				} else if err != nil {
					return err
				}
				if _, err := tx.Exec(ctx, "INSERT INTO catalog_duty_departments (duty_id, department_id, role) VALUES (?, ?, ?)",
					d.ID, id, role); err != nil {
					if db.IsUniqueViolation(err) {
						return errs.Field(role, "catalog.error.duty_role_twice", nil)
					}
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		return Duty{}, fmt.Errorf("put duty %s: %w", d.Code, err)
	}
	return d, nil
}

func uniqIDs(ids []int64) []int64 {
	seen := map[int64]bool{}
	var out []int64
	for _, id := range ids {
		if !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	return out
}

// Duties lists a jurisdiction's responsibility list in code order.
func (s *Service) Duties(ctx context.Context, jurisdiction string) ([]Duty, error) {
	rows, err := s.DB.Query(ctx, `SELECT id, jurisdiction_code, code, name, name_en, content, legal_basis, accountability,
		generated, updated_at FROM catalog_duties WHERE jurisdiction_code = ? ORDER BY code`, jurisdiction)
	if err != nil {
		return nil, fmt.Errorf("list duties: %w", err)
	}
	var out []Duty
	byID := map[int64]int{}
	for rows.Next() {
		var d Duty
		var basis string
		if err := rows.Scan(&d.ID, &d.Jurisdiction, &d.Code, &d.Name, &d.NameEN, &d.Content, &basis, &d.Accountability,
			&d.Generated, &d.UpdatedAt); err != nil {
			rows.Close()
			return nil, err
		}
		d.UpdatedAt = d.UpdatedAt.UTC()
		if err := json.Unmarshal([]byte(basis), &d.LegalBasis); err != nil {
			rows.Close()
			return nil, err
		}
		d.Lead, d.Cooperate = []int64{}, []int64{}
		byID[d.ID] = len(out)
		out = append(out, d)
	}
	if err := rows.Close(); err != nil {
		return nil, err
	}
	rows, err = s.DB.Query(ctx, `SELECT dd.duty_id, dd.department_id, dd.role FROM catalog_duty_departments dd
		JOIN catalog_duties d ON d.id = dd.duty_id WHERE d.jurisdiction_code = ? ORDER BY dd.department_id`, jurisdiction)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var duty, dept int64
		var role string
		if err := rows.Scan(&duty, &dept, &role); err != nil {
			return nil, err
		}
		d := &out[byID[duty]]
		if role == "lead" {
			d.Lead = append(d.Lead, dept)
		} else {
			d.Cooperate = append(d.Cooperate, dept)
		}
	}
	return out, rows.Err()
}
