package web_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/govhall/govhall/internal/db"
	"github.com/govhall/govhall/internal/db/dbtest"
	"github.com/govhall/govhall/internal/identity"
	"github.com/govhall/govhall/internal/ids"
)

// An enterprise authorises a registered person as its handler (mistakes
// named), the person sees the enterprise, and the enterprise withdraws it.
func TestHandlerPages(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ah := newAccountHall(t, d)
		person := testPerson(t, 3)
		pv := register(t, ah, person)
		code, err := ids.MakeCreditCode("91", "341602", "MA2N0011")
		if err != nil {
			t.Fatal(err)
		}
		ev := ah.visitor(t, "")
		res, _ := ev.submit("/register/enterprise", "/register/enterprise", url.Values{"credit_code": {code},
			"name": {"亳州市经办测试有限公司"}, "legal_rep_name": {"刘强"}, "legal_rep_id_number": {testPerson(t, 9).Get("id_number")},
			"phone": {"13700002222"}, "password": {"handlers-test-2015"}})
		wantRedirect(t, "the enterprise registration", res, "/me")

		// Someone who never registered cannot be a handler.
		res, body := ev.submit("/me/handlers", "/me/handlers", url.Values{"id_number": {testPerson(t, 5).Get("id_number")}})
		wantStatus(t, "an unregistered handler", res, body, http.StatusUnprocessableEntity)
		contains(t, "an unregistered handler", body, "尚未注册为个人用户")

		res, _ = ev.submit("/me/handlers", "/me/handlers", url.Values{"id_number": {person.Get("id_number")}})
		wantRedirect(t, "adding a handler", res, "/me/handlers")
		_, body = ev.get("/me/handlers")
		contains(t, "the enterprise's handlers", body, "王小明", ids.MaskIDNumber(person.Get("id_number")))
		lacks(t, "the enterprise's handlers", body, person.Get("id_number"), "13912345678")

		_, body = pv.get("/me/handlers")
		contains(t, "the person's enterprises", body, "亳州市经办测试有限公司", code)

		// A second enterprise makes the person its handler, and the security
		// administrator disables it: the person still sees it, marked
		// disabled and why; the first stays as it was.
		code2, err := ids.MakeCreditCode("91", "341602", "MA2N0012")
		if err != nil {
			t.Fatal(err)
		}
		ev2 := ah.visitor(t, "")
		res, _ = ev2.submit("/register/enterprise", "/register/enterprise", url.Values{"credit_code": {code2},
			"name": {"亳州市停用测试有限公司"}, "legal_rep_name": {"刘强"}, "legal_rep_id_number": {testPerson(t, 9).Get("id_number")},
			"phone": {"13700003333"}, "password": {"handlers-test-2016"}})
		wantRedirect(t, "the second enterprise's registration", res, "/me")
		res, _ = ev2.submit("/me/handlers", "/me/handlers", url.Values{"id_number": {person.Get("id_number")}})
		wantRedirect(t, "the second enterprise adding a handler", res, "/me/handlers")
		var ent2 int64
		if err := d.QueryRow(context.Background(), "SELECT id FROM accounts WHERE login = ?", code2).Scan(&ent2); err != nil {
			t.Fatal(err)
		}
		if err := ah.id.SetStatus(context.Background(), ent2, identity.StatusDisabled); err != nil {
			t.Fatal(err)
		}
		_, body = pv.get("/me/handlers")
		cards := map[string]string{}
		for _, c := range regexp.MustCompile(`(?s)<li class="card">.*?</li>`).FindAllString(body, -1) {
			for _, name := range []string{"亳州市经办测试有限公司", "亳州市停用测试有限公司"} {
				if strings.Contains(c, name) {
					cards[name] = c
				}
			}
		}
		contains(t, "the disabled enterprise's card", cards["亳州市停用测试有限公司"], code2, "已停用", "该企业账号已被管理员停用")
		contains(t, "the active enterprise's card", cards["亳州市经办测试有限公司"], code)
		lacks(t, "the active enterprise's card", cards["亳州市经办测试有限公司"], "已停用")
		lacks(t, "the disabled enterprise's card", cards["亳州市停用测试有限公司"], "href=", "<form")

		// A person may not add handlers to anything.
		res, body = pv.submit("/me/handlers", "/me/handlers", url.Values{"id_number": {person.Get("id_number")}})
		wantStatus(t, "a person adding handlers", res, body, http.StatusForbidden)

		_, body = ev.get("/me/handlers")
		remove := regexp.MustCompile(`/me/handlers/\d+/remove`).FindString(body)
		res, _ = ev.submit("/me/handlers", remove, url.Values{})
		wantRedirect(t, "withdrawing a handler", res, "/me/handlers")
		_, body = pv.get("/me/handlers")
		lacks(t, "the person's enterprises after withdrawal", body, "亳州市经办测试有限公司")
	})
}
