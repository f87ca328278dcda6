package hub

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/govhall/govhall/internal/actor"
	"github.com/govhall/govhall/internal/errs"
	"github.com/govhall/govhall/internal/identity"
	"github.com/govhall/govhall/internal/ids"
	"github.com/govhall/govhall/internal/org"
)

// Who may read what (issue 5, part 7). Every read of a person's or an
// entity's data names its purpose; the caller comes from the context
// (identity.PrincipalFrom, actor.From). The rules, security by default:
//
//   - a person reads their own profile (purpose self or prefill);
//   - an enterprise its own entity and licences (self or prefill);
//   - a person an enterprise's entity and licences (self or prefill) while
//     they are one of its handlers (经办人): an enterprise_handlers row links
//     them to the enterprise account whose login is the credit code. It is
//     read at every read, never cached, so removing the handler
//     (identity.Service.RemoveHandler) takes the right away at once; the
//     access log names the reader as the enterprise's handler
//     (entity_handler.go);
//   - a village agent a resident's profile only under a confirmed mandate
//     (identity.Service.ActingFor, purpose prefill or case, Ref the
//     application the mandate names);
//   - a department system, with an API token carrying hub.verify, for a
//     verification naming a case reference;
//   - staff only within a case that involves the subject (purpose case or
//     verification, Ref the case). Cases are not built yet: the check is
//     the injected Access.CaseInvolves, and without it every staff read is
//     refused as "no such case";
//   - administrators, supervisors and everyone else: never a person's data
//     (administrators see statistics: Stats, Imports, and the masked
//     conflicts between sources, conflicts.go).
//
// Every read, allowed or refused, is written to hub_access_log (see
// access_log.go for how, and what a crash may lose).

// Purpose kinds, as stored in hub_access_log.purpose.
const (
	PurposeSelf         = "self"
	PurposeCase         = "case"
	PurposeVerification = "verification"
	PurposePrefill      = "prefill"
	PurposeAdmin        = "admin"
)

// Purpose is why data is read: its kind and a reference (a case number,
// the application a mandate names).
type Purpose struct {
	Kind string
	Ref  string
}

// Subject kinds of the access log.
const (
	SubjectPerson = "person"
	SubjectEntity = "entity"
)

// Access holds what the read policy needs from outside the hub, and the
// access log's writer. The zero value refuses what needs a hook.
type Access struct {
	// CaseInvolves reports whether the case caseRef involves the subject
	// (ID number or credit code). nil: there are no cases, and staff reads
	// are refused with "no such case".
	CaseInvolves func(ctx context.Context, caseRef, subjectID string) (bool, error)
	// ActingFor returns the agent's active mandate for the resident on
	// subject, or a denial (identity.Service.ActingFor). nil: agents are
	// refused.
	ActingFor func(ctx context.Context, agent identity.Account, residentIDNumber, subject string) (identity.Mandate, error)
	// Handling lists the active enterprises a person acts for as a
	// handler (identity.Service.HandlingOf). nil: persons read no
	// enterprise's data but their own.
	Handling func(ctx context.Context, personID int64) ([]identity.Handling, error)
	// StaffDepartments lists the departments of a staff member's posts
	// (identity.Service.StaffDepartments), which their access-log entries
	// name. nil: entries name no department.
	StaffDepartments func(ctx context.Context, accountID int64) ([]int64, error)
	// Org names the department of a department system's token in the
	// access log (nil: the token's name alone).
	Org *org.Service
	// Sync makes every read wait until its access-log entry is committed
	// (see access_log.go); false returns at once.
	Sync bool

	log        *accessLog
	metaCache  metaCache
	depts      sync.Map // department id → org.Department
	staffDepts sync.Map // staff account id → staffDept
}

// accessor is who reads, as the access log records them.
type accessor struct {
	kind, id, name string
	principal      identity.Principal
	// role is what the reader read as, when their account kind does not
	// say it: RoleHandler for a person who acts for the enterprise read.
	role string
}

func accessorOf(ctx context.Context, a *Access) accessor {
	p := identity.PrincipalFrom(ctx)
	act := actor.From(ctx)
	acc := accessor{kind: p.Kind(), principal: p}
	switch {
	case p.System != nil:
		acc.id, acc.name = p.System.Prefix, p.System.Name
		if d, ok := a.department(ctx, p.System.DepartmentID); ok {
			acc.name = d.Name + " · " + p.System.Name
		}
	case p.Account.ID != 0:
		acc.id, acc.name = strconv.FormatInt(p.Account.ID, 10), p.Account.Name
	case act.Kind == "system":
		acc.kind, acc.id = "system", act.ID
	default:
		acc.id = act.Addr
	}
	return acc
}

