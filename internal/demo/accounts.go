package demo

import (
	"context"
	"fmt"
	"time"

	"github.com/govhall/govhall/internal/catalog"
	"github.com/govhall/govhall/internal/db"
	"github.com/govhall/govhall/internal/errs"
	"github.com/govhall/govhall/internal/identity"
	"github.com/govhall/govhall/internal/ids"
	"github.com/govhall/govhall/internal/org"
)

// DemoPassword is the password of every demo account. It is printed when
// the demo hall starts; a real hall has no demo accounts.
const DemoPassword = "govhall-demo-2014"

// AccountsSeedName marks the demo accounts in the seeds table.
const AccountsSeedName = "accounts-bozhou-v1"

// DemoAccount is one demo login, for the start-up banner and tests.
type DemoAccount struct {
	Kind, Login, Name, Note string
}

// demoPeople are persons from the seed's stories; their ID numbers are
// generated with valid check characters and Qiaocheng District codes.
var demoPeople = []struct {
	name  string
	birth time.Time
	seq   int
	phone string
}{
	{"李想", time.Date(1988, 7, 15, 0, 0, 0, 0, time.UTC), 3, "13800001234"}, // story 1, Zhaozhuang village
	{"崔曼曼", time.Date(1990, 3, 8, 0, 0, 0, 0, time.UTC), 4, "13800005678"},
}

// officials are the non-self-registered demo accounts: login, kind, name,
// where they work (a division; for staff the department kind and post).
var officials = []struct {
	login, kind, name, jurisdiction, deptKind, post string
}{
	{"qc-wjw-accept", identity.Staff, "周敏", "341602000000", "health_family_planning", "受理岗"},
	{"qc-hb-review", identity.Staff, "陈刚", "341602000000", "environmental_protection", "审查岗"},
	{"zhaozhuang-agent", identity.Agent, "赵红", "341602108201", "", ""},
	{"qc-supervisor", identity.Supervisor, "孙立", "341602000000", "", ""},
	{"catalog-admin", identity.CatalogAdmin, "吴平", "341600000000", "", ""},
	{"sysadmin", identity.SystemAdmin, "郑伟", "341600000000", "", ""},
	{"auditadmin", identity.AuditAdmin, "冯静", "341600000000", "", ""},
	{"secadmin", identity.SecurityAdmin, "韩雪", "341600000000", "", ""},
}

// SeedAccounts creates the demo accounts (after SeedOrg) and reports
// whether it did anything.
func SeedAccounts(ctx context.Context, d *db.DB, o *org.Service, s *identity.Service) (bool, error) {
	var n int
	if err := d.QueryRow(ctx, "SELECT count(*) FROM seeds WHERE name = ?", AccountsSeedName).Scan(&n); err != nil {
		return false, fmt.Errorf("read seeds: %w", err)
	}
	if n > 0 {
		return false, nil
	}
	for _, p := range demoPeople {
		idn, err := ids.MakeIDNumber("341602", p.birth, p.seq)
		if err != nil {
			return false, err
		}
		_, err = s.RegisterPerson(ctx, identity.PersonForm{Name: p.name, IDNumber: idn, Phone: p.phone, Password: DemoPassword})
		if err := skipExisting(err); err != nil {
			return false, fmt.Errorf("demo person %s: %w", p.name, err)
		}
	}
	if err := seedEnterprise(ctx, s); err != nil {
		return false, err
	}
	for i, f := range officials {
		form, err := officialForm(ctx, o, f.login, f.kind, f.name, f.jurisdiction, f.deptKind, f.post, i)
		if err != nil {
			return false, fmt.Errorf("demo account %s: %w", f.login, err)
		}
		if _, err := s.CreateAccount(ctx, form); skipExisting(err) != nil {
			return false, fmt.Errorf("demo account %s: %w", f.login, err)
		}
	}
	if _, err := d.Exec(ctx, "INSERT INTO seeds (name, applied_at) VALUES (?, ?)", AccountsSeedName, time.Now().UTC()); err != nil {
		return false, fmt.Errorf("mark seed: %w", err)
	}
	return true, nil
}

// skipExisting treats "already registered" as done, so a seed interrupted
// half-way finishes on the next start.
func skipExisting(err error) error {
	if err != nil && errs.CodeOf(err) == errs.Conflict {
		return nil
	}
	return err
}

