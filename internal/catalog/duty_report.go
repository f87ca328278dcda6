package catalog

import (
	"context"
	"database/sql"
	"fmt"
)

// Duty problems: a duty of the responsibility list must have exactly one
// lead department (the seed's stray dogs: livestock, health, police and
// city management all seemed responsible, so no one was).
const (
	NoLead       = "no_lead"
	SeveralLeads = "several_leads"
)

// DutyProblem is a duty without exactly one lead department.
type DutyProblem struct {
	DutyID       int64      `json:"duty_id"`
	Jurisdiction string     `json:"jurisdiction"`
	Code         string     `json:"code"`
	Name         string     `json:"name"`
	NameEN       string     `json:"name_en,omitempty"`
	Problem      string     `json:"problem"` // NoLead | SeveralLeads
	Leads        []DutyDept `json:"leads"`
	Cooperate    []DutyDept `json:"cooperate"`
}

// DutyDept is a department named by a duty.
type DutyDept struct {
	ID   int64  `json:"id"`
	Kind string `json:"kind"`
	Name string `json:"name"`
}

// DutyReport lists the duties of a jurisdiction's responsibility list (""
// for every jurisdiction) that have no lead department or more than one,
// by jurisdiction and code.
func (s *Service) DutyReport(ctx context.Context, jurisdiction string) ([]DutyProblem, error) {
	q := `SELECT d.id, d.jurisdiction_code, d.code, d.name, d.name_en, dd.role, dep.id, dep.kind, dep.name
		FROM catalog_duties d
		LEFT JOIN catalog_duty_departments dd ON dd.duty_id = d.id
		LEFT JOIN departments dep ON dep.id = dd.department_id`
	var args []any
	if jurisdiction != "" {
		q += " WHERE d.jurisdiction_code = ?"
		args = append(args, jurisdiction)
	}
	rows, err := s.DB.Query(ctx, q+" ORDER BY d.jurisdiction_code, d.code, dep.id", args...)
	if err != nil {
		return nil, fmt.Errorf("duty report: %w", err)
	}
	defer rows.Close()
	var all []DutyProblem
	for rows.Next() {
		var p DutyProblem
		var role, kind, name sql.NullString
		var dep sql.NullInt64
		if err := rows.Scan(&p.DutyID, &p.Jurisdiction, &p.Code, &p.Name, &p.NameEN, &role, &dep, &kind, &name); err != nil {
			return nil, fmt.Errorf("duty report: %w", err)
		}
		if n := len(all); n == 0 || all[n-1].DutyID != p.DutyID {
			all = append(all, p)
		}
		last := &all[len(all)-1]
		d := DutyDept{ID: dep.Int64, Kind: kind.String, Name: name.String}
		switch role.String {
		case "lead":
			last.Leads = append(last.Leads, d)
		case "cooperate":
			last.Cooperate = append(last.Cooperate, d)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("duty report: %w", err)
	}
	out := []DutyProblem{}
	for _, p := range all {
		switch {
		case len(p.Leads) == 0:
			p.Problem = NoLead
		case len(p.Leads) > 1:
			p.Problem = SeveralLeads
		default:
			continue
		}
		out = append(out, p)
	}
	return out, nil
}