// department reads a department once (names of departments change
// rarely; a renamed one shows after a restart): a token's, and those of a
// staff reader's posts.
func (a *Access) department(ctx context.Context, id int64) (org.Department, bool) {
	if a.Org == nil {
		return org.Department{}, false
	}
	if d, ok := a.depts.Load(id); ok {
		return d.(org.Department), true
	}
	d, err := a.Org.Department(ctx, id)
	if err != nil {
		return org.Department{}, false
	}
	a.depts.Store(id, d)
	return d, true
}

// authorize decides whether the caller may read subject for purpose p.
// A refusal is a domain error (Denied) whose key says why.
func (s *Service) authorize(ctx context.Context, acc *accessor, subjKind, subjID string, p Purpose) error {
	deny := func(key string, args map[string]any) error {
		return &errs.Error{Code: errs.Denied, Key: key, Args: args}
	}
	a := acc.principal.Account
	switch acc.kind {
	case identity.Person:
		if subjKind == SubjectEntity {
			return s.authorizeHandler(ctx, acc, subjID, p)
		}
		if subjKind != SubjectPerson || subjID != a.IDNumber {
			return deny("hub.access.not_own", nil)
		}
		return purposeIn(p, PurposeSelf, PurposePrefill)
	case identity.Enterprise:
		if subjKind != SubjectEntity || subjID != a.Login {
			return deny("hub.access.not_own", nil)
		}
		return purposeIn(p, PurposeSelf, PurposePrefill)
	case identity.Agent:
		return s.authorizeAgent(ctx, a, subjKind, subjID, p)
	case identity.DepartmentSystem:
		if !acc.principal.System.HasScope("hub.verify") {
			return deny("hub.access.scope", map[string]any{"scope": "hub.verify"})
		}
		if err := purposeIn(p, PurposeVerification); err != nil {
			return err
		}
		return needRef(p)
	case identity.Staff:
		return s.authorizeStaff(ctx, subjID, p)
	case identity.SystemAdmin, identity.AuditAdmin, identity.SecurityAdmin, identity.CatalogAdmin:
		return deny("hub.access.admin", nil)
	}
	return deny("hub.access.denied", nil)
}

func (s *Service) authorizeAgent(ctx context.Context, agent identity.Account, subjKind, subjID string, p Purpose) error {
	if subjKind != SubjectPerson {
		return &errs.Error{Code: errs.Denied, Key: "hub.access.denied"}
	}
	if err := purposeIn(p, PurposePrefill, PurposeCase); err != nil {
		return err
	}
	if s.Access.ActingFor == nil {
		return &errs.Error{Code: errs.Denied, Key: "identity.error.no_mandate"}
	}
	_, err := s.Access.ActingFor(ctx, agent, subjID, p.Ref)
	return err
}

func (s *Service) authorizeStaff(ctx context.Context, subjID string, p Purpose) error {
	if err := purposeIn(p, PurposeCase, PurposeVerification); err != nil {
		return err
	}
	if err := needRef(p); err != nil {
		return err
	}
	noCase := &errs.Error{Code: errs.Denied, Key: "hub.access.no_such_case", Args: map[string]any{"ref": p.Ref}}
	if s.Access.CaseInvolves == nil {
		return noCase
	}
	ok, err := s.Access.CaseInvolves(ctx, p.Ref, subjID)
	if err != nil {
		return fmt.Errorf("check case %s: %w", p.Ref, err)
	}
	if !ok {
		return noCase
	}
	return nil
}

func purposeIn(p Purpose, kinds ...string) error {
	for _, k := range kinds {
		if p.Kind == k {
			return nil
		}
	}
	return &errs.Error{Code: errs.Denied, Key: "hub.access.purpose", Args: map[string]any{"purpose": p.Kind}}
}

func needRef(p Purpose) error {
	if strings.TrimSpace(p.Ref) == "" {
		return &errs.Error{Code: errs.Denied, Field: "case_ref", Key: "hub.access.case_ref"}
	}
	return nil
}

