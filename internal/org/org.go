// Package org owns the administrative structure everything else hangs on:
// jurisdictions in four levels (city → county/district/zone → town/street →
// village/community) keyed by their 12-digit statistical division codes,
// the departments of each jurisdiction, the posts (岗位) inside departments,
// and the service points (service centres and village proxy points).
//
// Every change goes through the audit trail in the same transaction.
package org

import (
	"strings"
	"time"

	"github.com/govhall/govhall/internal/audit"
	"github.com/govhall/govhall/internal/db"
)

// Levels of jurisdiction.
const (
	City    = "city"
	County  = "county" // counties, districts and development zones
	Town    = "town"   // towns, townships and street offices
	Village = "village"
)

// kindLevel says which level each kind of jurisdiction sits at.
var kindLevel = map[string]string{
	"city":     City,
	"district": County, "county": County, "zone": County,
	"street": Town, "town": Town, "township": Town,
	"community": Village, "village": Village,
}

// Jurisdiction is an administrative division.
type Jurisdiction struct {
	Code       string // 12-digit statistical division code
	GBT2260    string // 6-digit GB/T 2260 code for city and county level, when it has one
	ParentCode string
	Level      string
	Kind       string
	Name       string
	NameEN     string
	// Confirmed is false for divisions invented for the demo, which pages mark as such.
	Confirmed bool
	Note      string
	CreatedAt time.Time
	UpdatedAt time.Time
}

// HallCode is the six-digit code in a sub-hall's address (/hall/341621): the
// county part of the division code. Only city and county level have halls.
func (j Jurisdiction) HallCode() string { return j.Code[:6] }

// Prefix is the part of the division code that every subordinate division
// shares: 4 digits for the city, 6 for a county, 9 for a town, all 12 for a
// village.
func (j Jurisdiction) Prefix() string { return prefixOf(j.Level, j.Code) }

// CodePrefix is Prefix for a valid division code alone, read from its
// trailing zeros (valid codes are zero below their own level).
func CodePrefix(code string) string {
	switch {
	case strings.HasSuffix(code, "00000000"):
		return code[:4]
	case strings.HasSuffix(code, "000000"):
		return code[:6]
	case strings.HasSuffix(code, "000"):
		return code[:9]
	}
	return code
}

func prefixOf(level, code string) string {
	switch level {
	case City:
		return code[:4]
	case County:
		return code[:6]
	case Town:
		return code[:9]
	}
	return code
}

// Department is a government department of one jurisdiction.
type Department struct {
	ID               int64
	JurisdictionCode string
	// Kind is the department's function ("public_security", "civil_affairs"…),
	// the same across jurisdictions, so a city and a county bureau of the
	// same function can be compared.
	Kind       string
	Name       string
	NameEN     string
	CreditCode string // unified social credit code (GB 32100)
	Confirmed  bool
	CreatedAt  time.Time
	UpdatedAt  time.Time
}

// Post is a position (岗位) inside a department; staff hold posts and
// workflow steps are assigned to posts.
type Post struct {
	ID           int64
	DepartmentID int64
	Name         string
	NameEN       string
	Duty         string
	// ReachesSubordinate: the post's holders also see what is handled in
	// the divisions below the department's (a city bureau overseeing the
	// county bureaus).
	ReachesSubordinate bool
	CreatedAt          time.Time
	UpdatedAt          time.Time
}

// Service points.
const (
	Centre = "centre" // a service centre (政务服务中心) of a city, county or town
	Proxy  = "proxy"  // a village or community proxy point (代办点)
)

// ServicePoint is a place where people are served.
type ServicePoint struct {
	ID               int64
	JurisdictionCode string
	Kind             string
	Name             string
	NameEN           string
	Address          string
	Phone            string
	Hours            string
	Confirmed        bool
	CreatedAt        time.Time
	UpdatedAt        time.Time
}

// Service reads and changes the structure.
type Service struct {
	DB    *db.DB
	Audit *audit.Log
	Now   func() time.Time
}

func (s *Service) now() time.Time {
	if s.Now == nil {
		return time.Now().UTC()
	}
	return s.Now().UTC()
}
