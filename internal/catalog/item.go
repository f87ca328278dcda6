// Package catalog owns the service-item catalog: the city's standard catalog
// of basic items, each jurisdiction's implementation list at minimum
// granularity (main item → sub-item → business-handling item), the four lists
// (power, responsibility, public service, fee), the rules that keep a leaf one
// decision, published versions with their diffs, and the audit that compares
// the lists of jurisdictions ("where did the reduced powers go?").
//
// An item's columns (name, type, limits, department …) are what lists,
// filters and the audit query; everything an applicant or reviewer reads
// beyond them — legal basis, materials, fees, the form, the flowchart and its
// integrity-risk points — is the item's Doc, stored as JSON beside them and
// snapshotted in every version, so a case keeps the version it was filed under.
package catalog

import "time"

// Node is an item's place in the granularity tree.
const (
	Main     = "main"     // 主项
	Sub      = "sub"      // 子项
	Handling = "handling" // 业务办理项: the leaf an applicant applies for
)

// Lists of the seed's "four lists"; duties (the fourth) are Duty records.
const (
	PowerList         = "power"          // 权力清单
	PublicServiceList = "public_service" // 公共服务清单
	FeeList           = "fee"            // 行政收费清单
)

// Statuses of an implementation item. A reported item is a list as a
// jurisdiction reported it: audited, never applied for.
const (
	Reported  = "reported"
	Draft     = "draft"
	Published = "published"
	Withdrawn = "withdrawn"
)

// Types is the national dictionary of item types (catalog.md).
var Types = map[string]string{
	"01": "行政许可", "02": "行政处罚", "03": "行政强制", "04": "行政征收", "05": "行政给付",
	"06": "行政检查", "07": "行政确认", "08": "行政奖励", "09": "行政裁决", "10": "其他行政权力",
	"20": "公共服务",
}

// Applicable reports whether items of the type are initiated by an applicant
// (the seed's "seven kinds that run online"); penalties, enforcement, levies
// and inspections are initiated by the government.
func Applicable(itemType string) bool {
	switch itemType {
	case "02", "03", "04", "06":
		return false
	}
	_, ok := Types[itemType]
	return ok
}

// Use levels (行使层级).
const (
	LevelNation   = 1
	LevelProvince = 2
	LevelCity     = 3
	LevelCounty   = 4
	LevelTown     = 5
	LevelVillage  = 6
)

// Case types (办件类型).
const (
	Immediate = 1 // 即办件: decided the same working day
	Promised  = 2 // 承诺件
)

// Service objects (服务对象).
const (
	ObjectPerson       = 1
	ObjectEnterprise   = 2
	ObjectInstitution  = 3
	ObjectSocialOrg    = 4
	ObjectUnincorp     = 5
	ObjectAdministrive = 6
	ObjectOther        = 9
)

// Visit reasons: the only reasons an applicant must come in person.
var VisitReasons = []string{"blood", "photo", "fingerprint", "original_check"}

// LifeEvents are the browse categories of the public catalog.
var LifeEvents = []string{"birth", "education", "employment", "marriage", "moving", "housing",
	"business", "building", "health", "retirement", "death", "vehicle", "social_security"}

// BasicItem is an item of the standard catalog (基本目录): what the law lets a
// level do, independent of who implements it where.
type BasicItem struct {
	Code          string  `json:"code"` // 12 characters, opaque, unique
	ParentCode    string  `json:"parent_code,omitempty"`
	Node          string  `json:"node"`
	Name          string  `json:"name"`
	NameEN        string  `json:"name_en,omitempty"`
	Type          string  `json:"type"`
	List          string  `json:"list"`
	UseLevels     []int   `json:"use_levels"`
	DeptKind      string  `json:"dept_kind"` // the function that implements it (org.Department.Kind)
	StatutoryDays int     `json:"statutory_days,omitempty"`
	LegalBasis    []Basis `json:"legal_basis"`
	Generated     bool    `json:"generated,omitempty"` // name invented by the demo generator
	UpdatedAt     time.Time
}

