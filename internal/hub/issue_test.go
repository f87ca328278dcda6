package hub

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/govhall/govhall/internal/actor"
	"github.com/govhall/govhall/internal/audit"
	"github.com/govhall/govhall/internal/db"
	"github.com/govhall/govhall/internal/db/dbtest"
	"github.com/govhall/govhall/internal/errs"
	"github.com/govhall/govhall/internal/gm"
	"github.com/govhall/govhall/internal/identity"
	"github.com/govhall/govhall/internal/ids"
	"github.com/govhall/govhall/internal/org"
)

// TestMain stops the package's throwaway PostgreSQL cluster after the tests.
func TestMain(m *testing.M) { dbtest.Main(m) }

func encodeSig(sig []byte) string { return base64.StdEncoding.EncodeToString(sig) }

// typeCode is the code of the licence type that departments of deptKind
// issue to holders of holderKind ("person" or "entity") in the catalog
// migration 0009 ships.
func typeCode(t testing.TB, d *db.DB, deptKind, holderKind string) string {
	t.Helper()
	var code string
	err := d.QueryRow(context.Background(), `SELECT code FROM hub_licence_types
		WHERE department_kind = ? AND holder_kind = ? ORDER BY code`, deptKind, holderKind).Scan(&code)
	if err != nil {
		t.Fatalf("no %s licence type for %s holders: %v", deptKind, holderKind, err)
	}
	return code
}

// issueFixture is a hall with one city, its health commission and market
// regulation bureau, a licence signing key, and a clock the test moves.
type issueFixture struct {
	d       *db.DB
	is      *Issuer
	birth   string // the medical birth certificate's type code
	clock   *time.Time
	health  org.Department
	market  org.Department
	staff   context.Context // holds posts in both departments
	market1 context.Context // holds a post in the market bureau only
	baby    string          // the holder's ID number
	company string          // an enterprise holder's credit code
}

func newIssueFixture(t testing.TB, d *db.DB) *issueFixture {
	t.Helper()
	now := time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC)
	f := &issueFixture{d: d, clock: &now, birth: typeCode(t, d, "health_family_planning", "person")}
	clock := func() time.Time { return *f.clock }
	al, err := audit.New("", clock)
	if err != nil {
		t.Fatal(err)
	}
	os := &org.Service{DB: d, Audit: al, Now: clock}
	ctx := actor.With(context.Background(), actor.System("test"))
	if _, err := os.CreateJurisdiction(ctx, org.Jurisdiction{Code: "341600000000", Kind: "city", Name: "亳州市"}); err != nil {
		t.Fatal(err)
	}
	for _, k := range []struct {
		kind, name, body string
		dept             *org.Department
	}{{"health_family_planning", "亳州市卫生和计划生育委员会", "00300001", &f.health}, {"market_regulation", "亳州市市场监督管理局", "00300002", &f.market}} {
		code, _ := ids.MakeCreditCode("11", "341600", k.body)
		if *k.dept, err = os.CreateDepartment(ctx, org.Department{JurisdictionCode: "341600000000", Kind: k.kind, Name: k.name, CreditCode: code}); err != nil {
			t.Fatal(err)
		}
	}
	key, err := gm.GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	staffDepts := (&identity.Service{DB: d, Audit: al, Now: clock}).StaffDepartments
	f.is = &Issuer{DB: d, Audit: al, Org: os, Now: clock, Key: key, StaffDepartments: staffDepts}
	if _, err := f.is.RegisterKey(ctx); err != nil {
		t.Fatal(err)
	}
	f.staff = staffIn(t, d, os, "issuer", f.health, f.market)
	f.market1 = staffIn(t, d, os, "market-only", f.market)
	f.baby, _ = ids.MakeIDNumber("341602", time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC), 33)
	f.company, _ = ids.MakeCreditCode("91", "341602", "MA2N0001")
	return f
}

