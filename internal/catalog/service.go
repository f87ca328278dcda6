package catalog

import (
	"time"

	"github.com/govhall/govhall/internal/audit"
	"github.com/govhall/govhall/internal/db"
)

// Service keeps the catalog. Writes are audited in their own transaction.
type Service struct {
	DB    *db.DB
	Audit *audit.Log
	Now   func() time.Time
}

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now().UTC()
	}
	return time.Now().UTC()
}

// Filter selects items. Zero fields do not filter.
type Filter struct {
	Jurisdiction string // exact 12-digit code
	Prefix       string // jurisdiction code prefix, e.g. "3416" for the whole city
	List         string
	Type         string
	DepartmentID int64
	DeptKind     string
	Event        string
	Object       int // ObjectPerson or ObjectEnterprise
	Status       string
	Node         string
	ParentID     int64
	Level        string // org level of the jurisdiction: city, county, town, village
	Limit        int    // 0 = 50
	Offset       int
}
