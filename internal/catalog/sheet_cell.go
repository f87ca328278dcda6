package catalog

import (
	"fmt"
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode"

	"github.com/govhall/govhall/internal/errs"
)

// dict is a dictionary of the standard: codes as the model stores them and
// the Chinese names a spreadsheet shows. A cell may hold either.
type dict struct {
	codes, names []string
}

func newDict(pairs ...string) dict {
	var d dict
	for i := 0; i+1 < len(pairs); i += 2 {
		d.codes = append(d.codes, pairs[i])
		d.names = append(d.names, pairs[i+1])
	}
	return d
}

// name is what export writes for code: its name, or the code itself when
// the dictionary lacks it (import then refuses it).
func (d dict) name(code string) string {
	if i := slices.Index(d.codes, code); i >= 0 {
		return d.names[i]
	}
	return code
}

// parse reads a cell: a name or a code, surrounding spaces ignored.
func (d dict) parse(col, cell string) (string, *errs.Error) {
	v := strings.TrimSpace(cell)
	if i := slices.Index(d.names, v); i >= 0 {
		return d.codes[i], nil
	}
	if slices.Contains(d.codes, v) {
		return v, nil
	}
	return "", errs.Field(col, "catalog.sheet.dict", map[string]any{"value": v, "allowed": strings.Join(d.names, "、")})
}

// intName and parseInt are name and parse for dictionaries of numbers; 0 is
// the empty cell.
func (d dict) intName(code int) string {
	if code == 0 {
		return ""
	}
	return d.name(strconv.Itoa(code))
}

func (d dict) parseInt(col, cell string) (int, *errs.Error) {
	if strings.TrimSpace(cell) == "" {
		return 0, nil
	}
	v, err := d.parse(col, cell)
	if err != nil {
		return 0, err
	}
	n, _ := strconv.Atoi(v)
	return n, nil
}

// The dictionaries of catalog.md and of the model.
var (
	typeDict = newDict("01", "行政许可", "02", "行政处罚", "03", "行政强制", "04", "行政征收", "05", "行政给付",
		"06", "行政检查", "07", "行政确认", "08", "行政奖励", "09", "行政裁决", "10", "其他行政权力", "20", "公共服务")
	listDict   = newDict(PowerList, "权力清单", PublicServiceList, "公共服务清单", FeeList, "行政收费清单")
	nodeDict   = newDict(Main, "主项", Sub, "子项", Handling, "业务办理项")
	sourceDict = newDict("1", "法定本级行使", "2", "上级下放", "3", "上级授权", "4", "同级授权", "5", "上级委托",
		"6", "同级委托")
	natureDict = newDict("1", "法定机关", "2", "授权组织", "3", "受委托组织")
	caseDict   = newDict("1", "即办件", "2", "承诺件")
	objectDict = newDict("1", "自然人", "2", "企业法人", "3", "事业单位法人", "4", "社会组织法人", "5", "非法人企业",
		"6", "行政机关", "9", "其他组织")
	levelDict = newDict("1", "国家级", "2", "省级", "3", "市级", "4", "县级", "5", "乡级", "6", "村级")
	depthDict = newDict("1", "一级", "2", "二级", "3", "三级", "4", "四级")
	visitDict = newDict("blood", "抽血", "photo", "拍照", "fingerprint", "采集指纹", "original_check", "核验原件")
	eventDict = newDict("birth", "出生", "education", "教育", "employment", "就业", "marriage", "婚姻", "moving", "迁居",
		"housing", "住房", "business", "创业", "building", "建设", "health", "医疗", "retirement", "退休",
		"death", "身后", "vehicle", "车辆", "social_security", "社保")
	necessityDict = newDict("required", "必要", "conditional", "情形必要", "optional", "非必要")
	kindDict      = newDict("original", "原件", "copy", "复印件", "licence", "电子证照", "form", "申请表")
	fromDict      = newDict(FromApplicant, "申请人自备", FromHub, "数据共享", FromLicence, "电子证照库")
	fieldDict     = newDict("text", "文本", "number", "数字", "date", "日期", "id_number", "身份证号码",
		"credit_code", "统一社会信用代码", "phone", "手机号码", "select", "选项", "bool", "是否")
	gradeDict  = newDict("high", "高", "medium", "中", "low", "低")
	resultDict = newDict("licence", "证照", "approval", "批文", "certificate", "证明", "other", "其他")
)

// hubElements are the data-hub elements a material or a form field may be
// taken from (the hub's prefill reads these names).
var hubElements = []string{"person.id_number", "person.name", "person.former_names", "person.sex",
	"person.ethnicity", "person.birth_date", "person.hukou_address", "person.hukou_division",
	"person.current_address", "person.phone", "person.marital_status", "person.spouse.id_number",
	"person.spouse.name", "person.children.count", "person.children.names", "person.father.name",
	"person.mother.name", "entity.credit_code", "entity.name", "entity.type", "entity.legal_representative",
	"entity.registered_capital", "entity.address", "entity.business_scope", "entity.established_on"}

// parseHubElement reads a data-hub element name; "" is none.
func parseHubElement(col, cell string) (string, *errs.Error) {
	v := strings.TrimSpace(cell)
	if v == "" || slices.Contains(hubElements, v) {
		return v, nil
	}
	return "", errs.Field(col, "catalog.sheet.hub_element", map[string]any{"value": v})
}

// digits turns full-width digits (an IME's ０-９) into ASCII ones.
func digits(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= '０' && r <= '９' {
			return '0' + (r - '０')
		}
		return r
	}, strings.TrimSpace(s))
}

