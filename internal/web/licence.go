package web

import (
	"bytes"
	"errors"
	"io"
	"net/http"
	"strings"

	"github.com/skip2/go-qrcode"

	"github.com/govhall/govhall/internal/errs"
	"github.com/govhall/govhall/internal/hub"
	"github.com/govhall/govhall/internal/i18n"
	"github.com/govhall/govhall/internal/identity"
	"github.com/govhall/govhall/internal/ids"
)

// E-licence verification (issue 5, part 6): anyone who scans a licence's QR
// code lands on its public page and reads a plain verdict — genuine,
// unaltered, current — with the holder masked; anyone may paste or upload
// a licence document to check it; the holder alone downloads the signed
// document.

// licenceRoutes are the licence pages, for routes().
func (s *Site) licenceRoutes() map[string]http.HandlerFunc {
	return map[string]http.HandlerFunc{
		"GET /licences/verify":                     s.licenceCheckPage,
		"POST /licences/verify":                    s.postOnly(s.licenceCheck),
		"GET /licences/{identifier}":               s.licencePage,
		"GET /licences/{identifier}/qr.png":        s.licenceQR,
		"GET /licences/{identifier}/document.json": s.licenceDocument,
	}
}

// findingView is one line of the verdict.
type findingView struct {
	OK          bool
	Label, Text string
}

// verdictView is a verdict as the pages show it; personal data is masked.
type verdictView struct {
	OK                               bool
	Findings                         []findingView
	Identifier, TypeName, Number     string
	HolderName, HolderID, HolderKind string
	IssuerName, IssuerCode           string
	IssuedOn, ExpiresOn              string
}

// licenceBody is the verification page of one licence.
type licenceBody struct {
	Verdict  verdictView
	PageURL  string // the absolute address the QR code holds
	QR       string
	Download string // the signed document, for its holder only
}

// licenceCheckBody is the page that checks an offered document.
type licenceCheckBody struct {
	CSRF    string
	Text    string // what was pasted, kept after a mistake
	Error   string
	Verdict *verdictView
	Alerts  []string // for the error_summary partial
	Summary []*field
}

func verdictOut(lang string, v hub.Verdict) verdictView {
	c := v.Content
	out := verdictView{OK: v.OK(), Identifier: v.Identifier, TypeName: c.TypeName, Number: c.Number,
		HolderName: ids.MaskName(c.HolderName), IssuerName: c.IssuerName, IssuerCode: c.IssuerCode,
		IssuedOn: c.IssuedOn, ExpiresOn: c.ExpiresOn}
	switch c.HolderKind {
	case hub.HolderPerson:
		out.HolderID, out.HolderKind = ids.MaskIDNumber(c.HolderID), i18n.T(lang, "web.licence.holder_person", nil)
	case hub.HolderEntity:
		out.HolderID, out.HolderKind = c.HolderID, i18n.T(lang, "web.licence.holder_entity", nil)
	}
	if out.ExpiresOn == "" {
		out.ExpiresOn = i18n.T(lang, "web.licence.no_expiry", nil)
	}
	for _, f := range []struct {
		label string
		f     hub.Finding
	}{{"web.licence.genuine", v.Genuine}, {"web.licence.unaltered", v.Unaltered}, {"web.licence.current", v.Current}} {
		out.Findings = append(out.Findings, findingView{OK: f.f.OK, Label: i18n.T(lang, f.label, nil), Text: i18n.T(lang, f.f.Key, f.f.Args)})
	}
	return out
}

// holderOf is who the signed-in caller is as a licence holder: a person
// by their ID number, an enterprise by its credit code.
func holderOf(p identity.Principal) (kind, id string) {
	switch p.Kind() {
	case identity.Person:
		return hub.HolderPerson, p.Account.IDNumber
	case identity.Enterprise:
		return hub.HolderEntity, p.Account.Login
	}
	return "", ""
}

// licencePage is the public verification page a licence's QR code opens.
func (s *Site) licencePage(w http.ResponseWriter, r *http.Request) {
	if s.licences == nil {
		s.RenderError(w, r, http.StatusNotFound, "licence.error.not_found")
		return
	}
	v, err := s.licences.VerifyLicence(r.Context(), r.PathValue("identifier"))
	if err != nil {
		s.licenceFail(w, r, err)
		return
	}
	lang := pageLang(r)
	base := "/licences/" + v.Identifier
	b := &licenceBody{Verdict: verdictOut(lang, v), PageURL: absoluteURL(r, base), QR: base + "/qr.png"}
	if kind, id := holderOf(identity.PrincipalFrom(r.Context())); id != "" && kind == v.Content.HolderKind && id == v.Content.HolderID {
		b.Download = base + "/document.json"
	}
	s.render(w, r, http.StatusOK, "licence_page", s.formPage(r, lang, "web.licence.title", b, false))
}