// guard authorizes a read and writes its access-log entry (allowed or
// refused). op names what was read (profile, prefill, verify, materials);
// the returned error is the refusal, or the log's failure.
func (s *Service) guard(ctx context.Context, subjKind, subjID string, p Purpose, op string) error {
	acc := accessorOf(ctx, &s.Access)
	denied := s.authorize(ctx, &acc, subjKind, subjID, p)
	outcome := "allowed"
	if denied != nil {
		outcome = "refused"
		if e, ok := errs.As(denied); ok {
			outcome += ":" + e.Key
		} else {
			outcome += ":error"
		}
	}
	if err := s.logRead(ctx, acc, subjKind, subjID, p, op, outcome); err != nil {
		return err
	}
	return denied
}

// logRead writes one access-log entry. A staff member's entry names the
// department(s) of their posts, as they were at the read, so the person
// read sees which office looked (their name is masked when shown).
func (s *Service) logRead(ctx context.Context, acc accessor, subjKind, subjID string, p Purpose, op, outcome string) error {
	d := accessDetail{Op: op, Outcome: outcome}
	if acc.kind == identity.Staff && acc.principal.Account.ID != 0 {
		sd, err := s.staffDepartment(ctx, acc.principal.Account.ID)
		if err != nil {
			return err
		}
		d.Dept, d.DeptEN = sd.name, sd.nameEN
	}
	d.As = acc.role
	purpose := p.Kind
	if !validPurpose(purpose) {
		purpose, d.Purpose = PurposeAdmin, p.Kind // refused by authorize; kept as the closest kind
	}
	detail, _ := json.Marshal(d)
	e := accessEntry{at: s.now(), kind: acc.kind, id: logText(acc.id), name: logText(acc.name), purpose: purpose,
		ref: logText(p.Ref), subjKind: subjKind, subjID: logText(subjID), detail: logText(string(detail)),
		requestID: logText(actor.From(ctx).RequestID)}
	return s.accessLog().add(ctx, e)
}

// accessDetail is hub_access_log.detail: what was read, the outcome and,
// when it was not a purpose kind, the purpose the caller named.
type accessDetail struct {
	Op      string `json:"op"`
	Outcome string `json:"outcome"`
	Purpose string `json:"purpose,omitempty"`
	// Dept and DeptEN name a staff reader's department(s).
	Dept   string `json:"dept,omitempty"`
	DeptEN string `json:"dept_en,omitempty"`
	// As is the role the reader read in (RoleHandler), when there is one.
	As string `json:"as,omitempty"`
}

// staffDept is the department(s) of a staff member's posts, in both
// languages, as read at a moment.
type staffDept struct {
	name, nameEN string
	at           time.Time
}

// staffDeptTTL is how long a staff member's departments are kept: a
// change of posts shows in the access log within it.
const staffDeptTTL = time.Minute

// staffDepartment names the departments of a staff member's posts
// ("、" between several), their posts read at most once per staffDeptTTL.
func (s *Service) staffDepartment(ctx context.Context, accountID int64) (staffDept, error) {
	if v, ok := s.Access.staffDepts.Load(accountID); ok && time.Since(v.(staffDept).at) < staffDeptTTL {
		return v.(staffDept), nil
	}
	var deptIDs []int64
	if s.Access.StaffDepartments != nil {
		var err error
		if deptIDs, err = s.Access.StaffDepartments(ctx, accountID); err != nil {
			return staffDept{}, fmt.Errorf("read the staff member's departments: %w", err)
		}
	}
	var names, namesEN []string
	for _, id := range deptIDs {
		if d, ok := s.Access.department(ctx, id); ok {
			names, namesEN = append(names, d.Name), append(namesEN, cmp.Or(d.NameEN, d.Name))
		}
	}
	sd := staffDept{name: strings.Join(names, "、"), nameEN: strings.Join(namesEN, "; "), at: time.Now()}
	s.Access.staffDepts.Store(accountID, sd)
	return sd, nil
}

func validPurpose(k string) bool {
	switch k {
	case PurposeSelf, PurposeCase, PurposeVerification, PurposePrefill, PurposeAdmin, "import":
		return true
	}
	return false
}

