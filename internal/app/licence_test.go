package app_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strings"
	"testing"

	"github.com/govhall/govhall/internal/actor"
	"github.com/govhall/govhall/internal/api"
	"github.com/govhall/govhall/internal/app"
	"github.com/govhall/govhall/internal/errs"
	"github.com/govhall/govhall/internal/hub"
	"github.com/govhall/govhall/internal/identity"
)

// issueMarriage has the Qiaocheng civil affairs bureau issue 李想 a
// marriage certificate, as a case's result would.
func issueMarriage(t *testing.T, a *app.App) hub.LicenceContent {
	t.Helper()
	ctx := actor.With(context.Background(), actor.System("test"))
	deps, err := a.Org.Departments(ctx, "341602000000")
	if err != nil {
		t.Fatal(err)
	}
	var dept int64
	var marriageType string // the catalog's marriage certificate, issued by civil affairs
	if err := a.DB.QueryRow(ctx, "SELECT code FROM hub_licence_types WHERE department_kind = 'civil_affairs' AND holder_kind = 'person' ORDER BY code").Scan(&marriageType); err != nil {
		t.Fatal(err)
	}
	for _, d := range deps {
		if d.Kind == "civil_affairs" {
			dept = d.ID
		}
	}
	c, err := a.Licences.Issue(ctx, hub.IssueRequest{TypeCode: marriageType, HolderKind: hub.HolderPerson,
		HolderID: liXiang, HolderName: "李想", DepartmentID: dept, ValidFrom: a.Now(),
		Data: map[string]string{"husband_name": "李想", "husband_id_number": liXiang, "wife_name": "崔曼曼",
			"wife_id_number": "341602199003080049", "registered_on": "2026-11-27"},
		CaseRef: "test"})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// serve sends req to the hall as c (anonymous when c is nil).
func serve(a *app.App, c *caller, req *http.Request) *httptest.ResponseRecorder {
	if c != nil && c.token != "" {
		req.AddCookie(&http.Cookie{Name: "govhall_session", Value: c.token})
	}
	rec := httptest.NewRecorder()
	a.Handler.ServeHTTP(rec, req)
	return rec
}

func personCaller(t *testing.T, a *app.App, login string) *caller {
	c := &caller{kind: identity.Person, login: login}
	c.signIn(t, a)
	return c
}

// Anyone opening a licence's page sees a clear verdict with the holder
// masked; the holder alone downloads the signed document; an altered copy
// of it is refused on the public check, in the page and in the API.
func TestLicenceVerificationOverHTTP(t *testing.T) {
	onBothEngines(t, func(t *testing.T, engine string) {
		a := openHall(t, engine)
		c := issueMarriage(t, a)
		page := "/licences/" + c.Identifier
		rec := serve(a, nil, httptest.NewRequest("GET", page, nil))
		body := rec.Body.String()
		if rec.Code != 200 || !strings.Contains(body, "✔ 电子证照有效") || !strings.Contains(body, "李*") ||
			!strings.Contains(body, "341602********0036") || !strings.Contains(body, "结婚证") {
			t.Fatalf("public page: %d\n%s", rec.Code, body)
		}
		if strings.Contains(body, liXiang) || strings.Contains(body, "崔曼曼") || strings.Contains(body, "document.json") {
			t.Fatal("the public page shows personal data or the download")
		}
		qr := serve(a, nil, httptest.NewRequest("GET", page+"/qr.png", nil))
		if qr.Code != 200 || qr.Header().Get("Content-Type") != "image/png" || !bytes.HasPrefix(qr.Body.Bytes(), []byte("\x89PNG")) {
			t.Fatalf("QR code: %d %s", qr.Code, qr.Header().Get("Content-Type"))
		}

		holder, other := personCaller(t, a, liXiang), personCaller(t, a, "341602199003080049")
		if rec := serve(a, holder, httptest.NewRequest("GET", page, nil)); !strings.Contains(rec.Body.String(), page+"/document.json") {
			t.Fatal("the holder's page offers no download")
		}
		if rec := serve(a, other, httptest.NewRequest("GET", page+"/document.json", nil)); rec.Code != http.StatusForbidden {
			t.Fatalf("another person downloads the document: %d", rec.Code)
		}
		if rec := serve(a, nil, httptest.NewRequest("GET", page+"/document.json", nil)); rec.Code != http.StatusSeeOther {
			t.Fatalf("anonymous download: %d", rec.Code)
		}
		doc := serve(a, holder, httptest.NewRequest("GET", page+"/document.json", nil))
		if doc.Code != 200 || !strings.Contains(doc.Header().Get("Content-Disposition"), "attachment") {
			t.Fatalf("holder's download: %d %v", doc.Code, doc.Header())
		}
		signed := doc.Body.Bytes()
		altered := bytes.Replace(signed, []byte("崔曼曼"), []byte("王小花"), 1)
		if v := apiVerify(t, a, signed); !v.OK || len(v.Changed) != 0 {
			t.Fatalf("API on the downloaded document: %+v", v)
		}
		if v := apiVerify(t, a, altered); v.OK || !v.Genuine.OK || v.Unaltered.OK || v.Unaltered.Reason != "licence.unaltered.changed" ||
			len(v.Changed) != 1 || v.Changed[0] != "data.wife_name" {
			t.Fatalf("API on the altered document: %+v", v)
		}
		if rec := postCheck(t, a, "document", string(altered)); rec.Code != 200 || !strings.Contains(rec.Body.String(), "✘ 请勿采信此电子证照") ||
			!strings.Contains(rec.Body.String(), "data.wife_name") {
			t.Fatalf("page check of the altered document: %d\n%s", rec.Code, rec.Body)
		}
		if rec := postCheck(t, a, "file", string(signed)); rec.Code != 200 || !strings.Contains(rec.Body.String(), "✔ 电子证照有效") {
			t.Fatalf("uploaded document: %d\n%s", rec.Code, rec.Body)
		}
		if rec := postCheck(t, a, "document", "not a licence"); rec.Code != http.StatusUnprocessableEntity || !strings.Contains(rec.Body.String(), "不是本平台的电子证照文件") {
			t.Fatalf("garbage: %d\n%s", rec.Code, rec.Body)
		}

		// Staff of another department (health, not civil affairs) may not
		// revoke it; the hall itself may (a case's result undone).
		var healthStaff int64
		if err := a.DB.QueryRow(context.Background(), "SELECT id FROM accounts WHERE login = 'qc-wjw-accept'").Scan(&healthStaff); err != nil {
			t.Fatal(err)
		}
		staff := actor.With(context.Background(), actor.Actor{Kind: "staff", ID: fmt.Sprint(healthStaff)})
		if err := a.Licences.Revoke(staff, c.Identifier, "registered in error"); errs.CodeOf(err) != errs.Denied {
			t.Fatalf("staff of another department revoked a marriage certificate: %v", err)
		}
		hall := actor.With(context.Background(), actor.System("test"))
		if err := a.Licences.Revoke(hall, c.Identifier, "registered in error"); err != nil {
			t.Fatal(err)
		}
		req := httptest.NewRequest("GET", "/api/v1/licences/"+url.PathEscape(c.Identifier)+"/verification", nil)
		req.Header.Set("Accept-Language", "en")
		var v api.LicenceVerdict
		rec = serve(a, nil, req)
		if err := json.Unmarshal(rec.Body.Bytes(), &v); err != nil || v.OK || v.Current.Reason != "licence.current.revoked" ||
			!strings.Contains(v.Current.Message, "revoked") || v.Licence.HolderID != "341602********0036" {
			t.Fatalf("API after revocation: %d %s", rec.Code, rec.Body)
		}
		if rec := serve(a, nil, httptest.NewRequest("GET", "/licences/1.2.156.3005.2.nonsense", nil)); rec.Code != 404 {
			t.Fatalf("malformed identifier: %d", rec.Code)
		}
	})
}

func apiVerify(t *testing.T, a *app.App, doc []byte) api.LicenceVerdict {
	t.Helper()
	req := httptest.NewRequest("POST", "/api/v1/licences/verify", bytes.NewReader(doc))
	req.Header.Set("Content-Type", "application/json")
	rec := serve(a, nil, req)
	var v api.LicenceVerdict
	if rec.Code != 200 || json.Unmarshal(rec.Body.Bytes(), &v) != nil {
		t.Fatalf("POST /api/v1/licences/verify: %d %s", rec.Code, rec.Body)
	}
	return v
}

// postCheck submits the public check form with the document pasted
// (field "document") or uploaded (field "file").
func postCheck(t *testing.T, a *app.App, field, doc string) *httptest.ResponseRecorder {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	csrf := strings.Repeat("c", 43)
	_ = mw.WriteField("csrf", csrf)
	if field == "file" {
		fw, _ := mw.CreateFormFile("file", "licence.json")
		_, _ = io.WriteString(fw, doc)
	} else {
		_ = mw.WriteField("document", doc)
	}
	mw.Close()
	req := httptest.NewRequest("POST", "/licences/verify", &buf)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.AddCookie(&http.Cookie{Name: "govhall_csrf", Value: csrf})
	return serve(a, nil, req)
}

// The signing key is created on first start with mode 0600, and a restart
// keeps it: licences issued before stay genuine.
func TestLicenceKeySurvivesRestart(t *testing.T) {
	cfg := hallConfig(t, "sqlite")
	ctx := context.Background()
	a, err := app.Open(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.Seed(ctx); err != nil {
		t.Fatal(err)
	}
	c := issueMarriage(t, a)
	a.Close()
	st, err := os.Stat(app.LicenceKeyPath(cfg.DataDir))
	if err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("key file: %v %v", st, err)
	}
	a, err = app.Open(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	v, err := a.Licences.VerifyLicence(ctx, c.Identifier)
	if err != nil || !v.OK() {
		t.Fatalf("after a restart: %+v %v", v, err)
	}
	var keys int
	if err := a.DB.QueryRow(ctx, "SELECT COUNT(*) FROM hub_signing_keys").Scan(&keys); err != nil || keys != 1 {
		t.Fatalf("%d keys registered after a restart (%v)", keys, err)
	}
}