// parseCount reads a whole number between 0 and max; "" is 0.
func parseCount(col, cell string, max int) (int, *errs.Error) {
	v := digits(cell)
	if v == "" {
		return 0, nil
	}
	if len(v) > 9 || strings.Trim(v, "0123456789") != "" {
		return 0, errs.Field(col, "catalog.sheet.integer", map[string]any{"value": v})
	}
	n, _ := strconv.Atoi(v)
	if n > max {
		return 0, errs.Field(col, "catalog.sheet.range", map[string]any{"value": v, "max": max})
	}
	return n, nil
}

func formatCount(n int) string {
	if n == 0 {
		return ""
	}
	return strconv.Itoa(n)
}

// maxDays bounds a time limit: ten years of working days.
const maxDays = 2500

var daysPattern = regexp.MustCompile(`^(\d{1,4})\s*(个?工作日)?$`)

// parseDays reads a time limit in working days: "20个工作日", "20工作日" or
// "20"; "" is no limit (0).
func parseDays(col, cell string) (int, *errs.Error) {
	v := digits(cell)
	if v == "" {
		return 0, nil
	}
	m := daysPattern.FindStringSubmatch(v)
	if m == nil {
		return 0, errs.Field(col, "catalog.sheet.days", map[string]any{"value": v})
	}
	n, _ := strconv.Atoi(m[1])
	if n > maxDays {
		return 0, errs.Field(col, "catalog.sheet.range", map[string]any{"value": v, "max": maxDays})
	}
	return n, nil
}

func formatDays(n int) string {
	if n == 0 {
		return ""
	}
	return strconv.Itoa(n) + "个工作日"
}

// parseBool reads 是/否 (also Y/N, 1/0, true/false); "" is 否.
func parseBool(col, cell string) (bool, *errs.Error) {
	switch strings.ToLower(strings.TrimSpace(cell)) {
	case "是", "y", "yes", "true", "1", "√":
		return true, nil
	case "否", "n", "no", "false", "0", "":
		return false, nil
	}
	return false, errs.Field(col, "catalog.sheet.bool", map[string]any{"value": strings.TrimSpace(cell)})
}

func formatBool(b bool) string {
	if b {
		return "是"
	}
	return "否"
}

// parseNumber reads an optional decimal number (a form field's bound).
func parseNumber(col, cell string) (*float64, *errs.Error) {
	v := digits(cell)
	if v == "" {
		return nil, nil
	}
	f, err := strconv.ParseFloat(v, 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) || strings.ContainsAny(v, "xXpP_") {
		return nil, errs.Field(col, "catalog.sheet.number", map[string]any{"value": v})
	}
	return &f, nil
}

func formatNumber(f *float64) string {
	if f == nil {
		return ""
	}
	return strconv.FormatFloat(*f, 'f', -1, 64)
}

// isCodeSeparator separates the elements of a list of codes.
func isCodeSeparator(r rune) bool {
	return unicode.IsSpace(r) || strings.ContainsRune(",，、;；", r)
}

// splitCodes reads a list of codes: "1,2", "3、4", one per line …
func splitCodes(cell string) []string {
	return strings.FieldsFunc(cell, isCodeSeparator)
}

// joinCodes writes a list of codes; ok is false when an element could not
// be read back as itself.
func joinCodes(v []string) (string, bool) {
	for _, s := range v {
		if s == "" || strings.IndexFunc(s, isCodeSeparator) >= 0 {
			return "", false
		}
	}
	return strings.Join(v, ","), true
}

// splitLines reads a list of free texts, one per line; blank lines are
// skipped, a line's own spaces kept.
func splitLines(cell string) []string {
	var out []string
	for _, l := range strings.Split(cell, "\n") {
		l = strings.TrimSuffix(l, "\r")
		if strings.TrimSpace(l) != "" {
			out = append(out, l)
		}
	}
	return out
}

// joinLines writes a list of free texts; ok is false when an element could
// not be read back as itself.
func joinLines(v []string) (string, bool) {
	for _, s := range v {
		if strings.TrimSpace(s) == "" || strings.ContainsAny(s, "\r\n") {
			return "", false
		}
	}
	return strings.Join(v, "\n"), true
}

// parseDictList reads a list of dictionary values (service objects, use
// levels, life events).
func parseDictList(d dict, col, cell string) ([]string, *errs.Error) {
	var out []string
	for _, v := range splitCodes(cell) {
		c, err := d.parse(col, v)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, nil
}

// parseIntList is parseDictList for dictionaries of numbers.
func parseIntList(d dict, col, cell string) ([]int, *errs.Error) {
	vs, err := parseDictList(d, col, cell)
	if err != nil {
		return nil, err
	}
	out := make([]int, 0, len(vs))
	for _, v := range vs {
		n, _ := strconv.Atoi(v)
		out = append(out, n)
	}
	if len(out) == 0 {
		return nil, nil
	}
	return out, nil
}

// dictList writes a list of dictionary values by name.
func dictList(d dict, codes []string) string {
	names := make([]string, len(codes))
	for i, c := range codes {
		names[i] = d.name(c)
	}
	return strings.Join(names, ",")
}

func intDictList(d dict, codes []int) string {
	names := make([]string, len(codes))
	for i, c := range codes {
		names[i] = d.name(strconv.Itoa(c))
	}
	return strings.Join(names, ",")
}

// errorf formats a problem that is not a cell's, for logs and wrapping.
func errorf(format string, args ...any) error { return fmt.Errorf("catalog sheet: "+format, args...) }
