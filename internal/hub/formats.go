package hub

import (
	"strings"
)

// A table is one hub database table as the importer sees it: text columns,
// key first, its primary key and secondary indexes (dropped for a first load
// into the empty table and rebuilt after it).
type table struct {
	name, subject, key, pk string
	cols                   []string
	indexes                []string // CREATE INDEX IF NOT EXISTS statements, as in the migration
	indexNames             []string
	indexCols              []string // the column each index covers
}

var (
	personsTable = &table{name: "hub_persons", subject: "person", key: "id_number", pk: "hub_persons_pk",
		cols: []string{"id_number", "name", "former_names", "sex", "ethnicity", "birth_date", "hukou_address",
			"hukou_division", "current_address", "phone", "status", "marital_status", "spouse_id", "father_id", "mother_id"},
		indexNames: []string{"hub_persons_father", "hub_persons_mother"}, indexCols: []string{"father_id", "mother_id"},
		indexes: []string{
			"CREATE INDEX IF NOT EXISTS hub_persons_father ON hub_persons (father_id) WHERE father_id <> ''",
			"CREATE INDEX IF NOT EXISTS hub_persons_mother ON hub_persons (mother_id) WHERE mother_id <> ''",
		}}
	entitiesTable = &table{name: "hub_entities", subject: "entity", key: "credit_code", pk: "hub_entities_pk",
		cols: []string{"credit_code", "name", "type", "legal_rep", "legal_rep_id", "registered_capital", "address",
			"business_scope", "established_on", "status", "registering_authority"},
		indexNames: []string{"hub_entities_legal_rep"}, indexCols: []string{"legal_rep_id"},
		indexes: []string{"CREATE INDEX IF NOT EXISTS hub_entities_legal_rep ON hub_entities (legal_rep_id) WHERE legal_rep_id <> ''"}}
	licencesTable = &table{name: "hub_licences", subject: "licence", key: "identifier", pk: "hub_licences_pk",
		cols: []string{"identifier", "type_code", "number", "holder_kind", "holder_id", "holder_name", "issuer_code",
			"issuer_name", "issued_on", "expires_on", "status", "data"},
		indexNames: []string{"hub_licences_holder"}, indexCols: []string{"holder_id"},
		indexes: []string{"CREATE INDEX IF NOT EXISTS hub_licences_holder ON hub_licences (holder_id)"}}
)

// A field is a column of an import file: its Chinese header, the English
// key also accepted (written in brackets or alone), and the table column it
// offers a value for ("" for the change type).
type field struct {
	zh, en   string
	col      string
	optional bool
}

// changeField is the optional change type (变更类型) of a delta export.
var changeField = field{zh: "变更类型", en: "change", optional: true}

// Change types of a delta export.
const (
	changeUpsert = ""
	changeAdd    = "add"
	changeUpdate = "update"
	changeCancel = "cancel"
)

// A format is one kind of department export.
type format struct {
	name  string // registry, marriages, births, entities, licences
	kind  string
	table *table
	// fields of the file; fields with a col offer that column's value.
	fields []field
	// prov is the provenance column the format's source writes.
	prov string
	// creates: a row may add a record (otherwise the record must exist).
	creates bool
	// status and cancel: 注销 sets column status to cancel; when status is
	// "", 注销 clears the format's own columns (a withdrawn marriage or
	// birth registration).
	status, cancel string
	// marker is a field only this format has among its kind's formats.
	marker string
	// refs are columns naming other records of the table that must exist.
	refs  []string
	parse func(p *parser, c []string, r *rec)
}

// cols lists the table columns the format offers, in field order; rec.vals
// is aligned with it. The key comes first.
func (f *format) cols() []string {
	var out []string
	for _, fd := range f.fields {
		if fd.col != "" {
			out = append(out, fd.col)
		}
	}
	return out
}

var formats = []*format{registryFormat, marriagesFormat, birthsFormat, entitiesFormat, licencesFormat}

var registryFormat = &format{name: "registry", kind: KindPopulation, table: personsTable, prov: "registry_import",
	creates: true, status: "status", cancel: "cancelled",
	fields: []field{
		{zh: "公民身份号码", en: "id_number", col: "id_number"},
		{zh: "姓名", en: "name", col: "name"},
		{zh: "曾用名", en: "former_names", col: "former_names", optional: true},
		{zh: "性别", en: "sex", col: "sex"},
		{zh: "民族", en: "ethnicity", col: "ethnicity", optional: true},
		{zh: "出生日期", en: "birth_date", col: "birth_date"},
		{zh: "户籍地址", en: "hukou_address", col: "hukou_address"},
		{zh: "户籍地行政区划代码", en: "hukou_division", col: "hukou_division"},
		{zh: "现住址", en: "current_address", col: "current_address", optional: true},
		{zh: "联系电话", en: "phone", col: "phone", optional: true},
		{zh: "人员状态", en: "status", col: "status"},
		changeField,
	},
	parse: parseRegistry}

