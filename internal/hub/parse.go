package hub

import (
	"encoding/json"
	"errors"
	"strings"
	"time"

	"github.com/govhall/govhall/internal/ids"
)

// rec is one parsed row of an import file.
type rec struct {
	line   int64
	key    string
	vals   []string // aligned with format.cols(); key first
	change string
	cells  []string // the original cells, for the rejects file
	rej    *reject
}

// reject says why a row was refused: the field and an i18n key.
type reject struct {
	field string
	key   string
	args  map[string]any
}

// parser checks rows of one import: it knows the clock (birth dates in the
// future), the city's divisions and the licence types.
type parser struct {
	now       time.Time
	source    string
	divisions map[string]bool // 6-digit county-level codes of the city
	types     map[string]LicenceType
}

func (r *rec) fail(field, key string, args map[string]any) {
	if r.rej == nil {
		r.rej = &reject{field: field, key: key, args: args}
	}
}

// changeType reads 变更类型.
func (r *rec) changeType(v string) {
	switch v {
	case "", "更新":
		r.change = changeUpsert
	case "新增":
		r.change = changeAdd
	case "变更":
		r.change = changeUpdate
	case "注销":
		r.change = changeCancel
	default:
		r.fail("change", "hub.reject.change", map[string]any{"value": v})
	}
}

// idNumber checks a citizen ID number; "" stays "" unless required.
func (p *parser) idNumber(r *rec, field, v string, required bool) (string, ids.IDNumber) {
	if v == "" {
		if required {
			r.fail(field, "hub.reject.required", nil)
		}
		return "", ids.IDNumber{}
	}
	n, err := ids.ValidateIDNumber(v, p.now)
	if err != nil {
		var e *ids.IDNumberError
		if errors.As(err, &e) {
			r.fail(field, e.Key(), nil)
		} else {
			r.fail(field, "hub.reject.invalid", nil)
		}
		return "", ids.IDNumber{}
	}
	return n.Number, n
}

// date reads YYYY-MM-DD or YYYYMMDD and returns YYYY-MM-DD.
func (p *parser) date(r *rec, field, v string, required bool) string {
	if v == "" {
		if required {
			r.fail(field, "hub.reject.required", nil)
		}
		return ""
	}
	if len(v) == 8 {
		v = v[:4] + "-" + v[4:6] + "-" + v[6:]
	}
	t, err := time.Parse(time.DateOnly, v)
	if err != nil || t.Year() < 1800 {
		r.fail(field, "hub.reject.date", map[string]any{"value": v})
		return ""
	}
	return v
}

// division reads a household-registration division code: 12 digits (6
// are padded) whose county part is one of the city's.
func (p *parser) division(r *rec, v string) string {
	if len(v) == 6 {
		v += "000000"
	}
	if len(v) != 12 || !allDigits(v) {
		r.fail("hukou_division", "hub.reject.division_format", map[string]any{"value": v})
		return ""
	}
	if !p.divisions[v[:6]] {
		r.fail("hukou_division", "hub.reject.division_unknown", map[string]any{"value": v})
		return ""
	}
	return v
}

func enum(r *rec, field, v string, m map[string]string) string {
	code, ok := m[v]
	if !ok {
		r.fail(field, "hub.reject.value", map[string]any{"value": v})
	}
	return code
}

var (
	sexes          = map[string]string{"男": "M", "女": "F"}
	personStatuses = map[string]string{"正常": "normal", "死亡": "deceased", "迁出": "migrated", "注销": "cancelled"}
	maritalStatus  = map[string]string{"未婚": "unmarried", "已婚": "married", "离婚": "divorced", "丧偶": "widowed"}
	entityStatuses = map[string]string{"存续": "active", "在业": "active", "吊销": "revoked", "注销": "cancelled"}
	licenceStatus  = map[string]string{"有效": "valid", "注销": "revoked"}
)

