package hub

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/govhall/govhall/internal/audit"
	"github.com/govhall/govhall/internal/db"
	"github.com/govhall/govhall/internal/ids"
)

// TestMain is in issue_test.go (dbtest.Main).

var testNow = time.Date(2026, 11, 27, 8, 0, 0, 0, time.UTC)

func newService(t testing.TB, d *db.DB) *Service {
	t.Helper()
	l, err := audit.New(audit.SHA256, func() time.Time { return testNow })
	if err != nil {
		t.Fatal(err)
	}
	return &Service{DB: d, Audit: l, Now: func() time.Time { return testNow }}
}

// personID makes the valid ID number of test person i (a man when i is
// even), born i days after 1960-01-01 in 谯城区.
func personID(t testing.TB, i int) string {
	t.Helper()
	birth := time.Date(1960, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, i)
	seq := (i%400)*2 + 1
	if i%2 == 1 {
		seq++
	}
	id, err := ids.MakeIDNumber("341602", birth, seq)
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func birthOf(i int) string {
	return time.Date(1960, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, i).Format(time.DateOnly)
}

func sexOf(i int) string {
	if i%2 == 0 {
		return "男"
	}
	return "女"
}

const registryHeader = "公民身份号码[id_number],姓名[name],曾用名[former_names],性别[sex],民族[ethnicity],出生日期[birth_date]," +
	"户籍地址[hukou_address],户籍地行政区划代码[hukou_division],现住址[current_address],联系电话[phone],人员状态[status]"

// registryLine is test person i's registry row.
func registryLine(t testing.TB, i int) string {
	return fmt.Sprintf("%s,测试%d,,%s,汉族,%s,安徽省亳州市谯城区花戏楼街道%d号,341602001001,同户籍地址,1385678%04d,正常",
		personID(t, i), i, sexOf(i), birthOf(i), i, i%10000)
}

// writeFile writes lines as a UTF-8 CSV file in the test's temp dir.
func writeFile(t testing.TB, name string, lines ...string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(strings.Join(lines, "\n")+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// registryFile holds persons from..to-1.
func registryFile(t testing.TB, from, to int) string {
	lines := []string{registryHeader}
	for i := from; i < to; i++ {
		lines = append(lines, registryLine(t, i))
	}
	return writeFile(t, "registry.csv", lines...)
}

func mustImport(t testing.TB, s *Service, req ImportRequest) ImportReport {
	t.Helper()
	rep, err := s.Import(context.Background(), req)
	if err != nil {
		t.Fatalf("import %s: %v", filepath.Base(req.Path), err)
	}
	return rep
}

// person reads a stored person (tests only: real reads go through the
// access-logged lookup).
func person(t testing.TB, d *db.DB, id string) (Person, bool) {
	t.Helper()
	var p Person
	var former string
	var reg, mar, bir *int64
	err := d.QueryRow(context.Background(), `SELECT id_number, name, former_names, sex, ethnicity, birth_date,
		hukou_address, hukou_division, current_address, phone, status, marital_status, spouse_id, father_id, mother_id,
		registry_import, marriage_import, birth_import FROM hub_persons WHERE id_number = ?`, id).Scan(
		&p.IDNumber, &p.Name, &former, &p.Sex, &p.Ethnicity, &p.BirthDate, &p.HukouAddress, &p.HukouDivision,
		&p.CurrentAddress, &p.Phone, &p.Status, &p.MaritalStatus, &p.SpouseID, &p.FatherID, &p.MotherID, &reg, &mar, &bir)
	if err != nil {
		return Person{}, false
	}
	if former != "" {
		p.FormerNames = strings.Split(former, ";")
	}
	for _, x := range []struct {
		src *int64
		dst *int64
	}{{reg, &p.RegistryImport}, {mar, &p.MarriageImport}, {bir, &p.BirthImport}} {
		if x.src != nil {
			*x.dst = *x.src
		}
	}
	return p, true
}

func count(t testing.TB, d *db.DB, q string, args ...any) int64 {
	t.Helper()
	var n int64
	if err := d.QueryRow(context.Background(), q, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return n
}

func makeLicenceID(typ, issuer, serial string) (string, error) {
	return ids.MakeLicenceID(typ, issuer, serial, "001")
}
