package hub

import (
	"time"
	"unicode/utf8"
)

// What administrators see of the hub: statistics (Stats, Imports in
// read.go) and the conflicts between sources, masked — never a person's
// data. Listing and resolving conflicts is in conflicts.go.

// Conflict is a value a non-authoritative source offered that differs
// from the stored one, as an administrator sees it: the subject's key and
// both values masked, and how it was resolved.
type Conflict struct {
	ID            int64     `json:"id"`
	SubjectKind   string    `json:"subject_kind"`
	Subject       string    `json:"subject"` // masked
	Element       string    `json:"element"`
	AuthSource    string    `json:"authoritative_source"`
	AuthValue     string    `json:"authoritative_value"` // masked
	OfferedSource string    `json:"offered_source"`
	Offered       string    `json:"offered_value"` // masked
	Line          int64     `json:"line"`
	At            time.Time `json:"at"`
	Status        string    `json:"status"` // open or resolved
	// Resolution is confirmed, referred or corrected (by the
	// authoritative source's own import); ResolvedBy names the
	// administrator, or the department kind whose import corrected it.
	Resolution string     `json:"resolution,omitempty"`
	ResolvedAt *time.Time `json:"resolved_at,omitempty"`
	ResolvedBy string     `json:"resolved_by,omitempty"`
	// ReferredAt and ReferredBy keep the administrator's referral of a
	// conflict the authority then corrected (Resolution corrected).
	ReferredAt *time.Time `json:"referred_at,omitempty"`
	ReferredBy string     `json:"referred_by,omitempty"`
	Note       string     `json:"note,omitempty"`
}

// maskValue keeps the first character of a value and its length.
func maskValue(v string) string {
	n := utf8.RuneCountInString(v)
	if n <= 1 {
		return v
	}
	r, _ := utf8.DecodeRuneInString(v)
	out := string(r)
	for range min(n-1, 8) {
		out += "*"
	}
	return out
}