// staffIn makes a staff account holding a post in each department and
// returns a context acting as it.
func staffIn(t testing.TB, d *db.DB, o *org.Service, login string, depts ...org.Department) context.Context {
	t.Helper()
	ctx := actor.With(context.Background(), actor.System("test"))
	now := time.Now().UTC()
	var id int64
	if err := d.WithTx(ctx, func(tx *db.Tx) error {
		return tx.QueryRow(ctx, `INSERT INTO accounts (kind, login, name, password_hash, created_at, updated_at)
			VALUES ('staff', ?, ?, 'x', ?, ?) RETURNING id`, login, login, now, now).Scan(&id)
	}); err != nil {
		t.Fatal(err)
	}
	for _, dep := range depts {
		p, err := o.CreatePost(ctx, org.Post{DepartmentID: dep.ID, Name: "发证岗-" + login})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := d.Exec(ctx, "INSERT INTO staff_posts (account_id, post_id) VALUES (?, ?)", id, p.ID); err != nil {
			t.Fatal(err)
		}
	}
	return actor.With(context.Background(), actor.Actor{Kind: "staff", ID: strconv.FormatInt(id, 10)})
}

func (f *issueFixture) birthRequest() IssueRequest {
	return IssueRequest{TypeCode: f.birth, HolderKind: HolderPerson, HolderID: f.baby, HolderName: "李小想",
		DepartmentID: f.health.ID, Number: "Q341600123", ValidFrom: *f.clock,
		ValidUntil: f.clock.AddDate(5, 0, 0),
		Data:       map[string]string{"birthplace": "亳州市人民医院", "father_name": "李想", "mother_name": "崔曼曼"},
		CaseRef:    "CASE-1"}
}

func (f *issueFixture) issue(t *testing.T) LicenceContent {
	t.Helper()
	c, err := f.is.Issue(f.staff, f.birthRequest())
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func (f *issueFixture) verify(t *testing.T, id string) Verdict {
	t.Helper()
	v, err := f.is.VerifyLicence(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func (f *issueFixture) exec(t *testing.T, q string, args ...any) {
	t.Helper()
	if _, err := f.d.Exec(context.Background(), q, args...); err != nil {
		t.Fatal(err)
	}
}

// A freshly issued licence verifies: genuine, unaltered, current, and its
// identifier is a valid national identifier under the issuer's credit code.
func TestIssueThenVerify(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newIssueFixture(t, d)
		c := f.issue(t)
		l, err := ids.ParseLicenceID(c.Identifier)
		if err != nil || l.TypeCode != f.birth || l.IssuerCode != f.health.CreditCode || l.Version != "001" {
			t.Fatalf("identifier %s: %+v %v", c.Identifier, l, err)
		}
		v := f.verify(t, c.Identifier)
		if !v.OK() || v.Genuine.Key != "licence.genuine.ok" || v.Current.Key != "licence.current.ok_until" {
			t.Fatalf("fresh licence: %+v", v)
		}
		if v.Content.HolderName != "李小想" || v.Content.TypeName != "出生医学证明" || v.Content.ExpiresOn != "2031-11-27" {
			t.Fatalf("content %+v", v.Content)
		}
		second := f.issue(t)
		if second.Identifier == c.Identifier {
			t.Fatal("two licences got the same identifier")
		}
		var n int
		if err := d.QueryRow(context.Background(), "SELECT COUNT(*) FROM audit_log WHERE action = 'hub.licence.issue' AND object_id = ? AND outcome = 'ok'", c.Identifier).Scan(&n); err != nil || n != 1 {
			t.Fatalf("audit entries for the issue: %d %v", n, err)
		}
	})
}

// Someone with access to the database changes a licence: verification names
// the changed fields and still shows what was signed.
func TestRecordAlteredInTheDatabase(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newIssueFixture(t, d)
		c := f.issue(t)
		f.exec(t, "UPDATE hub_licences SET data = ?, holder_name = ? WHERE identifier = ?",
			`{"birthplace":"亳州市人民医院","father_name":"王五","mother_name":"崔曼曼"}`, "王小五", c.Identifier)
		v := f.verify(t, c.Identifier)
		if !v.Genuine.OK || v.Unaltered.OK || v.Unaltered.Key != "licence.unaltered.changed" {
			t.Fatalf("altered record: %+v", v)
		}
		if !slices.Equal(v.Changed, []string{"holder_name", "data.father_name"}) {
			t.Fatalf("changed fields %v", v.Changed)
		}
		if v.Content.HolderName != "李小想" {
			t.Fatalf("the page would show the altered name %q", v.Content.HolderName)
		}
		// Altering the stored signed content too breaks the signature.
		f.exec(t, "UPDATE hub_licence_signatures SET content = REPLACE(content, '李想', '王五') WHERE identifier = ?", c.Identifier)
		if v := f.verify(t, c.Identifier); v.Genuine.OK || v.Genuine.Key != "licence.genuine.bad_signature" || v.OK() {
			t.Fatalf("re-written signed content: %+v", v)
		}
	})
}

