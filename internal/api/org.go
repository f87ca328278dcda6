package api

import (
	"net/http"
	"strconv"
	"time"

	"github.com/govhall/govhall/internal/errs"
	"github.com/govhall/govhall/internal/org"
)

// Jurisdiction is the API shape of a division.
type Jurisdiction struct {
	Code       string    `json:"code"`
	GBT2260    string    `json:"gbt2260,omitempty"`
	ParentCode string    `json:"parent_code,omitempty"`
	Level      string    `json:"level"`
	Kind       string    `json:"kind"`
	Name       string    `json:"name"`
	NameEN     string    `json:"name_en,omitempty"`
	Demo       bool      `json:"demo"`
	HallCode   string    `json:"hall_code,omitempty"`
	UpdatedAt  time.Time `json:"updated_at"`
}

func jurisdictionOut(j org.Jurisdiction) Jurisdiction {
	out := Jurisdiction{Code: j.Code, GBT2260: j.GBT2260, ParentCode: j.ParentCode, Level: j.Level, Kind: j.Kind,
		Name: j.Name, NameEN: j.NameEN, Demo: !j.Confirmed, UpdatedAt: j.UpdatedAt.UTC()}
	if j.Level == org.City || j.Level == org.County {
		out.HallCode = j.HallCode()
	}
	return out
}

// Department is the API shape of a department.
type Department struct {
	ID               int64     `json:"id"`
	JurisdictionCode string    `json:"jurisdiction_code"`
	Kind             string    `json:"kind"`
	Name             string    `json:"name"`
	NameEN           string    `json:"name_en,omitempty"`
	CreditCode       string    `json:"credit_code"`
	Demo             bool      `json:"demo"`
	UpdatedAt        time.Time `json:"updated_at"`
}

// Post is the API shape of a post.
type Post struct {
	ID                 int64  `json:"id"`
	DepartmentID       int64  `json:"department_id"`
	Name               string `json:"name"`
	NameEN             string `json:"name_en,omitempty"`
	Duty               string `json:"duty,omitempty"`
	ReachesSubordinate bool   `json:"reaches_subordinate"`
}

// ServicePoint is the API shape of a service point.
type ServicePoint struct {
	ID               int64  `json:"id"`
	JurisdictionCode string `json:"jurisdiction_code"`
	Kind             string `json:"kind"`
	Name             string `json:"name"`
	NameEN           string `json:"name_en,omitempty"`
	Address          string `json:"address,omitempty"`
	Phone            string `json:"phone,omitempty"`
	Hours            string `json:"hours,omitempty"`
	Demo             bool   `json:"demo"`
}

// list wraps collections so they can grow paging fields later.
type list[T any] struct {
	Items []T `json:"items"`
}

func mapList[S, T any](in []S, f func(S) T) list[T] {
	out := list[T]{Items: make([]T, 0, len(in))}
	for _, s := range in {
		out.Items = append(out.Items, f(s))
	}
	return out
}

var levels = map[string]bool{"": true, org.City: true, org.County: true, org.Town: true, org.Village: true}

func (a *API) listJurisdictions(r *http.Request) (any, error) {
	level := r.URL.Query().Get("level")
	if !levels[level] {
		return nil, errs.Field("level", "api.error.level", nil)
	}
	js, err := a.c.Org.Jurisdictions(r.Context(), level)
	return mapList(js, jurisdictionOut), err
}

func (a *API) getJurisdiction(r *http.Request) (any, error) {
	j, err := a.c.Org.Jurisdiction(r.Context(), r.PathValue("code"))
	return jurisdictionOut(j), err
}

func (a *API) listChildren(r *http.Request) (any, error) {
	j, err := a.c.Org.Jurisdiction(r.Context(), r.PathValue("code"))
	if err != nil {
		return nil, err
	}
	js, err := a.c.Org.Children(r.Context(), j.Code)
	return mapList(js, jurisdictionOut), err
}

func (a *API) listDepartments(r *http.Request) (any, error) {
	j, err := a.c.Org.Jurisdiction(r.Context(), r.PathValue("code"))
	if err != nil {
		return nil, err
	}
	ds, err := a.c.Org.Departments(r.Context(), j.Code)
	return mapList(ds, departmentOut), err
}

func departmentOut(d org.Department) Department {
	return Department{ID: d.ID, JurisdictionCode: d.JurisdictionCode, Kind: d.Kind, Name: d.Name, NameEN: d.NameEN,
		CreditCode: d.CreditCode, Demo: !d.Confirmed, UpdatedAt: d.UpdatedAt.UTC()}
}

func (a *API) listServicePoints(r *http.Request) (any, error) {
	j, err := a.c.Org.Jurisdiction(r.Context(), r.PathValue("code"))
	if err != nil {
		return nil, err
	}
	ps, err := a.c.Org.ServicePoints(r.Context(), j)
	return mapList(ps, func(p org.ServicePoint) ServicePoint {
		return ServicePoint{ID: p.ID, JurisdictionCode: p.JurisdictionCode, Kind: p.Kind, Name: p.Name, NameEN: p.NameEN,
			Address: p.Address, Phone: p.Phone, Hours: p.Hours, Demo: !p.Confirmed}
	}), err
}

func (a *API) getDepartment(r *http.Request) (any, error) {
	id, err := pathID(r)
	if err != nil {
		return nil, err
	}
	d, err := a.c.Org.Department(r.Context(), id)
	return departmentOut(d), err
}

func (a *API) listPosts(r *http.Request) (any, error) {
	id, err := pathID(r)
	if err != nil {
		return nil, err
	}
	if _, err := a.c.Org.Department(r.Context(), id); err != nil {
		return nil, err
	}
	ps, err := a.c.Org.Posts(r.Context(), id)
	return mapList(ps, func(p org.Post) Post {
		return Post{ID: p.ID, DepartmentID: p.DepartmentID, Name: p.Name, NameEN: p.NameEN, Duty: p.Duty,
			ReachesSubordinate: p.ReachesSubordinate}
	}), err
}

func pathID(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, errs.Field("id", "api.error.id", nil)
	}
	return id, nil
}