var marriagesFormat = &format{name: "marriages", kind: KindPopulation, table: personsTable, prov: "marriage_import",
	marker: "婚姻状况", refs: []string{"spouse_id"},
	fields: []field{
		{zh: "公民身份号码", en: "id_number", col: "id_number"},
		{zh: "婚姻状况", en: "marital_status", col: "marital_status"},
		{zh: "配偶公民身份号码", en: "spouse_id_number", col: "spouse_id", optional: true},
		{zh: "姓名", en: "name", col: "name", optional: true},
		changeField,
	},
	parse: parseMarriage}

var birthsFormat = &format{name: "births", kind: KindPopulation, table: personsTable, prov: "birth_import",
	marker: "父亲公民身份号码", refs: []string{"father_id", "mother_id"},
	fields: []field{
		{zh: "公民身份号码", en: "id_number", col: "id_number"},
		{zh: "父亲公民身份号码", en: "father_id_number", col: "father_id", optional: true},
		{zh: "母亲公民身份号码", en: "mother_id_number", col: "mother_id", optional: true},
		{zh: "姓名", en: "name", col: "name", optional: true},
		{zh: "出生日期", en: "birth_date", col: "birth_date", optional: true},
		changeField,
	},
	parse: parseBirth}

var entitiesFormat = &format{name: "entities", kind: KindEntity, table: entitiesTable, prov: "src_import",
	creates: true, status: "status", cancel: "cancelled",
	fields: []field{
		{zh: "统一社会信用代码", en: "credit_code", col: "credit_code"},
		{zh: "名称", en: "name", col: "name"},
		{zh: "类型", en: "type", col: "type", optional: true},
		{zh: "法定代表人", en: "legal_representative", col: "legal_rep", optional: true},
		{zh: "法定代表人身份号码", en: "legal_representative_id", col: "legal_rep_id", optional: true},
		{zh: "注册资本", en: "registered_capital", col: "registered_capital", optional: true},
		{zh: "住所", en: "address", col: "address", optional: true},
		{zh: "经营范围", en: "business_scope", col: "business_scope", optional: true},
		{zh: "成立日期", en: "established_on", col: "established_on", optional: true},
		{zh: "登记状态", en: "status", col: "status"},
		{zh: "登记机关", en: "registering_authority", col: "registering_authority", optional: true},
		changeField,
	},
	parse: parseEntity}

var licencesFormat = &format{name: "licences", kind: KindLicence, table: licencesTable, prov: "src_import",
	creates: true, status: "status", cancel: "revoked",
	fields: []field{
		{zh: "证照标识", en: "identifier", col: "identifier"},
		{zh: "证照类型代码", en: "type_code", col: "type_code"},
		{zh: "证照编号", en: "number", col: "number"},
		{zh: "持证主体类型", en: "holder_kind", col: "holder_kind"},
		{zh: "持证主体代码", en: "holder_id", col: "holder_id"},
		{zh: "持证主体名称", en: "holder_name", col: "holder_name"},
		{zh: "发证机构代码", en: "issuer_code", col: "issuer_code"},
		{zh: "发证机构", en: "issuer_name", col: "issuer_name", optional: true},
		{zh: "发证日期", en: "issued_on", col: "issued_on"},
		{zh: "有效期至", en: "expires_on", col: "expires_on", optional: true},
		{zh: "证照状态", en: "status", col: "status"},
		{zh: "照面信息", en: "data", col: "data", optional: true},
		changeField,
	},
	parse: parseLicence}

// headerName reads a header cell: "中文", "中文[key]", "中文（key）" or "key".
func headerName(h string) (zh, en string) {
	h = strings.TrimSpace(strings.TrimPrefix(h, "\uFEFF"))
	for _, br := range [][2]string{{"[", "]"}, {"(", ")"}, {"（", "）"}} {
		if i := strings.Index(h, br[0]); i >= 0 && strings.HasSuffix(h, br[1]) {
			return strings.TrimSpace(h[:i]), strings.TrimSpace(h[i+len(br[0]) : len(h)-len(br[1])])
		}
	}
	return h, h
}

// matchField finds the field a header cell names.
func (f *format) matchField(h string) int {
	zh, en := headerName(h)
	for i, fd := range f.fields {
		if fd.zh == zh || strings.EqualFold(fd.en, en) || strings.EqualFold(fd.en, zh) {
			return i
		}
	}
	return -1
}

// pickFormat chooses the format of a file of kind from its header: the
// format whose marker column is present, else the kind's format without a
// marker.
func pickFormat(kind string, header []string) *format {
	var plain *format
	for _, f := range formats {
		if f.kind != kind {
			continue
		}
		if f.marker == "" {
			plain = f
			continue
		}
		m := f.matchField(f.marker)
		for _, h := range header {
			if f.matchField(h) == m {
				return f
			}
		}
	}
	return plain
}