// c: id_number name former_names sex ethnicity birth_date hukou_address
// hukou_division current_address phone status change
func parseRegistry(p *parser, c []string, r *rec) {
	id, n := p.idNumber(r, "id_number", c[0], true)
	r.key = id
	if c[1] == "" {
		r.fail("name", "hub.reject.required", nil)
	}
	sex := enum(r, "sex", c[3], sexes)
	if r.rej == nil && (sex == "M") != n.Male {
		r.fail("sex", "hub.reject.sex_mismatch", nil)
	}
	birth := p.date(r, "birth_date", c[5], true)
	if r.rej == nil && !sameBirth(birth, n.Number) {
		r.fail("birth_date", "hub.reject.birth_mismatch", nil)
	}
	div := p.division(r, c[7])
	if c[9] != "" && !isPhone(c[9]) {
		r.fail("phone", "hub.reject.phone", nil)
	}
	status := enum(r, "status", c[10], personStatuses)
	r.changeType(c[11])
	r.vals = []string{id, c[1], formerNames(c[2]), sex, c[4], birth, c[6], div, c[8], c[9], status}
}

// sameBirth compares a YYYY-MM-DD date with the birth date (YYYYMMDD,
// characters 7-14) of a valid ID number.
func sameBirth(date, id string) bool {
	return len(date) == 10 && date[:4] == id[6:10] && date[5:7] == id[10:12] && date[8:] == id[12:14]
}

func formerNames(v string) string {
	if v == "" {
		return ""
	}
	parts := strings.FieldsFunc(v, func(r rune) bool { return r == ';' || r == '；' })
	for i := range parts {
		parts[i] = strings.TrimSpace(parts[i])
	}
	return strings.Join(parts, ";")
}

func isPhone(v string) bool {
	if len(v) < 5 || len(v) > 20 {
		return false
	}
	for i := 0; i < len(v); i++ {
		if c := v[i]; (c < '0' || c > '9') && c != '-' && c != '+' && c != ' ' {
			return false
		}
	}
	return true
}

func allDigits(v string) bool {
	for i := 0; i < len(v); i++ {
		if v[i] < '0' || v[i] > '9' {
			return false
		}
	}
	return true
}

// trim is strings.TrimSpace with a fast path for the usual cell that has
// nothing to trim.
func trim(v string) string {
	if n := len(v); n == 0 || v[0] > ' ' && v[0] < 0x80 && v[n-1] > ' ' && v[n-1] < 0x80 {
		return v
	}
	return strings.TrimSpace(v)
}

// c: id_number marital_status spouse_id name change
func parseMarriage(p *parser, c []string, r *rec) {
	id, _ := p.idNumber(r, "id_number", c[0], true)
	r.key = id
	ms := enum(r, "marital_status", c[1], maritalStatus)
	spouse, _ := p.idNumber(r, "spouse_id_number", c[2], ms == "married")
	if ms != "married" && spouse != "" {
		r.fail("spouse_id_number", "hub.reject.spouse_unexpected", nil)
	}
	if spouse != "" && spouse == id {
		r.fail("spouse_id_number", "hub.reject.spouse_self", nil)
	}
	r.changeType(c[4])
	r.vals = []string{id, ms, spouse, c[3]}
}

// c: id_number father_id mother_id name birth_date change
func parseBirth(p *parser, c []string, r *rec) {
	id, n := p.idNumber(r, "id_number", c[0], true)
	r.key = id
	father, _ := p.idNumber(r, "father_id_number", c[1], false)
	mother, _ := p.idNumber(r, "mother_id_number", c[2], false)
	if r.rej == nil && father == "" && mother == "" {
		r.fail("father_id_number", "hub.reject.no_parent", nil)
	}
	if r.rej == nil && (father == id || mother == id) {
		r.fail("father_id_number", "hub.reject.parent_self", nil)
	}
	birth := p.date(r, "birth_date", c[4], false)
	if r.rej == nil && birth != "" && !sameBirth(birth, n.Number) {
		r.fail("birth_date", "hub.reject.birth_mismatch", nil)
	}
	r.changeType(c[5])
	r.vals = []string{id, father, mother, c[3], birth}
}