func seedEnterprise(ctx context.Context, s *identity.Service) error {
	// Story 3: a herbal-medicine company registered in a day.
	code, err := ids.MakeCreditCode("91", "341602", "MA2N0001")
	if err != nil {
		return err
	}
	rep, err := ids.MakeIDNumber("341602", time.Date(1972, 11, 3, 0, 0, 0, 0, time.UTC), 11)
	if err != nil {
		return err
	}
	_, err = s.RegisterEnterprise(ctx, identity.EnterpriseForm{CreditCode: code, Name: "亳州市华佗中药饮片有限公司（演示）",
		LegalRepName: "王明", LegalRepIDNumber: rep, Phone: "13900001111", Password: DemoPassword})
	return skipExisting(err)
}

func officialForm(ctx context.Context, o *org.Service, login, kind, name, jurisdiction, deptKind, post string, i int) (identity.StaffForm, error) {
	idn, err := ids.MakeIDNumber("341602", time.Date(1980+i, time.Month(1+i%12), 10+i, 0, 0, 0, 0, time.UTC), 21+2*i)
	if err != nil {
		return identity.StaffForm{}, err
	}
	f := identity.StaffForm{Kind: kind, Login: login, Name: name, IDNumber: idn, Phone: fmt.Sprintf("1370000%04d", i+1),
		Password: DemoPassword, JurisdictionCode: jurisdiction}
	j, err := o.Jurisdiction(ctx, jurisdiction)
	if err != nil {
		return f, err
	}
	switch kind {
	case identity.Agent:
		pts, err := o.ServicePoints(ctx, j)
		if err != nil || len(pts) == 0 {
			return f, fmt.Errorf("no proxy point in %s: %v", jurisdiction, err)
		}
		f.ServicePointID = pts[0].ID
	case identity.Staff:
		deps, err := o.Departments(ctx, jurisdiction)
		if err != nil {
			return f, err
		}
		for _, d := range deps {
			if d.Kind != deptKind {
				continue
			}
			posts, err := o.Posts(ctx, d.ID)
			if err != nil {
				return f, err
			}
			for _, p := range posts {
				if p.Name == post {
					f.PostIDs = []int64{p.ID}
				}
			}
		}
		if len(f.PostIDs) == 0 {
			return f, fmt.Errorf("no post %s in %s of %s", post, deptKind, jurisdiction)
		}
	}
	return f, nil
}

// DemoAccounts lists the demo logins for the start-up banner.
func DemoAccounts() []DemoAccount {
	var out []DemoAccount
	for _, p := range demoPeople {
		idn, _ := ids.MakeIDNumber("341602", p.birth, p.seq)
		out = append(out, DemoAccount{Kind: identity.Person, Login: idn, Name: p.name})
	}
	code, _ := ids.MakeCreditCode("91", "341602", "MA2N0001")
	out = append(out, DemoAccount{Kind: identity.Enterprise, Login: code, Name: "亳州市华佗中药饮片有限公司（演示）"})
	for _, f := range officials {
		out = append(out, DemoAccount{Kind: f.kind, Login: f.login, Name: f.name})
	}
	return out
}

// Seed builds the whole demo hall, structure and accounts, and reports
// whether it did anything. With Options it builds the demo catalog too
// (a hall passes them; other packages' tests that need no catalog do not).
func Seed(ctx context.Context, d *db.DB, o *org.Service, s *identity.Service, opts ...Options) (bool, error) {
	didOrg, err := SeedOrg(ctx, d, o)
	if err != nil {
		return false, err
	}
	didAccounts, err := SeedAccounts(ctx, d, o, s)
	if err != nil || len(opts) == 0 {
		return didOrg || didAccounts, err
	}
	didCatalog, err := SeedCatalog(ctx, d, o, &catalog.Service{DB: d, Audit: o.Audit, Now: o.Now}, opts[0].CatalogScale, nil)
	return didOrg || didAccounts || didCatalog, err
}

// Options are the sizes of the demo hall's generated parts.
type Options struct {
	// CatalogScale multiplies the demo catalog's counts; 0 means 1, the
	// seed's scale (tests use e.g. TestCatalogScale).
	CatalogScale float64
}
