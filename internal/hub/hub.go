// Package hub owns the data hub: the population, legal-entity and
// electronic-licence databases that departments share so that "data runs
// instead of people"; the source table that names each data element's one
// authoritative department (一数一源); the provenance of every value (the
// import that last wrote it); the conflicts between sources; the bulk import
// of department exports, streaming, resumable and city-scale; and the access
// log every read of personal data is written to.
//
// Reads of personal data — profiles, prefill, verification, e-licences as
// materials (profile.go, prefill.go, compare.go) — are authorized for a
// purpose by the rules in access.go and each one, allowed or refused, is
// written to hub_access_log by a group-committing writer; a read does not
// wait for its entry to be durable, so a crash can lose the last few
// milliseconds of entries (access_log.go: the measured choice).
//
// The tables live in migration 0009_hub. Record keys (ID number, credit
// code, licence identifier) are the distribution key: every hub query
// carries one.
package hub

import (
	"sync"
	"time"

	"github.com/govhall/govhall/internal/audit"
	"github.com/govhall/govhall/internal/db"
)

// Service reads the hub and imports into it.
type Service struct {
	DB    *db.DB
	Audit *audit.Log
	Now   func() time.Time
	// Access is the read policy's hooks and the access log (access.go).
	Access     Access
	accessOnce sync.Once
}

func (s *Service) now() time.Time {
	if s.Now == nil {
		return time.Now().UTC()
	}
	return s.Now().UTC()
}

// Import kinds: which database a file feeds.
const (
	KindPopulation = "population"
	KindEntity     = "entity"
	KindLicence    = "licence"
)

// Person is one resident in the population database. Codes, not display
// text: Sex is M or F; Status normal, deceased, migrated or cancelled;
// MaritalStatus unmarried, married, divorced, widowed or "" (unknown).
// Dates are YYYY-MM-DD; absent links are "".
type Person struct {
	IDNumber       string
	Name           string
	FormerNames    []string
	Sex            string
	Ethnicity      string
	BirthDate      string
	HukouAddress   string
	HukouDivision  string // 12-digit statistical division code
	CurrentAddress string
	Phone          string
	Status         string
	MaritalStatus  string
	SpouseID       string
	FatherID       string
	MotherID       string
	// Provenance: the import (hub_imports.id) that last wrote the
	// elements of each source; 0 when that source never did.
	RegistryImport, MarriageImport, BirthImport int64
}

// Entity is one legal entity (enterprise, institution, social
// organisation) by its unified social credit code. Status is active,
// revoked or cancelled; RegisteredCapital is in 10,000 yuan, as decimal text.
type Entity struct {
	CreditCode           string
	Name                 string
	Type                 string
	LegalRep             string
	LegalRepID           string
	RegisteredCapital    string
	Address              string
	BusinessScope        string
	EstablishedOn        string
	Status               string
	RegisteringAuthority string
	SourceImport         int64
}

// Holder kinds of a licence (GB/T 36903 identifier types).
const (
	HolderPerson = "111" // citizen ID number
	HolderEntity = "001" // unified social credit code
)

// Licence is one electronic licence. Status is valid or revoked; ExpiresOn
// is "" when it does not expire; Data is its data items as a JSON object.
type Licence struct {
	Identifier   string
	TypeCode     string
	Number       string
	HolderKind   string
	HolderID     string
	HolderName   string
	IssuerCode   string
	IssuerName   string
	IssuedOn     string
	ExpiresOn    string
	Status       string
	Data         string
	SourceImport int64
}

// LicenceType is an entry of the licence-type catalog. Code is the
// defining ministry's credit code + 3 digits; DepartmentKind is the
// function of the issuing department, the type's authoritative source.
type LicenceType struct {
	Code           string
	Name           string
	NameEN         string
	HolderKind     string // person or entity
	DepartmentKind string
	DataItems      []string
	Demo           bool
}