// c: credit_code name type legal_rep legal_rep_id registered_capital
// address business_scope established_on status registering_authority change
func parseEntity(p *parser, c []string, r *rec) {
	code := p.creditCode(r, "credit_code", c[0])
	r.key = code
	if c[1] == "" {
		r.fail("name", "hub.reject.required", nil)
	}
	rep, _ := p.idNumber(r, "legal_representative_id", c[4], false)
	if c[5] != "" && !isDecimal(c[5]) {
		r.fail("registered_capital", "hub.reject.decimal", map[string]any{"value": c[5]})
	}
	est := p.date(r, "established_on", c[8], false)
	status := enum(r, "status", c[9], entityStatuses)
	r.changeType(c[11])
	r.vals = []string{code, c[1], c[2], c[3], rep, c[5], c[6], c[7], est, status, c[10]}
}

func (p *parser) creditCode(r *rec, field, v string) string {
	code := ids.NormalizeCreditCode(v)
	if code == "" {
		r.fail(field, "hub.reject.required", nil)
		return ""
	}
	if err := ids.ValidateCreditCode(code); err != nil {
		var e *ids.CreditCodeError
		if errors.As(err, &e) {
			r.fail(field, e.Key(), nil)
		} else {
			r.fail(field, "hub.reject.invalid", nil)
		}
		return ""
	}
	return code
}

func isDecimal(v string) bool {
	whole, frac, dot := strings.Cut(v, ".")
	return whole != "" && allDigits(whole) && (!dot || frac != "" && allDigits(frac))
}

// c: identifier type_code number holder_kind holder_id holder_name
// issuer_code issuer_name issued_on expires_on status data change
func parseLicence(p *parser, c []string, r *rec) {
	lid, err := ids.ParseLicenceID(c[0])
	var le *ids.LicenceIDError
	switch {
	case errors.As(err, &le):
		r.fail("identifier", le.Key(), nil)
	case err != nil:
		r.fail("identifier", "hub.reject.invalid", nil)
	}
	ident := lid.String()
	if r.rej != nil {
		ident = ""
	}
	r.key = ident
	typ, ok := p.types[c[1]]
	switch {
	case r.rej != nil:
	case !ok:
		r.fail("type_code", "hub.reject.licence_type_unknown", map[string]any{"value": c[1]})
	case c[1] != lid.TypeCode:
		r.fail("type_code", "hub.reject.licence_type_mismatch", nil)
	case typ.DepartmentKind != p.source:
		r.fail("type_code", "hub.reject.licence_type_source", map[string]any{"source": typ.DepartmentKind})
	}
	holder := p.holder(r, typ, c[3], c[4])
	issuer := p.creditCode(r, "issuer_code", c[6])
	if r.rej == nil && issuer != lid.IssuerCode {
		r.fail("issuer_code", "hub.reject.issuer_mismatch", nil)
	}
	issued := p.date(r, "issued_on", c[8], true)
	expires := p.date(r, "expires_on", c[9], false)
	if r.rej == nil && expires != "" && expires < issued {
		r.fail("expires_on", "hub.reject.expires_before_issued", nil)
	}
	status := enum(r, "status", c[10], licenceStatus)
	data := c[11]
	if data == "" {
		data = "{}"
	}
	if r.rej == nil && (data[0] != '{' || !json.Valid([]byte(data))) {
		r.fail("data", "hub.reject.data_json", nil)
	}
	r.changeType(c[12])
	r.vals = []string{ident, c[1], c[2], c[3], holder, c[5], issuer, c[7], issued, expires, status, data}
}

func (p *parser) holder(r *rec, typ LicenceType, kind, id string) string {
	if r.rej != nil {
		return ""
	}
	want := HolderPerson
	if typ.HolderKind == "entity" {
		want = HolderEntity
	}
	if kind != want {
		r.fail("holder_kind", "hub.reject.holder_kind", map[string]any{"value": kind})
		return ""
	}
	if kind == HolderPerson {
		n, _ := p.idNumber(r, "holder_id", id, true)
		return n
	}
	return p.creditCode(r, "holder_id", id)
}