// licenceFail answers a failed lookup: a malformed or unknown identifier is
// the 404 page, a refusal 403, anything else 500.
func (s *Site) licenceFail(w http.ResponseWriter, r *http.Request, err error) {
	switch errs.CodeOf(err) {
	case errs.Invalid, errs.NotFound:
		s.RenderError(w, r, http.StatusNotFound, "licence.error.not_found")
	case errs.Denied:
		s.RenderError(w, r, http.StatusForbidden, "licence.error.not_holder")
	default:
		s.internal(w, r, err)
	}
}

// absoluteURL is path on the host the request came to; the scheme is https
// when the request came over TLS or through a proxy that says so.
func absoluteURL(r *http.Request, path string) string {
	scheme := "http"
	if r.TLS != nil || r.Header.Get("X-Forwarded-Proto") == "https" {
		scheme = "https"
	}
	return scheme + "://" + r.Host + path
}

// licenceQR is the QR code of the verification page's address.
func (s *Site) licenceQR(w http.ResponseWriter, r *http.Request) {
	l, err := ids.ParseLicenceID(r.PathValue("identifier"))
	if err != nil {
		s.RenderError(w, r, http.StatusNotFound, "licence.error.not_found")
		return
	}
	png, err := qrcode.Encode(absoluteURL(r, "/licences/"+l.String()), qrcode.Medium, 320)
	if err != nil {
		s.internal(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "image/png")
	w.Header().Set("Cache-Control", "public, max-age=86400")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	_, _ = w.Write(png)
}

// licenceDocument gives the holder the signed document to keep or pass on.
func (s *Site) licenceDocument(w http.ResponseWriter, r *http.Request) {
	if s.licences == nil {
		s.RenderError(w, r, http.StatusNotFound, "licence.error.not_found")
		return
	}
	kind, id := holderOf(identity.PrincipalFrom(r.Context()))
	doc, err := s.licences.HolderDocument(r.Context(), r.PathValue("identifier"), kind, id)
	if err != nil {
		s.licenceFail(w, r, err)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "application/json; charset=utf-8")
	h.Set("Content-Disposition", `attachment; filename="e-licence-`+doc.Licence.Identifier+`.json"`)
	h.Set("Cache-Control", "no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	_, _ = w.Write(doc.Marshal())
}

// licenceCheckPage is the empty paste-or-upload form.
func (s *Site) licenceCheckPage(w http.ResponseWriter, r *http.Request) {
	b := &licenceCheckBody{CSRF: s.csrfToken(w, r)}
	s.render(w, r, http.StatusOK, "licence_check", s.formPage(r, pageLang(r), "web.licence.check_title", b, false))
}

// licenceCheck verifies the pasted or uploaded document and shows the
// verdict, or the mistake beside the field.
func (s *Site) licenceCheck(w http.ResponseWriter, r *http.Request) {
	lang := pageLang(r)
	b := &licenceCheckBody{CSRF: s.csrfToken(w, r), Text: r.PostFormValue("document")}
	doc, err := offeredDocument(r)
	if err == nil && s.licences == nil {
		err = errs.New(errs.NotFound, "licence.error.not_found")
	}
	var v hub.Verdict
	if err == nil {
		v, err = s.licences.VerifyDocument(r.Context(), doc)
	}
	if err != nil {
		e, ok := errs.As(err)
		if !ok || e.Code != errs.Invalid {
			s.internal(w, r, err)
			return
		}
		b.Error = i18n.T(lang, e.Key, e.Args)
		b.Summary = []*field{{Name: "document", Label: i18n.T(lang, "web.licence.document_label", nil), Error: b.Error}}
		s.render(w, r, http.StatusUnprocessableEntity, "licence_check", s.formPage(r, lang, "web.licence.check_title", b, true))
		return
	}
	vv := verdictOut(lang, v)
	b.Verdict = &vv
	s.render(w, r, http.StatusOK, "licence_check", s.formPage(r, lang, "web.licence.check_title", b, false))
}

// offeredDocument is the uploaded file when there is one, else the pasted
// text.
func offeredDocument(r *http.Request) ([]byte, error) {
	if f, _, err := r.FormFile("file"); err == nil {
		defer f.Close()
		b, err := io.ReadAll(io.LimitReader(f, 64<<10))
		if err != nil {
			return nil, err
		}
		if len(bytes.TrimSpace(b)) > 0 {
			return b, nil
		}
	} else if !errors.Is(err, http.ErrMissingFile) && !errors.Is(err, http.ErrNotMultipart) {
		return nil, errs.Field("document", "licence.error.document", nil)
	}
	text := strings.TrimSpace(r.PostFormValue("document"))
	if text == "" {
		return nil, errs.Field("document", "error.required", nil)
	}
	return []byte(text), nil
}
