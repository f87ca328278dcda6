package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/govhall/govhall/internal/app"
	"github.com/govhall/govhall/internal/audit"
	"github.com/govhall/govhall/internal/ids"
	"github.com/govhall/govhall/internal/org"
)

// catalogHall makes a data dir with the city, Guoyang County and its
// environmental-protection bureau — what the catalog fixtures refer to.
func catalogHall(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	ctx := context.Background()
	d, err := app.OpenStore(ctx, app.Config{DataDir: dir}, true)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	l, err := audit.New(audit.SM3, nil)
	if err != nil {
		t.Fatal(err)
	}
	o := &org.Service{DB: d, Audit: l}
	for _, j := range []org.Jurisdiction{
		{Code: "341600000000", GBT2260: "341600", Kind: "city", Name: "亳州市"},
		{Code: "341621000000", GBT2260: "341621", ParentCode: "341600000000", Kind: "county", Name: "涡阳县"},
	} {
		if _, err := o.CreateJurisdiction(ctx, j); err != nil {
			t.Fatal(err)
		}
	}
	for i, dep := range []org.Department{
		{Kind: "environmental_protection", Name: "涡阳县环境保护局"},
		{Kind: "civil_affairs", Name: "涡阳县民政局"},
		{Kind: "civil_affairs_branch", Name: "涡阳县民政局婚姻登记处（含,逗号）"},
	} {
		dep.JurisdictionCode = "341621000000"
		if dep.CreditCode, err = ids.MakeCreditCode("11", "341621", "0030000"+string(rune('1'+i))); err != nil {
			t.Fatal(err)
		}
		if _, err := o.CreateDepartment(ctx, dep); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

const fixtures = "../../internal/catalog/testdata/"

// catalogCmd runs govhall catalog SUB ARGS….
func catalogCmd(t *testing.T, sub string, args ...string) (int, string, string) {
	t.Helper()
	return govhall(t, append([]string{"catalog", sub}, args...)...)
}

func TestCatalogImportThenExportGivesTheFileBack(t *testing.T) {
	dir := catalogHall(t)
	code, out, errOut := catalogCmd(t, "import", "--data", dir, "--jurisdiction", "341621000000", fixtures+"list.csv")
	if code != 0 || !strings.Contains(out, "imported 5 items, 5 standard items and 2 duties") {
		t.Fatalf("import: exit %d\n%s%s", code, out, errOut)
	}
	for _, ext := range []string{".csv", ".xlsx"} {
		file := filepath.Join(t.TempDir(), "out"+ext)
		code, out, errOut = catalogCmd(t, "export", "--data", dir, "--out", file)
		if code != 0 {
			t.Fatalf("export %s: exit %d\n%s%s", ext, code, out, errOut)
		}
		if ext == ".csv" {
			want, _ := os.ReadFile(fixtures + "list.csv")
			if got, _ := os.ReadFile(file); !bytes.Equal(got, want) {
				t.Error("export after import differs from the imported file")
			}
		}
	}
	code, _, errOut = catalogCmd(t, "export", "--data", dir, "--jurisdiction", "341699000000", "--out", filepath.Join(t.TempDir(), "x.csv"))
	if code != 1 || !strings.Contains(errOut, "341699000000") {
		t.Errorf("export of a division that does not exist: exit %d, %s", code, errOut)
	}
	// The same list again: every item already exists, so nothing is imported.
	code, out, _ = catalogCmd(t, "import", "--data", dir, fixtures+"list.csv")
	if code != 1 || !strings.Contains(out, "nothing imported") {
		t.Errorf("second import: exit %d\n%s", code, out)
	}
}

func TestCatalogImportListsEveryProblemInTheUsersLanguage(t *testing.T) {
	dir := catalogHall(t)
	code, out, _ := catalogCmd(t, "import", "--data", dir, "--lang", "zh-CN", fixtures+"bad.csv")
	if code != 1 {
		t.Fatalf("import of a bad file: exit %d\n%s", code, out)
	}
	for _, want := range []string{"“事项”第", "“承诺办结时限”列", "二十天", "“申请材料”第", "“来源渠道”列", "网上下载", "nothing imported: 2 problems"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	code, out, _ = catalogCmd(t, "import", "--data", dir, "--lang", "en", fixtures+"bad.csv")
	if code != 1 || !strings.Contains(out, `column "承诺办结时限": "二十天" is not a time limit`) {
		t.Errorf("English messages: exit %d\n%s", code, out)
	}
	rejects := filepath.Join(t.TempDir(), "rejects.xlsx")
	code, out, _ = catalogCmd(t, "import", "--data", dir, "--partial", "--rejects", rejects, fixtures+"bad.csv")
	if code != 1 || !strings.Contains(out, "imported 3 items") || !strings.Contains(out, "rejected, written to") {
		t.Errorf("partial import: exit %d\n%s", code, out)
	}
	if st, err := os.Stat(rejects); err != nil || st.Size() == 0 {
		t.Errorf("no rejects file: %v", err)
	}
}

func TestCatalogCommandsRefuseBadFlags(t *testing.T) {
	for _, args := range [][]string{
		{"import", "--partial", "x.csv"},
		{"import"},
		{"import", "--encoding", "latin1", "x.csv"},
		{"import", "--lang", "fr", "x.csv"},
		{"export"},
		{"export", "--out", "x.txt2"},
		{"export", "--out", "x.csv", "--format", "ods"},
	} {
		if code, out, errOut := catalogCmd(t, args[0], args[1:]...); code != 2 {
			t.Errorf("%v: exit %d, want 2\n%s%s", args, code, out, errOut)
		}
	}
}
