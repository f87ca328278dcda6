package catalog_test

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"golang.org/x/text/encoding/simplifiedchinese"

	"github.com/govhall/govhall/internal/catalog"
	"github.com/govhall/govhall/internal/db"
	"github.com/govhall/govhall/internal/db/dbtest"
	"github.com/govhall/govhall/internal/i18n"
	"github.com/govhall/govhall/internal/tabular"
)

// leafCode is the code genList gives leaf k of group g (main items are g*10).
func leafCode(g, k int) string { return fmt.Sprintf("113416210030%06d", g*10+2+k) }

// edit is one planted mistake: in the first row of part whose 实施编码 is
// code (and whose column match holds want, when set), set column to value.
type edit struct {
	part, code, match, want, column, value string
}

// spoil rewrites a CSV catalog file with the edits and returns, for each,
// the line it landed on. A row for an item that does not exist is added.
func spoil(t *testing.T, path string, edits []edit) []int {
	t.Helper()
	r, err := tabular.Open(path, tabular.Options{})
	if err != nil {
		t.Fatal(err)
	}
	header := r.Header()
	col := func(name string) int { return slices.Index(header, name) }
	var rows []tabular.Row
	for {
		row, err := r.Next()
		if err == io.EOF {
			break
		} else if err != nil {
			t.Fatal(err)
		}
		rows = append(rows, row)
	}
	r.Close()
	lines := make([]int, len(edits))
	for i, e := range edits {
		for _, row := range rows {
			if row.Cells[0] == e.part && row.Cells[col("实施编码")] == e.code &&
				(e.match == "" || row.Cells[col(e.match)] == e.want) {
				row.Cells[col(e.column)] = e.value
				lines[i] = row.Line
				break
			}
		}
		if lines[i] == 0 {
			t.Fatalf("edit %d: no %s row of %s", i, e.part, e.code)
		}
	}
	w, err := tabular.Create(path, tabular.CSV, "")
	if err != nil {
		t.Fatal(err)
	}
	w.Write(header)
	for _, row := range rows {
		if err := w.Write(row.Cells); err != nil {
			t.Fatal(err)
		}
	}
	i := slices.IndexFunc(rows, func(r tabular.Row) bool { return r.Cells[0] == "申请材料" })
	stray := slices.Clone(rows[i].Cells) // a material of an item that does not exist
	stray[col("实施编码")] = "NOSUCH"
	if err := w.Write(stray); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return lines
}

var planted = []edit{
	{"事项", leafCode(0, 0), "", "", "承诺办结时限", "20天"},
	{"申请材料", leafCode(0, 1), "", "", "材料必要性", "可能需要"},
	{"流程", leafCode(1, 0), "环节标识", "accept", "时限占比", "30"}, // shares add up to 110: said on the first step
	{"廉政风险点", leafCode(1, 1), "", "", "环节标识", "nosuch"},
	{"对应基本目录", leafCode(1, 2), "", "", "基本编码", "999999999999"},
	{"事项", "113416210030000020", "", "", "事项类型", "行政许可证"},
	{"申请材料", leafCode(3, 0), "材料名称", "营业执照", "电子证照类型", "11100000DEM0000999001"},
}

// licenceTypes are the e-licence types the tests' hub knows (the demo
// 营业执照 and 食品经营许可证).
var licenceTypes = []string{"11100000DEM0000495001", "11100000DEM0000495002"}

// badFile exports a 20-item list as CSV and plants the mistakes.
func badFile(t *testing.T, d *db.DB) (string, []int) {
	src := newSheetHall(t, d)
	src.fill(t, 20, false)
	path := filepath.Join(t.TempDir(), "list.csv")
	if _, err := src.s.Export(src.ctx, path, tabular.CSV, catalog.ExportOptions{}); err != nil {
		t.Fatal(err)
	}
	return path, spoil(t, path, planted)
}

func TestImportReportsEveryBadRowAndImportsNothing(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		path, lines := badFile(t, d)
		h := newSheetHall(t, fresh(t, d))
		_, err := h.s.Import(h.ctx, path, catalog.ImportOptions{Jurisdiction: sheetCounty, LicenceTypes: licenceTypes})
		var ie *catalog.ImportError
		if !errors.As(err, &ie) {
			t.Fatalf("import of a file with mistakes: %v, want an *ImportError", err)
		}
		want := map[string]bool{}
		for i, e := range planted {
			want[fmt.Sprintf("%s/%d/%s", e.part, lines[i], e.column)] = true
		}
		want[fmt.Sprintf("申请材料/%d/实施编码", lastLine(t, path))] = true
		got := map[string]bool{}
		for _, p := range ie.Problems {
			got[fmt.Sprintf("%s/%d/%s", p.Sheet, p.Line, p.Column)] = true
			for _, lang := range i18n.Langs {
				if m := p.Message(lang); strings.Contains(m, "catalog.sheet.") || strings.Contains(m, "catalog.error.") {
					t.Errorf("untranslated message in %s: %s", lang, m)
				}
			}
		}
		for k := range want {
			if !got[k] {
				t.Errorf("no problem reported at %s; got %v", k, ie.Problems)
			}
		}
		if len(got) != len(want) {
			for _, p := range ie.Problems {
				t.Logf("%s", p.Message(i18n.EN))
			}
			t.Errorf("%d places reported, want %d", len(got), len(want))
		}
		if items, n, _ := h.s.Items(h.ctx, catalog.Filter{}); n != 0 {
			t.Errorf("%d items imported from a bad file, want none (%v)", n, items[0].Code)
		}
		if b, _ := h.s.BasicItems(h.ctx, 0); len(b) != 0 {
			t.Errorf("%d standard items imported from a bad file, want none", len(b))
		}
	})
}

