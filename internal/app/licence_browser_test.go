package app_test

import (
	"context"
	"encoding/json"
	"net/url"
	"strings"
	"testing"
)

// Someone handed a phone with a licence's QR code opens the address it
// holds and reads the verdict, in Chinese and then in English; then
// someone offered an altered copy of the signed file pastes it into the
// public check and sees it refused. Every page passes axe-core's WCAG 2.1
// AA rules.
func TestBrowserLicenceVerification(t *testing.T) {
	ctx := browser(t)
	a, base := startHall(t)
	c := issueMarriage(t, a)
	page := "/licences/" + c.Identifier
	navigate(t, ctx, base+page)
	text := wantText(t, ctx, "the verification page", "✔ 电子证照有效", "结婚证", "李*", "341602********0036", c.Identifier)
	if strings.Contains(text, liXiang) {
		t.Fatal("the public page shows the full ID number")
	}
	if !eval[bool](t, ctx, `(() => { const i = document.querySelector("img.licence-qr"); return i.complete && i.naturalWidth > 0 })()`) {
		t.Fatal("the QR code image did not load")
	}
	if eval[bool](t, ctx, `document.documentElement.scrollWidth > window.innerWidth`) {
		t.Error("the page is wider than the phone's screen")
	}
	checkA11y(t, ctx, page)
	shot(t, ctx, "licence-verified-zh-CN.png")

	navigate(t, ctx, base+"/lang?to=en&next="+url.QueryEscape(page))
	wantText(t, ctx, "the English verification page", "✔ Valid e-licence", "Genuine: signed by the hall", "Unaltered", "Current")
	checkA11y(t, ctx, page+" (en)")
	shot(t, ctx, "licence-verified-en.png")

	doc, err := a.Licences.HolderDocument(context.Background(), c.Identifier, "111", liXiang)
	if err != nil {
		t.Fatal(err)
	}
	doc.Licence.Data["wife_name"] = "王小花"
	pasted, _ := json.Marshal(string(doc.Marshal()))
	navigate(t, ctx, base+"/licences/verify")
	wantText(t, ctx, "the check page", "Check an e-licence file", "Content of the licence file")
	eval[bool](t, ctx, `(() => { document.getElementById("f-document").value = `+string(pasted)+`; return true })()`)
	clickAndWait(t, ctx, `main form button[type="submit"]`)
	wantText(t, ctx, "the verdict on the altered file", "✘ Do not accept this e-licence", "Altered", "data.wife_name")
	checkA11y(t, ctx, "/licences/verify (en)")
	shot(t, ctx, "licence-altered-en.png")
}
