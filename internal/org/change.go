package org

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/govhall/govhall/internal/audit"
	"github.com/govhall/govhall/internal/db"
	"github.com/govhall/govhall/internal/errs"
	"github.com/govhall/govhall/internal/ids"
)

// CreateJurisdiction adds a division under its parent. The code must be 12
// digits that follow the statistical coding rules and extend the parent's
// code; the kind must fit the level.
func (s *Service) CreateJurisdiction(ctx context.Context, j Jurisdiction) (Jurisdiction, error) {
	if err := s.checkJurisdiction(ctx, &j); err != nil {
		return Jurisdiction{}, err
	}
	now := s.now()
	j.CreatedAt, j.UpdatedAt = now, now
	ev := audit.Event{Action: "org.jurisdiction.create", ObjectType: "jurisdiction", ObjectID: j.Code,
		Detail: map[string]string{"name": j.Name, "kind": j.Kind, "parent": j.ParentCode}}
	err := s.Audit.Change(ctx, s.DB, ev, func(tx *db.Tx, _ *audit.Event) error {
		_, err := tx.Exec(ctx, `INSERT INTO jurisdictions
			(code, gbt2260, parent_code, level, kind, name, name_en, confirmed, note, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			j.Code, nullable(j.GBT2260), nullable(j.ParentCode), j.Level, j.Kind, j.Name, j.NameEN,
			j.Confirmed, j.Note, j.CreatedAt, j.UpdatedAt)
		if db.IsUniqueViolation(err) {
			return &errs.Error{Code: errs.Conflict, Field: "code", Key: "org.error.jurisdiction_exists", Args: map[string]any{"code": j.Code}}
		}
		return err
	})
	if err != nil {
		return Jurisdiction{}, fmt.Errorf("create jurisdiction %s: %w", j.Code, err)
	}
	return j, nil
}

func (s *Service) checkJurisdiction(ctx context.Context, j *Jurisdiction) error {
	j.Name = strings.TrimSpace(j.Name)
	j.NameEN = strings.TrimSpace(j.NameEN)
	if !isDigits(j.Code, 12) {
		return errs.Field("code", "org.error.code_format", nil)
	}
	if j.Name == "" {
		return errs.Field("name", "error.required", nil)
	}
	level, ok := kindLevel[j.Kind]
	if !ok {
		return errs.Field("kind", "org.error.kind", nil)
	}
	j.Level = level
	if j.GBT2260 != "" && (!isDigits(j.GBT2260, 6) || j.GBT2260 != j.Code[:6]) {
		return errs.Field("gbt2260", "org.error.gbt2260", nil)
	}
	if level == City {
		if j.ParentCode != "" || j.Code[4:] != "00000000" {
			return errs.Field("code", "org.error.code_level", nil)
		}
		return nil
	}
	parent, err := s.Jurisdiction(ctx, j.ParentCode)
	if errors.Is(err, db.ErrNotFound) {
		return errs.Field("parent_code", "org.error.parent_missing", nil)
	} else if err != nil {
		return err
	}
	wantParent := map[string]string{County: City, Town: County, Village: Town}[level]
	if parent.Level != wantParent {
		return errs.Field("parent_code", "org.error.parent_level", nil)
	}
	// The child extends its parent's code and is zero below its own level.
	own := prefixOf(level, j.Code)
	if !strings.HasPrefix(j.Code, parent.Prefix()) || strings.Trim(own[len(parent.Prefix()):], "0") == "" ||
		strings.Trim(j.Code[len(own):], "0") != "" {
		return errs.Field("code", "org.error.code_level", nil)
	}
	return nil
}

// CreateDepartment adds a department to a jurisdiction. Its credit code must
// pass GB 32100's checks.
func (s *Service) CreateDepartment(ctx context.Context, d Department) (Department, error) {
	d.Name, d.NameEN, d.Kind = strings.TrimSpace(d.Name), strings.TrimSpace(d.NameEN), strings.TrimSpace(d.Kind)
	d.CreditCode = ids.NormalizeCreditCode(d.CreditCode)
	switch {
	case d.Name == "":
		return Department{}, errs.Field("name", "error.required", nil)
	case d.Kind == "":
		return Department{}, errs.Field("kind", "error.required", nil)
	}
	if err := ids.ValidateCreditCode(d.CreditCode); err != nil {
		return Department{}, errs.Field("credit_code", ids.CreditCodeKey(err), nil)
	}
	if _, err := s.Jurisdiction(ctx, d.JurisdictionCode); errors.Is(err, db.ErrNotFound) {
		return Department{}, errs.Field("jurisdiction_code", "org.error.jurisdiction_missing", nil)
	} else if err != nil {
		return Department{}, err
	}
	now := s.now()
	d.CreatedAt, d.UpdatedAt = now, now
	ev := audit.Event{Action: "org.department.create", ObjectType: "department",
		Detail: map[string]string{"name": d.Name, "jurisdiction": d.JurisdictionCode, "credit_code": d.CreditCode}}
	err := s.Audit.Change(ctx, s.DB, ev, func(tx *db.Tx, ev *audit.Event) error {
		err := tx.QueryRow(ctx, `INSERT INTO departments
			(jurisdiction_code, kind, name, name_en, credit_code, confirmed, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			d.JurisdictionCode, d.Kind, d.Name, d.NameEN, d.CreditCode, d.Confirmed, d.CreatedAt, d.UpdatedAt).Scan(&d.ID)
		if db.IsUniqueViolation(err) {
			return &errs.Error{Code: errs.Conflict, Field: "name", Key: "org.error.department_exists"}
		}
		ev.ObjectID = fmt.Sprint(d.ID)
		return err
	})
	if err != nil {
		return Department{}, fmt.Errorf("create department %q: %w", d.Name, err)
	}
	return d, nil
}

// CreatePost adds a post to a department.
func (s *Service) CreatePost(ctx context.Context, p Post) (Post, error) {
	p.Name, p.NameEN, p.Duty = strings.TrimSpace(p.Name), strings.TrimSpace(p.NameEN), strings.TrimSpace(p.Duty)
	if p.Name == "" {
		return Post{}, errs.Field("name", "error.required", nil)
	}
	if _, err := s.Department(ctx, p.DepartmentID); errors.Is(err, db.ErrNotFound) {
		return Post{}, errs.Field("department_id", "org.error.department_missing", nil)
	} else if err != nil {
		return Post{}, err
	}
	now := s.now()
	p.CreatedAt, p.UpdatedAt = now, now
	ev := audit.Event{Action: "org.post.create", ObjectType: "post",
		Detail: map[string]any{"name": p.Name, "department": p.DepartmentID, "reaches_subordinate": p.ReachesSubordinate}}
	err := s.Audit.Change(ctx, s.DB, ev, func(tx *db.Tx, ev *audit.Event) error {
		err := tx.QueryRow(ctx, `INSERT INTO posts (department_id, name, name_en, duty, reaches_subordinate, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			p.DepartmentID, p.Name, p.NameEN, p.Duty, p.ReachesSubordinate, p.CreatedAt, p.UpdatedAt).Scan(&p.ID)
		if db.IsUniqueViolation(err) {
			return &errs.Error{Code: errs.Conflict, Field: "name", Key: "org.error.post_exists"}
		}
		ev.ObjectID = fmt.Sprint(p.ID)
		return err
	})
	if err != nil {
		return Post{}, fmt.Errorf("create post %q: %w", p.Name, err)
	}
	return p, nil
}

// CreateServicePoint adds a service centre (city, county or town level) or
// the proxy point of a village; each jurisdiction has at most one of each.
func (s *Service) CreateServicePoint(ctx context.Context, p ServicePoint) (ServicePoint, error) {
	p.Name, p.NameEN = strings.TrimSpace(p.Name), strings.TrimSpace(p.NameEN)
	if p.Name == "" {
		return ServicePoint{}, errs.Field("name", "error.required", nil)
	}
	j, err := s.Jurisdiction(ctx, p.JurisdictionCode)
	if errors.Is(err, db.ErrNotFound) {
		return ServicePoint{}, errs.Field("jurisdiction_code", "org.error.jurisdiction_missing", nil)
	} else if err != nil {
		return ServicePoint{}, err
	}
	if (p.Kind == Proxy) != (j.Level == Village) || (p.Kind != Proxy && p.Kind != Centre) {
		return ServicePoint{}, errs.Field("kind", "org.error.point_kind", nil)
	}
	now := s.now()
	p.CreatedAt, p.UpdatedAt = now, now
	ev := audit.Event{Action: "org.service_point.create", ObjectType: "service_point",
		Detail: map[string]string{"name": p.Name, "jurisdiction": p.JurisdictionCode, "kind": p.Kind}}
	err = s.Audit.Change(ctx, s.DB, ev, func(tx *db.Tx, ev *audit.Event) error {
		err := tx.QueryRow(ctx, `INSERT INTO service_points
			(jurisdiction_code, kind, name, name_en, address, phone, hours, confirmed, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			p.JurisdictionCode, p.Kind, p.Name, p.NameEN, p.Address, p.Phone, p.Hours, p.Confirmed,
			p.CreatedAt, p.UpdatedAt).Scan(&p.ID)
		if db.IsUniqueViolation(err) {
			return &errs.Error{Code: errs.Conflict, Field: "kind", Key: "org.error.point_exists"}
		}
		ev.ObjectID = fmt.Sprint(p.ID)
		return err
	})
	if err != nil {
		return ServicePoint{}, fmt.Errorf("create service point %q: %w", p.Name, err)
	}
	return p, nil
}

func isDigits(s string, n int) bool {
	if len(s) != n {
		return false
	}
	for i := 0; i < n; i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

func nullable(s string) any {
	if s == "" {
		return nil
	}
	return s
}