// lastLine is the line of the last record of a CSV file.
func lastLine(t *testing.T, path string) int {
	r, err := tabular.Open(path, tabular.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	line := 0
	for {
		row, err := r.Next()
		if err != nil {
			return line
		}
		line = row.Line
	}
}

func TestPartialImportKeepsTheGoodAndWritesTheRejects(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		path, _ := badFile(t, d)
		h := newSheetHall(t, fresh(t, d))
		res, err := h.s.Import(h.ctx, path, catalog.ImportOptions{Jurisdiction: sheetCounty, Partial: true,
			LicenceTypes: licenceTypes})
		if err != nil {
			t.Fatal(err)
		}
		_, n, err := h.s.Items(h.ctx, catalog.Filter{Jurisdiction: sheetCounty})
		if err != nil {
			t.Fatal(err)
		}
		// Rejected: six leaves with a mistake, and group 2 whole (its main item's type is wrong).
		if n != 9 || res.Items != 9 {
			t.Fatalf("%d items in the store, %d reported imported; want 9", n, res.Items)
		}
		for _, code := range []string{leafCode(0, 0), leafCode(1, 2), leafCode(2, 1), "113416210030000021"} {
			if _, err := h.s.ItemByCode(h.ctx, sheetCounty, code); err == nil {
				t.Errorf("%s was imported though it (or its parent) is bad", code)
			}
		}
		if _, err := h.s.ItemByCode(h.ctx, sheetCounty, leafCode(0, 2)); err != nil {
			t.Errorf("good leaf %s was not imported: %v", leafCode(0, 2), err)
		}
		rejects := filepath.Join(t.TempDir(), "rejects.csv")
		if err := res.WriteRejects(rejects, i18n.ZH); err != nil {
			t.Fatal(err)
		}
		checkRejects(t, rejects, res.Rejected())
	})
}

// fresh opens an empty store on the engine of d.
func fresh(t *testing.T, d *db.DB) *db.DB {
	if d.Engine == db.Postgres {
		return dbtest.Postgres(t)
	}
	return dbtest.SQLite(t)
}

// checkRejects reads a rejects file: every row has a reason, the stray row
// is there, and the rows of a rejected item come with it.
func checkRejects(t *testing.T, path string, want int) {
	r, err := tabular.Open(path, tabular.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	h := r.Header()
	reason, code := len(h)-1, slices.Index(h, "实施编码")
	if h[reason] != "错误原因" {
		t.Fatalf("last column %q, want 错误原因", h[reason])
	}
	rows, codes := 0, map[string]int{}
	for {
		row, err := r.Next()
		if err != nil {
			break
		}
		rows++
		codes[row.Cells[code]]++
		if strings.TrimSpace(row.Cells[reason]) == "" {
			t.Errorf("line %d of the rejects has no reason", row.Line)
		}
	}
	if rows != want || rows == 0 {
		t.Errorf("%d rows in the rejects file, want %d", rows, want)
	}
	if codes["NOSUCH"] != 1 || codes[leafCode(0, 1)] < 5 {
		t.Errorf("rejects by code: %v", codes)
	}
}

func TestGB18030CSVImports(t *testing.T) {
	a := newSheetHall(t, dbtest.SQLite(t))
	a.fill(t, 10, false)
	dir := t.TempDir()
	utf, gbk, again := filepath.Join(dir, "utf8.csv"), filepath.Join(dir, "gb.csv"), filepath.Join(dir, "again.csv")
	if _, err := a.s.Export(a.ctx, utf, tabular.CSV, catalog.ExportOptions{}); err != nil {
		t.Fatal(err)
	}
	raw, _ := os.ReadFile(utf)
	enc, err := simplifiedchinese.GB18030.NewEncoder().Bytes(bytes.TrimPrefix(raw, []byte("\uFEFF")))
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(gbk, enc, 0o644)
	b := newSheetHall(t, dbtest.SQLite(t))
	if _, err := b.s.Import(b.ctx, gbk, catalog.ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := b.s.Export(b.ctx, again, tabular.CSV, catalog.ExportOptions{}); err != nil {
		t.Fatal(err)
	}
	if back, _ := os.ReadFile(again); !bytes.Equal(back, raw) {
		t.Error("a GB18030 copy of an export does not import to the same catalog")
	}
}
