package demo_test

import (
	"context"
	"testing"

	"github.com/govhall/govhall/internal/audit"
	"github.com/govhall/govhall/internal/db"
	"github.com/govhall/govhall/internal/db/dbtest"
	"github.com/govhall/govhall/internal/demo"
	"github.com/govhall/govhall/internal/hub"
	"github.com/govhall/govhall/internal/hub/synth"
)

// The demo hall's hub is filled once, through the import, with the
// requested number of generated persons, 李想 of story 1 among them, plus
// entities and licences; a second start adds nothing.
func TestSeedHub(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		l, err := audit.New(audit.SHA256, nil)
		if err != nil {
			t.Fatal(err)
		}
		h := &hub.Service{DB: d, Audit: l}
		for i, want := range []bool{true, false} {
			did, err := demo.SeedHub(ctx, h, 120)
			if err != nil || did != want {
				t.Fatalf("seed %d: did=%v err=%v, want did=%v", i+1, did, err, want)
			}
		}
		var persons, lixiang, entities, licences, imports int
		for q, dst := range map[string]*int{
			"SELECT count(*) FROM hub_persons":                       &persons,
			"SELECT count(*) FROM hub_entities":                      &entities,
			"SELECT count(*) FROM hub_licences":                      &licences,
			"SELECT count(*) FROM hub_imports WHERE status = 'done'": &imports,
		} {
			if err := d.QueryRow(ctx, q).Scan(dst); err != nil {
				t.Fatal(err)
			}
		}
		if err := d.QueryRow(ctx, "SELECT count(*) FROM hub_persons WHERE id_number = ? AND name = '李想'", synth.LiXiangID).Scan(&lixiang); err != nil {
			t.Fatal(err)
		}
		if persons != 120 || lixiang != 1 || entities == 0 || licences == 0 || imports < 4 {
			t.Fatalf("persons %d (李想 %d), entities %d, licences %d, imports %d", persons, lixiang, entities, licences, imports)
		}
		// The story's material: 李想's marriage certificate is an e-licence.
		var certs int
		if err := d.QueryRow(ctx, `SELECT count(*) FROM hub_licences l JOIN hub_licence_types t ON t.code = l.type_code
			WHERE l.holder_id = ? AND t.name = '结婚证' AND l.status = 'valid'`, synth.LiXiangID).Scan(&certs); err != nil {
			t.Fatal(err)
		}
		if certs != 1 {
			t.Fatalf("李想 holds %d valid marriage certificates, want 1", certs)
		}
	})
}