func (f *issueFixture) document(t *testing.T, id string) Document {
	t.Helper()
	doc, err := f.is.HolderDocument(f.staff, id, HolderPerson, f.baby)
	if err != nil {
		t.Fatal(err)
	}
	return doc
}

// The holder's downloaded document verifies; changing one field in it, or
// re-signing the change with another key, is caught with distinct reasons.
func TestDocumentVerification(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newIssueFixture(t, d)
		c := f.issue(t)
		doc := f.document(t, c.Identifier)
		ctx := context.Background()
		if v, err := f.is.VerifyDocument(ctx, doc.Marshal()); err != nil || !v.OK() {
			t.Fatalf("downloaded document: %+v %v", v, err)
		}
		edited := strings.Replace(string(doc.Marshal()), `"expires_on": "2031-11-27"`, `"expires_on": "2041-11-27"`, 1)
		v, err := f.is.VerifyDocument(ctx, []byte(edited))
		if err != nil || !v.Genuine.OK || v.Unaltered.OK || !slices.Equal(v.Changed, []string{"expires_on"}) {
			t.Fatalf("edited document: %+v %v", v, err)
		}
		forger, _ := gm.GenerateKey()
		forged := doc
		forged.Licence.ExpiresOn = "2041-11-27"
		sig, _ := gm.Sign(forger, forged.Licence.Canonical())
		forged.Signature.Value = encodeSig(sig)
		if v, _ := f.is.VerifyDocument(ctx, forged.Marshal()); v.Genuine.OK || v.Genuine.Key != "licence.genuine.bad_signature" {
			t.Fatalf("forged signature under the hall's key id: %+v", v)
		}
		forged.Signature.KeyID, _ = gm.KeyID(forger.Public())
		if v, _ := f.is.VerifyDocument(ctx, forged.Marshal()); v.Genuine.OK || v.Genuine.Key != "licence.genuine.unknown_key" {
			t.Fatalf("forger's own key: %+v", v)
		}
		twice := strings.Replace(string(doc.Marshal()), `"holder_name": "李小想",`, `"holder_name": "王五", "holder_name": "李小想",`, 1)
		for _, bad := range []string{"", "{}", `{"format":"govhall-e-licence/1","extra":1}`, string(doc.Marshal()) + "{}", twice} {
			if _, err := f.is.VerifyDocument(ctx, []byte(bad)); errs.CodeOf(err) != errs.Invalid {
				t.Errorf("document %.40q: %v, want invalid input", bad, err)
			}
		}
	})
}