// Item is an implementation item of one jurisdiction: a node of its list,
// at the version currently in force.
type Item struct {
	ID           int64    `json:"id"`
	Jurisdiction string   `json:"jurisdiction"` // 12-digit division code
	Code         string   `json:"code"`         // implementation code, or business-handling item code for a leaf
	ParentID     int64    `json:"parent_id,omitempty"`
	ParentCode   string   `json:"parent_code,omitempty"` // resolves ParentID on bulk creation and import
	Node         string   `json:"node"`
	Covers       []string `json:"covers"` // basic codes of the standard leaves it implements
	DepartmentID int64    `json:"department_id,omitempty"`
	Name         string   `json:"name"`
	NameEN       string   `json:"name_en,omitempty"`
	Type         string   `json:"type"`
	List         string   `json:"list"`
	Status       string   `json:"status"`
	Generated    bool     `json:"generated,omitempty"`
	Events       []string `json:"events,omitempty"` // life events
	Version      int      `json:"version"`
	// EffectiveFrom is when the version in force took effect.
	EffectiveFrom time.Time `json:"effective_from,omitzero"`
	Doc           Doc       `json:"doc"`
	CreatedAt     time.Time `json:"created_at"`
	UpdatedAt     time.Time `json:"updated_at"`
}

// Leaf reports whether the item can be applied for: only business-handling
// items of an applicant-initiated type.
func (it Item) Leaf() bool { return it.Node == Handling }

// Doc is everything about an item beyond its columns: the fields of the
// national implementation-list standard that matter to an applicant or a
// reviewer.
type Doc struct {
	LegalBasis  []Basis  `json:"legal_basis"`
	PowerSource int      `json:"power_source,omitempty"` // 1 statutory … 6 entrusted by a peer
	BodyNature  int      `json:"body_nature,omitempty"`  // 1 statutory organ, 2 authorised, 3 entrusted
	UseLevels   []int    `json:"use_levels,omitempty"`
	Conditions  string   `json:"conditions,omitempty"` // 受理条件
	Statutory   Limit    `json:"statutory"`            // 法定办结时限
	Promised    Limit    `json:"promised"`             // 承诺办结时限, ≤ statutory
	CaseType    int      `json:"case_type"`
	Objects     []int    `json:"objects"`
	Visits      int      `json:"visits"`                 // 到办事现场次数
	VisitReason string   `json:"visit_reason,omitempty"` // one of VisitReasons when Visits > 0
	VisitNote   string   `json:"visit_note,omitempty"`
	Online      bool     `json:"online"`
	OnlineDepth int      `json:"online_depth,omitempty"` // 1 information … 4 fully online
	Channels    Channels `json:"channels"`
	Place       string   `json:"place,omitempty"`
	Hours       string   `json:"hours,omitempty"`
	Consult     string   `json:"consult,omitempty"`   // consultation channel
	Complaint   string   `json:"complaint,omitempty"` // complaint channel
	// SpecialProcedures pause the clock (hearing, expert review, inspection…).
	SpecialProcedures []string   `json:"special_procedures,omitempty"`
	JointBodies       []string   `json:"joint_bodies,omitempty"` // 联办机构 (department kinds)
	Materials         []Material `json:"materials"`
	Fees              []Fee      `json:"fees,omitempty"`
	Form              []Field    `json:"form,omitempty"`
	Flow              []Step     `json:"flow,omitempty"`
	Results           []Result   `json:"results,omitempty"`
	Prerequisites     []string   `json:"prerequisites,omitempty"` // basic codes of items that must be done first
	Note              string     `json:"note,omitempty"`
}

// Basis is one legal basis (设定依据): a law or regulation and its article.
type Basis struct {
	Law     string `json:"law"`
	Article string `json:"article,omitempty"`
	Text    string `json:"text,omitempty"`
}

// Limit is a time limit in working days (行政许可法 Art. 82).
type Limit struct {
	Days int    `json:"days"`
	Note string `json:"note,omitempty"`
}

// Channels are the ways an item is handled besides the hall's window.
type Channels struct {
	Payment     bool `json:"payment"`     // online payment
	Express     bool `json:"express"`     // result by express mail
	Appointment bool `json:"appointment"` // booking of in-person steps
}

// Material sources: uploaded by the applicant, or issued by government and
// then taken from the data hub or an e-licence instead.
const (
	FromApplicant = "applicant"
	FromHub       = "hub"
	FromLicence   = "licence"
)

