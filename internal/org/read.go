package org

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/govhall/govhall/internal/db"
)

const jurisdictionCols = `code, COALESCE(gbt2260, ''), COALESCE(parent_code, ''), level, kind, name, name_en,
	confirmed, note, created_at, updated_at`

func scanJurisdiction(sc interface{ Scan(...any) error }) (Jurisdiction, error) {
	var j Jurisdiction
	err := sc.Scan(&j.Code, &j.GBT2260, &j.ParentCode, &j.Level, &j.Kind, &j.Name, &j.NameEN,
		&j.Confirmed, &j.Note, &j.CreatedAt, &j.UpdatedAt)
	return j, err
}

// Jurisdiction returns one division by its 12-digit code.
func (s *Service) Jurisdiction(ctx context.Context, code string) (Jurisdiction, error) {
	j, err := scanJurisdiction(s.DB.QueryRow(ctx, "SELECT "+jurisdictionCols+" FROM jurisdictions WHERE code = ?", code))
	if errors.Is(err, sql.ErrNoRows) {
		return Jurisdiction{}, fmt.Errorf("jurisdiction %s: %w", code, db.ErrNotFound)
	}
	return j, err
}

// City returns the city at the top of the structure.
func (s *Service) City(ctx context.Context) (Jurisdiction, error) {
	j, err := scanJurisdiction(s.DB.QueryRow(ctx, "SELECT "+jurisdictionCols+" FROM jurisdictions WHERE level = 'city' ORDER BY code LIMIT 1"))
	if errors.Is(err, sql.ErrNoRows) {
		return Jurisdiction{}, fmt.Errorf("city: %w", db.ErrNotFound)
	}
	return j, err
}

// Hall returns the city or county-level jurisdiction whose hall has the
// six-digit code (e.g. 341621 for Guoyang County).
func (s *Service) Hall(ctx context.Context, hallCode string) (Jurisdiction, error) {
	if !isDigits(hallCode, 6) {
		return Jurisdiction{}, fmt.Errorf("hall %q: %w", hallCode, db.ErrNotFound)
	}
	j, err := scanJurisdiction(s.DB.QueryRow(ctx, "SELECT "+jurisdictionCols+
		" FROM jurisdictions WHERE code = ? AND level IN ('city', 'county')", hallCode+"000000"))
	if errors.Is(err, sql.ErrNoRows) {
		return Jurisdiction{}, fmt.Errorf("hall %s: %w", hallCode, db.ErrNotFound)
	}
	return j, err
}

// Children lists the divisions directly under code, in code order.
func (s *Service) Children(ctx context.Context, code string) ([]Jurisdiction, error) {
	return s.jurisdictions(ctx, "SELECT "+jurisdictionCols+" FROM jurisdictions WHERE parent_code = ? ORDER BY code", code)
}

// Jurisdictions lists every division of a level ("" for all), in code order.
func (s *Service) Jurisdictions(ctx context.Context, level string) ([]Jurisdiction, error) {
	if level == "" {
		return s.jurisdictions(ctx, "SELECT "+jurisdictionCols+" FROM jurisdictions ORDER BY code")
	}
	return s.jurisdictions(ctx, "SELECT "+jurisdictionCols+" FROM jurisdictions WHERE level = ? ORDER BY code", level)
}

func (s *Service) jurisdictions(ctx context.Context, q string, args ...any) ([]Jurisdiction, error) {
	rows, err := s.DB.Query(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("list jurisdictions: %w", err)
	}
	defer rows.Close()
	var out []Jurisdiction
	for rows.Next() {
		j, err := scanJurisdiction(rows)
		if err != nil {
			return nil, fmt.Errorf("list jurisdictions: %w", err)
		}
		out = append(out, j)
	}
	return out, rows.Err()
}

const departmentCols = `id, jurisdiction_code, kind, name, name_en, credit_code, confirmed, created_at, updated_at`

func scanDepartment(sc interface{ Scan(...any) error }) (Department, error) {
	var d Department
	err := sc.Scan(&d.ID, &d.JurisdictionCode, &d.Kind, &d.Name, &d.NameEN, &d.CreditCode, &d.Confirmed, &d.CreatedAt, &d.UpdatedAt)
	return d, err
}

// Department returns one department.
func (s *Service) Department(ctx context.Context, id int64) (Department, error) {
	d, err := scanDepartment(s.DB.QueryRow(ctx, "SELECT "+departmentCols+" FROM departments WHERE id = ?", id))
	if errors.Is(err, sql.ErrNoRows) {
		return Department{}, fmt.Errorf("department %d: %w", id, db.ErrNotFound)
	}
	return d, err
}

// Departments lists the departments of one jurisdiction, in creation order
// (the order the city lists them in).
func (s *Service) Departments(ctx context.Context, jurisdictionCode string) ([]Department, error) {
	rows, err := s.DB.Query(ctx, "SELECT "+departmentCols+" FROM departments WHERE jurisdiction_code = ? ORDER BY id", jurisdictionCode)
	if err != nil {
		return nil, fmt.Errorf("list departments of %s: %w", jurisdictionCode, err)
	}
	defer rows.Close()
	var out []Department
	for rows.Next() {
		d, err := scanDepartment(rows)
		if err != nil {
			return nil, fmt.Errorf("list departments of %s: %w", jurisdictionCode, err)
		}
		out = append(out, d)
	}
	return out, rows.Err()
}

// Posts lists the posts of a department.
func (s *Service) Posts(ctx context.Context, departmentID int64) ([]Post, error) {
	rows, err := s.DB.Query(ctx, `SELECT id, department_id, name, name_en, duty, reaches_subordinate, created_at, updated_at
		FROM posts WHERE department_id = ? ORDER BY id`, departmentID)
	if err != nil {
		return nil, fmt.Errorf("list posts of department %d: %w", departmentID, err)
	}
	defer rows.Close()
	var out []Post
	for rows.Next() {
		var p Post
		if err := rows.Scan(&p.ID, &p.DepartmentID, &p.Name, &p.NameEN, &p.Duty, &p.ReachesSubordinate, &p.CreatedAt, &p.UpdatedAt); err != nil {
			return nil, fmt.Errorf("list posts of department %d: %w", departmentID, err)
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// ServicePoints lists the service points of a jurisdiction and of every
// division under it, centres first, then by division code.
func (s *Service) ServicePoints(ctx context.Context, j Jurisdiction) ([]ServicePoint, error) {
	rows, err := s.DB.Query(ctx, `SELECT id, jurisdiction_code, kind, name, name_en, address, phone, hours, confirmed, created_at, updated_at
		FROM service_points WHERE jurisdiction_code LIKE ? ORDER BY kind, jurisdiction_code`, j.Prefix()+"%")
	if err != nil {
		return nil, fmt.Errorf("list service points under %s: %w", j.Code, err)
	}
	defer rows.Close()
	var out []ServicePoint
	for rows.Next() {
		var p ServicePoint
		if err := rows.Scan(&p.ID, &p.JurisdictionCode, &p.Kind, &p.Name, &p.NameEN, &p.Address, &p.Phone,
			&p.Hours, &p.Confirmed, &p.CreatedAt, &p.UpdatedAt); err != nil {
			return nil, fmt.Errorf("list service points under %s: %w", j.Code, err)
		}
		out = append(out, p)
	}
	return out, rows.Err()
}