// Revocation and expiry make a genuine, unaltered licence not current.
func TestRevokedAndExpired(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newIssueFixture(t, d)
		c := f.issue(t)
		*f.clock = time.Date(2031, 11, 27, 15, 59, 0, 0, time.UTC) // 23:59 on the last day, Beijing
		if v := f.verify(t, c.Identifier); !v.Current.OK {
			t.Fatalf("on its last day: %+v", v.Current)
		}
		*f.clock = f.clock.Add(2 * time.Minute)
		if v := f.verify(t, c.Identifier); v.Current.OK || v.Current.Key != "licence.current.expired" || !v.Genuine.OK || !v.Unaltered.OK {
			t.Fatalf("the day after: %+v", v)
		}
		*f.clock = time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC)
		person := actor.With(context.Background(), actor.Actor{Kind: "person", ID: "1"})
		if err := f.is.Revoke(person, c.Identifier, "forged"); errs.CodeOf(err) != errs.Denied {
			t.Fatalf("a person revokes: %v", err)
		}
		if err := f.is.Revoke(f.market1, c.Identifier, "not ours"); errs.CodeOf(err) != errs.Denied {
			t.Fatalf("staff of another department revokes: %v", err)
		}
		if _, err := f.is.Issue(f.market1, f.birthRequest()); errs.CodeOf(err) != errs.Denied {
			t.Fatalf("staff of another department issues a birth certificate: %v", err)
		}
		if err := f.is.Revoke(f.staff, c.Identifier, "  "); errs.CodeOf(err) != errs.Invalid {
			t.Fatalf("no reason: %v", err)
		}
		if err := f.is.Revoke(f.staff, c.Identifier, "issued in error"); err != nil {
			t.Fatal(err)
		}
		v := f.verify(t, c.Identifier)
		if v.Current.OK || v.Current.Key != "licence.current.revoked" || v.Current.Args["date"] != "2027-01-01" {
			t.Fatalf("revoked: %+v", v.Current)
		}
		if err := f.is.Revoke(f.staff, c.Identifier, "again"); errs.CodeOf(err) != errs.Conflict {
			t.Fatalf("revoked twice: %v", err)
		}
		// Setting the status back in the database does not un-revoke it.
		f.exec(t, "UPDATE hub_licences SET status = 'valid' WHERE identifier = ?", c.Identifier)
		if v := f.verify(t, c.Identifier); v.Current.OK {
			t.Fatal("a revoked licence became current by editing its status")
		}
		doc := f.document(t, c.Identifier)
		if v, _ := f.is.VerifyDocument(context.Background(), doc.Marshal()); v.Current.OK || v.Current.Key != "licence.current.revoked" {
			t.Fatalf("document of a revoked licence: %+v", v.Current)
		}
	})
}

// Only the holder gets the signed document; anyone else is denied, whether
// or not the licence exists.
func TestHolderDocumentIsForTheHolder(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newIssueFixture(t, d)
		c := f.issue(t)
		other, _ := ids.MakeIDNumber("341602", time.Date(1988, 7, 15, 0, 0, 0, 0, time.UTC), 3)
		ctx := context.Background()
		l, _ := ids.ParseLicenceID(c.Identifier)
		missing, _ := ids.MakeLicenceID(l.TypeCode, l.IssuerCode, "202600000009", "001")
		for _, try := range [][3]string{
			{c.Identifier, HolderPerson, other},
			{c.Identifier, HolderEntity, f.baby},
			{c.Identifier, HolderPerson, ""},
			{missing, HolderPerson, f.baby},
		} {
			if _, err := f.is.HolderDocument(ctx, try[0], try[1], try[2]); errs.CodeOf(err) != errs.Denied {
				t.Errorf("%v: %v, want denied", try, err)
			}
		}
		doc := f.document(t, c.Identifier)
		var back Document
		if err := json.Unmarshal(doc.Marshal(), &back); err != nil || back.Licence.HolderID != f.baby || back.Signature.Algorithm != "SM2-SM3" {
			t.Fatalf("document %+v %v", back, err)
		}
	})
}

