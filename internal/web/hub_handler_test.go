package web_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/govhall/govhall/internal/app"
	"github.com/govhall/govhall/internal/hub/synth"
	"github.com/govhall/govhall/internal/ids"
)

// The demo enterprise makes 李想 its handler (经办人) on its handlers
// page. 李想 finds the enterprise on his /me/data page and opens its
// record and licences — the legal representative's ID number masked, no
// access log of the enterprise's. 崔曼曼, not its handler, is refused;
// so is a malformed credit code. The enterprise sees 李想's read as its
// handler's, his name masked, and her refused attempt. Once the
// enterprise removes him, his page is refused and the list is gone.
func testHandlerData(t *testing.T, a *app.App) {
	firm := hubVisitor(t, a, synth.DemoEntityID)
	res, _ := firm.submit("/me/handlers", "/me/handlers", url.Values{"id_number": {synth.LiXiangID}})
	wantRedirect(t, "adding 李想 as a handler", res, "/me/handlers")
	page := "/me/entities/" + synth.DemoEntityID + "/data"

	li := hubVisitor(t, a, synth.LiXiangID)
	_, body := li.get("/me/data")
	list := section(t, body, "entities")
	contains(t, "李想's enterprises", list, "我代理的企业", synth.DemoEntityName, synth.DemoEntityID, `href="`+page+`"`)
	res, body = li.get(page)
	wantStatus(t, "the enterprise's data as its handler", res, body, http.StatusOK)
	contains(t, "the enterprise's data as its handler", body, synth.DemoEntityName, "经办人", "法定代表人", "王明",
		ids.MaskIDNumber(synth.WangMingID), "注册资本", "市场监督", "该企业的电子证照", "营业执照", `href="/me/data#entities"`)
	lacks(t, "the enterprise's data as its handler", body, synth.WangMingID, "web.hub.", `id="access"`, `id="family"`)
	li.lang = "en"
	_, body = li.get(page)
	contains(t, "in English", body, "Legal representative", "The enterprise&#39;s e-licences")
	lacks(t, "in English", body, "web.hub.")
	_, body = li.get("/me/data")
	contains(t, "in English", section(t, body, "entities"), "Enterprises I act for", "See the enterprise&#39;s data")
	li.lang = ""
	res, body = li.get("/me/entities/91341602MA2N0001X/data")
	wantStatus(t, "a malformed credit code", res, body, http.StatusNotFound)
	lacks(t, "a malformed credit code", body, "web.hub.", "ids.error.")

	cui := hubVisitor(t, a, synth.CuiManmanID)
	_, body = cui.get("/me/data")
	lacks(t, "崔曼曼's data", body, `id="entities"`, synth.DemoEntityName)
	res, body = cui.get(page)
	wantStatus(t, "崔曼曼 opens the enterprise's data", res, body, http.StatusForbidden)
	contains(t, "崔曼曼 opens the enterprise's data", body, "不是该企业的经办人")
	lacks(t, "崔曼曼 opens the enterprise's data", body, "王明")

	_, body = firm.get("/me/data")
	log := section(t, body, "access")
	contains(t, "the enterprise's access log", log, "经办人 · "+ids.MaskName("李想"), "个人 · "+ids.MaskName("崔曼曼"), "已拒绝",
		"不是该企业的经办人")
	lacks(t, "the enterprise's access log", log, "李想", "崔曼曼")
	firm.lang = "en"
	_, body = firm.get("/me/data")
	contains(t, "the enterprise's access log in English", section(t, body, "access"), "Handler · "+ids.MaskName("李想"))
	firm.lang = ""

	_, body = firm.get("/me/handlers")
	remove := regexp.MustCompile(`/me/handlers/\d+/remove`).FindString(body)
	res, _ = firm.submit("/me/handlers", remove, url.Values{})
	wantRedirect(t, "removing 李想", res, "/me/handlers")
	res, body = li.get(page)
	wantStatus(t, "a removed handler opens the enterprise's data", res, body, http.StatusForbidden)
	_, body = li.get("/me/data")
	if strings.Contains(body, `id="entities"`) {
		t.Error("a removed handler still sees the enterprise on /me/data")
	}
}