// AccessEntry is one read of a subject's data, as its subject sees it.
type AccessEntry struct {
	ID           int64     `json:"id"`
	At           time.Time `json:"at"`
	AccessorKind string    `json:"accessor_kind"` // person, staff, agent, department_system, …
	AccessorName string    `json:"accessor_name"` // a staff member's masked
	// AccessorDept and AccessorDeptEN name a staff reader's department(s).
	AccessorDept   string `json:"accessor_department,omitempty"`
	AccessorDeptEN string `json:"accessor_department_en,omitempty"`
	Purpose        string `json:"purpose"`
	Ref            string `json:"ref,omitempty"`
	Op             string `json:"op"`      // profile, prefill, verify, materials, realname
	Allowed        bool   `json:"allowed"` // false: the read was refused
	Reason         string `json:"reason,omitempty"`

	// AccessorRole is what the reader read as: RoleHandler for a person
	// who acts for the enterprise (their name masked like any other
	// person's).
	AccessorRole string `json:"accessor_role,omitempty"`
	// Self: the reader is the account asking for the list (its own reads).
	Self bool `json:"self"`
}

// AccessLogPage is one page of the reads of a subject, newest first.
type AccessLogPage struct {
	Entries []AccessEntry `json:"entries"`
	Total   int           `json:"total"`
	Page    int           `json:"page"`
	Pages   int           `json:"pages"`
}

// AccessLogPageSize is how many entries one page shows.
const AccessLogPageSize = 20

// MyAccessLog is "who looked at my data": the access-log entries about the
// signed-in person (or enterprise), newest first, page 1 first. Entries
// still in the writer's queue are committed first, so a person sees a read
// made a moment ago.
func (s *Service) MyAccessLog(ctx context.Context, page int) (AccessLogPage, error) {
	p := identity.PrincipalFrom(ctx)
	subj := ""
	switch p.Kind() {
	case identity.Person:
		subj = p.Account.IDNumber
	case identity.Enterprise:
		subj = p.Account.Login
	}
	if subj == "" {
		return AccessLogPage{}, &errs.Error{Code: errs.Denied, Key: "hub.access.denied"}
	}
	if err := s.accessLog().flush(ctx); err != nil {
		return AccessLogPage{}, err
	}
	return s.accessLogOf(ctx, subj, page, p)
}

// accessLogOf reads a page of the entries about subj as viewer sees them:
// other people's names masked, a staff reader's department named.
func (s *Service) accessLogOf(ctx context.Context, subj string, page int, viewer identity.Principal) (AccessLogPage, error) {
	out := AccessLogPage{Page: max(page, 1)}
	if err := s.DB.QueryRow(ctx, "SELECT count(*) FROM hub_access_log WHERE subject_id = ?", subj).Scan(&out.Total); err != nil {
		return out, fmt.Errorf("count access log: %w", err)
	}
	out.Pages = max(1, (out.Total+AccessLogPageSize-1)/AccessLogPageSize)
	rows, err := s.DB.Query(ctx, `SELECT id, at, accessor_kind, accessor_id, accessor_name, purpose, purpose_ref, detail
		FROM hub_access_log WHERE subject_id = ? ORDER BY at DESC, id DESC LIMIT ? OFFSET ?`,
		subj, AccessLogPageSize, (out.Page-1)*AccessLogPageSize)
	if err != nil {
		return out, fmt.Errorf("read access log: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var e AccessEntry
		var accID, detail string
		if err := rows.Scan(&e.ID, &e.At, &e.AccessorKind, &accID, &e.AccessorName, &e.Purpose, &e.Ref, &detail); err != nil {
			return out, err
		}
		var d accessDetail
		_ = json.Unmarshal([]byte(detail), &d)
		e.At, e.Op, e.AccessorRole = e.At.UTC(), d.Op, d.As
		e.Self = e.AccessorKind == viewer.Kind() && accID == strconv.FormatInt(viewer.Account.ID, 10)
		switch e.AccessorKind {
		case identity.Staff:
			e.AccessorName, e.AccessorDept, e.AccessorDeptEN = ids.MaskName(e.AccessorName), d.Dept, d.DeptEN
		case identity.Person:
			if !e.Self { // another resident's refused attempt
				e.AccessorName = ids.MaskName(e.AccessorName)
			}
		}
		e.Allowed = d.Outcome == "allowed"
		if r, ok := strings.CutPrefix(d.Outcome, "refused:"); ok {
			e.Reason = r
		}
		out.Entries = append(out.Entries, e)
	}
	return out, rows.Err()
}
