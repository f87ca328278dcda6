package synth

import (
	"fmt"
	"path/filepath"
	"strings"

	"github.com/govhall/govhall/internal/tabular"
)

// Headers of the import files, as the importer reads them (Chinese header,
// the English key in brackets is what the importer also accepts).
var (
	populationHeader = []string{"公民身份号码", "姓名", "曾用名", "性别", "民族", "出生日期", "户籍地址",
		"户籍地行政区划代码", "现住址", "联系电话", "人员状态"}
	marriageHeader = []string{"公民身份号码", "婚姻状况", "配偶公民身份号码", "姓名"}
	birthHeader    = []string{"公民身份号码", "父亲公民身份号码", "母亲公民身份号码", "姓名", "出生日期"}
	entityHeader   = []string{"统一社会信用代码", "名称", "类型", "法定代表人", "法定代表人身份号码", "注册资本",
		"住所", "经营范围", "成立日期", "登记状态", "登记机关"}
	licenceHeader = []string{"证照标识", "证照类型代码", "证照编号", "持证主体类型", "持证主体代码", "持证主体名称",
		"发证机构代码", "发证机构", "发证日期", "有效期至", "证照状态", "照面信息"}
)

// Kinds of import (govhall hub import --kind).
const (
	KindPopulation = "population"
	KindEntity     = "entity"
	KindLicence    = "licence"
)

// maxXLSXRows is where an XLSX file is cut and the next part begins: a
// sheet holds 1,048,576 rows. (A variable so a test can cut small files.)
var maxXLSXRows = 1_000_000

// output is one import file (or, for XLSX past a million rows, a series of
// parts). It is created on its first row, so a department with nothing to
// export has no file. The generator numbers the rows (next); the writer
// goroutine writes them (emit).
type output struct {
	dir, base, source, kind, sheet string
	header                         []string
	format                         tabular.Format
	rows                           int // in the current part, as numbered by next
	files                          []ManifestFile
	// the writer's side
	w     tabular.Writer
	wPart int    // part the writer has open, 0 for none
	wName string // its file name
}

func newOutput(dir, base, source, kind, sheet string, header []string, f tabular.Format) *output {
	return &output{dir: dir, base: base, source: source, kind: kind, sheet: sheet, header: header, format: f}
}

// next numbers the next row: its part (1-based), file and line (the header
// is line 1 of CSV and XLSX; JSON Lines have no header line).
func (o *output) next() (part int, file string, line int) {
	if len(o.files) == 0 || o.format == tabular.XLSX && o.rows == maxXLSXRows {
		name := o.base
		if len(o.files) > 0 {
			name = fmt.Sprintf("%s-%d", o.base, len(o.files)+1)
		}
		o.files = append(o.files, ManifestFile{File: name + "." + strings.ToLower(o.format.String()), Source: o.source, Kind: o.kind})
		o.rows = 0
	}
	o.rows++
	mf := &o.files[len(o.files)-1]
	mf.Rows++
	if o.format == tabular.JSONL {
		return len(o.files), mf.File, o.rows
	}
	return len(o.files), mf.File, o.rows + 1
}

// emit writes a row numbered by next to its part's file.
func (o *output) emit(part int, name string, cells []string) error {
	if part != o.wPart {
		if err := o.close(); err != nil {
			return err
		}
		w, err := tabular.Create(filepath.Join(o.dir, name), o.format, o.sheet)
		if err != nil {
			return err
		}
		o.w, o.wPart, o.wName = w, part, name
		if err := w.Write(o.header); err != nil {
			return fmt.Errorf("write %s: %w", name, err)
		}
	}
	if err := o.w.Write(cells); err != nil {
		return fmt.Errorf("write %s: %w", name, err)
	}
	return nil
}

func (o *output) close() error {
	if o.w == nil {
		return nil
	}
	w, name := o.w, o.wName
	o.w = nil
	if err := w.Close(); err != nil {
		return fmt.Errorf("close %s: %w", name, err)
	}
	return nil
}

// outputs are the files of one run, in import order: persons before the
// marriages and births that link them, entities, then licences.
type outputs struct {
	population, marriages, births, entities *output
	licences                                map[string]*output // by issuing department
	order                                   []*output
}

func newOutputs(dir string, f tabular.Format) *outputs {
	o := &outputs{
		population: newOutput(dir, "population-public_security", "public_security", KindPopulation, "人口", populationHeader, f),
		marriages:  newOutput(dir, "marriages-civil_affairs", "civil_affairs", KindPopulation, "婚姻登记", marriageHeader, f),
		births:     newOutput(dir, "births-health_family_planning", "health_family_planning", KindPopulation, "出生登记", birthHeader, f),
		entities:   newOutput(dir, "entities-market_regulation", "market_regulation", KindEntity, "市场主体", entityHeader, f),
		licences:   map[string]*output{},
	}
	o.order = []*output{o.population, o.marriages, o.births, o.entities}
	for _, dep := range []string{"public_security", "civil_affairs", "health_family_planning",
		"human_resources_social_security", "market_regulation"} {
		lo := newOutput(dir, "licences-"+dep, dep, KindLicence, "电子证照", licenceHeader, f)
		o.licences[dep] = lo
		o.order = append(o.order, lo)
	}
	return o
}

// close closes every file and returns the manifest's file list.
func (o *outputs) close() ([]ManifestFile, error) {
	var files []ManifestFile
	var first error
	for _, out := range o.order {
		if err := out.close(); err != nil && first == nil {
			first = err
		}
		files = append(files, out.files...)
	}
	return files, first
}