// Bad requests are refused with the field named and leave nothing behind.
func TestIssueRefusesBadRequests(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newIssueFixture(t, d)
		cases := []struct {
			field string
			edit  func(r *IssueRequest)
		}{
			{"type_code", func(r *IssueRequest) { r.TypeCode = r.TypeCode[:18] + "999" }},
			{"holder_kind", func(r *IssueRequest) { r.HolderKind = "999" }},
			{"holder_id", func(r *IssueRequest) { r.HolderID = f.baby[:17] + "0" }},
			{"holder_id", func(r *IssueRequest) { r.HolderKind = HolderEntity }},
			{"holder_name", func(r *IssueRequest) { r.HolderName = " " }},
			{"department_id", func(r *IssueRequest) { r.DepartmentID = f.market.ID }},
			{"department_id", func(r *IssueRequest) { r.DepartmentID = 99999 }},
			{"valid_from", func(r *IssueRequest) { r.ValidFrom = time.Time{} }},
			{"valid_until", func(r *IssueRequest) { r.ValidUntil = r.ValidFrom.AddDate(0, 0, -1) }},
			{"data", func(r *IssueRequest) { r.Data[""] = "x" }},
			{"data", func(r *IssueRequest) { r.Data["favourite_colour"] = "red" }},
		}
		for _, c := range cases {
			req := f.birthRequest()
			c.edit(&req)
			_, err := f.is.Issue(f.staff, req)
			if e, ok := errs.As(err); !ok || e.Field != c.field {
				t.Errorf("want a %s error, got %v", c.field, err)
			}
		}
		person := actor.With(context.Background(), actor.Actor{Kind: "person", ID: "1"})
		if _, err := f.is.Issue(person, f.birthRequest()); errs.CodeOf(err) != errs.Denied {
			t.Errorf("a person issues: %v", err)
		}
		var n int
		if err := d.QueryRow(context.Background(), "SELECT (SELECT COUNT(*) FROM hub_licences) + (SELECT COUNT(*) FROM hub_licence_signatures)").Scan(&n); err != nil || n != 0 {
			t.Fatalf("%d rows written by refused requests (%v)", n, err)
		}
	})
}

// Without a signing key nothing is issued: no licence without its
// signature.
func TestIssueWithoutKeyWritesNothing(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newIssueFixture(t, d)
		noKey := &Issuer{DB: d, Audit: f.is.Audit, Org: f.is.Org, Now: f.is.Now, StaffDepartments: f.is.StaffDepartments}
		if _, err := noKey.Issue(f.staff, f.birthRequest()); err == nil {
			t.Fatal("issued without a key")
		}
		var n int
		if err := d.QueryRow(context.Background(), "SELECT COUNT(*) FROM hub_licences").Scan(&n); err != nil || n != 0 {
			t.Fatalf("%d licences (%v)", n, err)
		}
	})
}

// After a key rotation new licences are signed with the new key and the old
// ones still verify under the retired key.
func TestKeyRotation(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newIssueFixture(t, d)
		old := f.issue(t)
		oldID, _ := f.is.currentKeyID()
		key, _ := gm.GenerateKey()
		f.is = &Issuer{DB: d, Audit: f.is.Audit, Org: f.is.Org, Now: f.is.Now, Key: key, StaffDepartments: f.is.StaffDepartments}
		newID, err := f.is.RegisterKey(context.Background())
		if err != nil || newID == oldID {
			t.Fatalf("rotation: %s %v", newID, err)
		}
		fresh := f.issue(t)
		vo, vn := f.verify(t, old.Identifier), f.verify(t, fresh.Identifier)
		if !vo.OK() || vo.KeyID != oldID || !vn.OK() || vn.KeyID != newID {
			t.Fatalf("old %+v\nnew %+v", vo, vn)
		}
		var retired int
		if err := d.QueryRow(context.Background(), "SELECT COUNT(*) FROM hub_signing_keys WHERE retired_at IS NOT NULL AND key_id = ?", oldID).Scan(&retired); err != nil || retired != 1 {
			t.Fatalf("old key not retired: %d %v", retired, err)
		}
	})
}

