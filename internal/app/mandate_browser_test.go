package app_test

import (
	"context"
	"regexp"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/govhall/govhall/internal/app"
	"github.com/govhall/govhall/internal/demo"
	"github.com/govhall/govhall/internal/identity"
	"github.com/govhall/govhall/internal/notify"
)

// Story 1 on a phone: the Zhaozhuang agent asks 李想 (far away in Qinghai)
// for a mandate to apply for his 流动人口婚育证明; he reads out the code
// from his SMS; the mandate is valid. Then 李想 signs in and finds it under
// 我的委托, naming the agent.
const liXiang, liXiangPhone = "341602198807150036", "13800001234"

func TestBrowserAgentMandate(t *testing.T) {
	ctx := browser(t)
	a, base := startHall(t)
	agentSignsIn(t, ctx, a, base)
	clickAndWait(t, ctx, `#me-mandates a[href="/agent/mandates"]`)
	waitPath(t, ctx, "/agent/mandates")
	clickAndWait(t, ctx, `main a[href="/agent/mandates/new"]`)
	waitPath(t, ctx, "/agent/mandates/new")
	if got := eval[string](t, ctx, `document.querySelector('select[name="scope"]').value + " " +
		document.querySelector('select[name="consent"]').value`); got != "application sms_code" {
		t.Errorf("the form should start with one application and SMS consent, has %q", got)
	}
	typeInto(t, ctx, [][2]string{{"resident_name", "李想"}, {"resident_id_number", liXiang},
		{"resident_phone", liXiangPhone}, {"subject", "流动人口婚育证明"}})
	shot(t, ctx, "mandate-new-zh-CN.png")
	clickAndWait(t, ctx, `form[action="/agent/mandates"] button[type="submit"]`)
	if p := eval[string](t, ctx, "location.pathname"); !regexp.MustCompile(`^/agent/mandates/\d+/confirm$`).MatchString(p) {
		t.Fatalf("after asking for the mandate the agent is at %s, want its confirmation", p)
	}
	wantText(t, ctx, "the confirmation page", "确认委托", "李*", "138****1234", "流动人口婚育证明")
	sms, err := notify.Latest(context.Background(), a.DB, liXiangPhone, identity.MandateCodeSMS)
	if err != nil {
		t.Fatal(err)
	}
	typeInto(t, ctx, [][2]string{{"code", sms.Params["code"]}})
	clickAndWait(t, ctx, `main form button[type="submit"]`)
	waitPath(t, ctx, "/agent/mandates")
	text := wantText(t, ctx, "the agent's mandates", "代办委托", "李*", "流动人口婚育证明", "有效", "短信验证码")
	if strings.Contains(text, liXiang) || strings.Contains(text, liXiangPhone) {
		t.Fatalf("the agent's list shows a full number:\n%s", text)
	}
	shot(t, ctx, "mandates-agent-zh-CN.png")

	clickAndWait(t, ctx, `header form[action="/logout"] button`)
	waitPath(t, ctx, "/")
	clickAndWait(t, ctx, `header a[href="/login"]`)
	signIn(t, ctx, liXiang, demo.DemoPassword)
	waitPath(t, ctx, "/me")
	clickAndWait(t, ctx, `#me-mandates a[href="/me/mandates"]`)
	waitPath(t, ctx, "/me/mandates")
	wantText(t, ctx, "李想's mandates", "我的委托", "赵红", "流动人口婚育证明", "有效", "撤销委托")
	shot(t, ctx, "mandates-person-zh-CN.png")
}

// The agent confirms a mandate with the resident's signature, drawn on the
// pad with the pointer.
func TestBrowserMandateSignature(t *testing.T) {
	ctx := browser(t)
	a, base := startHall(t)
	agentSignsIn(t, ctx, a, base)
	navigate(t, ctx, base+"/agent/mandates/new")
	typeInto(t, ctx, [][2]string{{"resident_name", "李想"}, {"resident_id_number", liXiang},
		{"resident_phone", liXiangPhone}, {"subject", "流动人口婚育证明"}})
	eval[bool](t, ctx, `(() => { document.querySelector('select[name="consent"]').value = "signature"; return true })()`)
	clickAndWait(t, ctx, `form[action="/agent/mandates"] button[type="submit"]`)
	if eval[bool](t, ctx, `!document.getElementById("signature-nojs").hidden`) {
		t.Fatal("the signature pad did not start: the page still says to use the SMS code")
	}
	box := eval[[]float64](t, ctx, `(() => { const c = document.getElementById("f-signature");
		c.scrollIntoView({block: "center"}); const b = c.getBoundingClientRect(); return [b.left, b.top, b.width, b.height] })()`)
	x, y, w, h := box[0], box[1], box[2], box[3]
	steps := []chromedp.Action[chromedp.Void]{chromedp.MouseEvent(chromedp.MousePressed, x+w*0.1, y+h*0.5, chromedp.ButtonLeft)}
	for i := 1; i <= 20; i++ {
		f := float64(i) / 20
		steps = append(steps, chromedp.MouseEvent(chromedp.MouseMoved, x+w*(0.1+0.8*f), y+h*(0.5+0.3*(f-0.5)*(1-f)), chromedp.ButtonLeft))
	}
	steps = append(steps, chromedp.MouseEvent(chromedp.MouseReleased, x+w*0.9, y+h*0.5, chromedp.ButtonLeft))
	if err := do(ctx, steps...); err != nil {
		t.Fatalf("sign: %v", err)
	}
	shot(t, ctx, "mandate-signature-zh-CN.png")
	clickAndWait(t, ctx, `#signature-form button[type="submit"]`)
	waitPath(t, ctx, "/agent/mandates")
	wantText(t, ctx, "the agent's mandates", "有效", "现场签名")
}

// agentSignsIn signs the demo agent of Zhaozhuang in, with the code sent
// to their phone.
func agentSignsIn(t *testing.T, ctx context.Context, a *app.App, base string) {
	t.Helper()
	signInOfficial(t, ctx, a, base, "zhaozhuang-agent")
}
