package api_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/govhall/govhall/internal/api"
	"github.com/govhall/govhall/internal/db"
	"github.com/govhall/govhall/internal/db/dbtest"
	"github.com/govhall/govhall/internal/identity"
	"github.com/govhall/govhall/internal/ids"
)

// GET /api/v1/mandates lists the caller's mandates, the resident's and the
// agent's alike, with the resident's ID number and phone masked.
func TestListMandates(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		_, mux, s := newSeededAPI(t, d)
		agent, li, firm := accountByLogin(t, d, s, "zhaozhuang-agent"), accountByLogin(t, d, s, "341602198807150036"), accountByLogin(t, d, s, "")
		_, err := s.RequestMandate(ctx, agent, identity.MandateRequest{ResidentIDNumber: li.IDNumber, ResidentName: li.Name,
			ResidentPhone: li.Phone, Scope: identity.ScopeApplication, Subject: "流动人口婚育证明",
			ValidUntil: time.Now().Add(30 * 24 * time.Hour), Consent: identity.ConsentSMS})
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range []struct {
			who  identity.Account
			name string
		}{{agent, "李*"}, {li, "李想"}} {
			res, body := get(t, as(mux, c.who), "/api/v1/mandates", "")
			var out struct{ Items []api.Mandate }
			if err := json.Unmarshal(body, &out); err != nil || res.StatusCode != 200 || len(out.Items) != 1 {
				t.Fatalf("%s's mandates: %d %s", c.who.Kind, res.StatusCode, body)
			}
			m := out.Items[0]
			if m.ResidentIDNumber != ids.MaskIDNumber(li.IDNumber) || m.ResidentPhone != "138****1234" ||
				m.ResidentName != c.name || m.AgentID != agent.ID || m.Status != "pending" || m.Subject != "流动人口婚育证明" {
				t.Errorf("%s's mandate: %+v", c.who.Kind, m)
			}
			if strings.Contains(string(body), li.IDNumber) || strings.Contains(string(body), li.Phone) {
				t.Errorf("%s's mandates show a full number: %s", c.who.Kind, body)
			}
		}
		// Behind the edge an enterprise is refused this route; the service
		// itself, asked directly, finds no mandate within its scope.
		if res, body := get(t, as(mux, firm), "/api/v1/mandates", ""); res.StatusCode != http.StatusOK || !strings.Contains(string(body), `"items":[]`) {
			t.Errorf("an enterprise's mandates: %d %s", res.StatusCode, body)
		}
	})
}

// accountByLogin reads a demo account; an empty login is the demo
// enterprise.
func accountByLogin(t *testing.T, d *db.DB, s *identity.Service, login string) identity.Account {
	t.Helper()
	q, arg := "SELECT id FROM accounts WHERE login = ?", any(login)
	if login == "" {
		q, arg = "SELECT id FROM accounts WHERE kind = ?", identity.Enterprise
	}
	var id int64
	if err := d.QueryRow(context.Background(), q, arg).Scan(&id); err != nil {
		t.Fatalf("account %q: %v", login, err)
	}
	a, err := s.Account(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// as serves h to the account, as the edge does once it has identified it.
func as(h http.Handler, a identity.Account) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h.ServeHTTP(w, r.WithContext(identity.WithPrincipal(r.Context(), identity.Principal{Account: a})))
	})
}