// Material is one required document (申请材料).
type Material struct {
	Name        string `json:"name"`
	Necessity   string `json:"necessity"` // required | conditional | optional
	Kind        string `json:"kind"`      // original | copy | licence | form
	Source      string `json:"source"`
	HubElement  string `json:"hub_element,omitempty"`  // when Source is hub: e.g. person.marital_status
	LicenceType string `json:"licence_type,omitempty"` // when Source is licence: a hub licence type code
	Copies      int    `json:"copies,omitempty"`
	Set         string `json:"set,omitempty"` // alternative material sets: different sets suggest different cases
	Condition   string `json:"condition,omitempty"`
	Sample      string `json:"sample,omitempty"` // what a good one looks like
	Standard    string `json:"standard,omitempty"`
	Note        string `json:"note,omitempty"`
}

// Fee is one charge of an item, linked to the fee list.
type Fee struct {
	Name      string `json:"name"`
	FeeCode   string `json:"fee_code,omitempty"` // basic code of the fee-list item
	Amount    string `json:"amount,omitempty"`   // fixed amount in yuan, e.g. "10.00"
	Formula   string `json:"formula,omitempty"`  // or a formula over form values, e.g. "area * 1.5"
	Basis     Basis  `json:"basis"`
	Exemption string `json:"exemption,omitempty"` // who is exempt, on what basis
}

// Field is one field of the application form.
type Field struct {
	Key        string   `json:"key"`
	Label      string   `json:"label"`
	LabelEN    string   `json:"label_en,omitempty"`
	Type       string   `json:"type"` // text | number | date | id_number | credit_code | phone | select | bool
	Required   bool     `json:"required,omitempty"`
	Pattern    string   `json:"pattern,omitempty"` // a Go regexp the value must match
	Min        *float64 `json:"min,omitempty"`
	Max        *float64 `json:"max,omitempty"`
	Options    []string `json:"options,omitempty"`
	HubElement string   `json:"hub_element,omitempty"` // the data-hub element that can prefill it
}

// FieldTypes are the form field types.
var FieldTypes = []string{"text", "number", "date", "id_number", "credit_code", "phone", "select", "bool"}

// Step is one step of the flowchart. Steps whose After lists are the same
// step run in parallel; a step after several steps is their join.
type Step struct {
	Key      string   `json:"key"`
	Name     string   `json:"name"`
	NameEN   string   `json:"name_en,omitempty"`
	DeptKind string   `json:"dept_kind"`       // the department function that does it
	Post     string   `json:"post,omitempty"`  // e.g. 受理岗
	Share    int      `json:"share"`           // percent of the promised limit
	After    []string `json:"after,omitempty"` // keys of the steps it waits for; none = a start
	Risks    []Risk   `json:"risks,omitempty"`
}

// Risk is an integrity-risk point (廉政风险点) of a step.
type Risk struct {
	Point   string `json:"point"`
	Grade   string `json:"grade"` // high | medium | low
	Measure string `json:"measure"`
	Post    string `json:"post"` // the responsible post
}

// Result is what a decision produces (结果名称/类型).
type Result struct {
	Name        string `json:"name"`
	Kind        string `json:"kind"`                   // licence | approval | certificate | other
	LicenceType string `json:"licence_type,omitempty"` // issued as this e-licence type
}

// Duty is an item of the responsibility list: one lead department, any
// number of cooperating ones.
type Duty struct {
	ID             int64   `json:"id"`
	Jurisdiction   string  `json:"jurisdiction"`
	Code           string  `json:"code"`
	Name           string  `json:"name"`
	NameEN         string  `json:"name_en,omitempty"`
	Content        string  `json:"content,omitempty"`
	LegalBasis     []Basis `json:"legal_basis"`
	Accountability string  `json:"accountability,omitempty"`
	Lead           []int64 `json:"lead"`      // department IDs; exactly one is right
	Cooperate      []int64 `json:"cooperate"` // department IDs
	Generated      bool    `json:"generated,omitempty"`
	UpdatedAt      time.Time
}

// Version is one version of an item.
type Version struct {
	ItemID        int64     `json:"item_id"`
	Version       int       `json:"version"`
	Status        string    `json:"status"` // draft | scheduled | published | superseded
	Diff          []Change  `json:"diff"`
	EffectiveFrom time.Time `json:"effective_from,omitzero"`
	ApprovedBy    string    `json:"approved_by,omitempty"`
	ApprovedAt    time.Time `json:"approved_at,omitzero"`
	Note          string    `json:"note,omitempty"`
	CreatedAt     time.Time `json:"created_at"`
}

// Change is one difference between two versions of an item.
type Change struct {
	Field string `json:"field"` // a path such as doc.promised.days or doc.materials[2].name
	Old   string `json:"old"`
	New   string `json:"new"`
}
