package web_test

import (
	"net/http"
	"net/url"
	"regexp"
	"testing"

	"github.com/govhall/govhall/internal/db"
	"github.com/govhall/govhall/internal/db/dbtest"
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