// An enterprise's licence gets a serial of its own issuer and type; the
// number defaults to the serial.
func TestIssueToEnterprise(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newIssueFixture(t, d)
		c, err := f.is.Issue(f.staff, IssueRequest{TypeCode: typeCode(t, d, "market_regulation", "entity"), HolderKind: HolderEntity,
			HolderID: strings.ToLower(f.company), HolderName: "亳州市华佗中药饮片有限公司", DepartmentID: f.market.ID,
			ValidFrom: *f.clock, Data: map[string]string{"legal_representative": "华佗"}})
		if err != nil {
			t.Fatal(err)
		}
		l, _ := ids.ParseLicenceID(c.Identifier)
		if c.HolderID != f.company || c.Number != l.Serial || l.Serial != "202600000001" || c.ExpiresOn != "" {
			t.Fatalf("%+v", c)
		}
		if v := f.verify(t, c.Identifier); !v.OK() || v.Current.Key != "licence.current.ok_forever" {
			t.Fatalf("%+v", v)
		}
		if _, err := f.is.HolderDocument(context.Background(), c.Identifier, HolderEntity, f.company); err != nil {
			t.Fatal(err)
		}
	})
}

// Every verification and every download attempt is in the hub's access
// log, under the holder, so they see who checked their licence.
func TestLicenceReadsAreInTheAccessLog(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newIssueFixture(t, d)
		f.is.Hub = &Service{DB: d, Audit: f.is.Audit, Now: f.is.Now}
		c := f.issue(t)
		f.verify(t, c.Identifier)
		doc := f.document(t, c.Identifier)
		if _, err := f.is.VerifyDocument(context.Background(), doc.Marshal()); err != nil {
			t.Fatal(err)
		}
		other, _ := ids.MakeIDNumber("341602", time.Date(1988, 7, 15, 0, 0, 0, 0, time.UTC), 3)
		if _, err := f.is.HolderDocument(context.Background(), c.Identifier, HolderPerson, other); errs.CodeOf(err) != errs.Denied {
			t.Fatal(err)
		}
		if err := f.is.Hub.Close(); err != nil { // flushes the log
			t.Fatal(err)
		}
		rows, err := d.Query(context.Background(), `SELECT purpose, purpose_ref, detail FROM hub_access_log
			WHERE subject_kind = 'person' AND subject_id = ? ORDER BY id`, f.baby)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		var got []string
		for rows.Next() {
			var purpose, ref, detail string
			if err := rows.Scan(&purpose, &ref, &detail); err != nil {
				t.Fatal(err)
			}
			if ref != c.Identifier {
				t.Errorf("entry refers to %q, want the licence", ref)
			}
			var dd map[string]string
			_ = json.Unmarshal([]byte(detail), &dd)
			got = append(got, purpose+" "+dd["op"]+" "+dd["outcome"])
		}
		want := []string{"verification licence_verify allowed", "self licence_document allowed",
			"verification licence_verify_document allowed", "self licence_document refused:licence.error.not_holder"}
		if !slices.Equal(got, want) {
			t.Fatalf("access log:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
		}
	})
}

// Issuing signs inside the write transaction; verifying reads one row with
// its signature and checks it. Embedded store, one goroutine.
func BenchmarkIssue(b *testing.B) {
	f := newIssueFixture(b, dbtest.SQLite(b))
	req := f.birthRequest()
	for b.Loop() {
		if _, err := f.is.Issue(f.staff, req); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkVerifyLicence(b *testing.B) {
	f := newIssueFixture(b, dbtest.SQLite(b))
	c, err := f.is.Issue(f.staff, f.birthRequest())
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	for b.Loop() {
		if v, err := f.is.VerifyLicence(ctx, c.Identifier); err != nil || !v.OK() {
			b.Fatal(v, err)
		}
	}
}

func BenchmarkVerifyDocument(b *testing.B) {
	f := newIssueFixture(b, dbtest.SQLite(b))
	c, err := f.is.Issue(f.staff, f.birthRequest())
	if err != nil {
		b.Fatal(err)
	}
	doc, err := f.is.HolderDocument(context.Background(), c.Identifier, HolderPerson, f.baby)
	if err != nil {
		b.Fatal(err)
	}
	body := doc.Marshal()
	ctx := context.Background()
	for b.Loop() {
		if v, err := f.is.VerifyDocument(ctx, body); err != nil || !v.OK() {
			b.Fatal(v, err)
		}
	}
}
