package web

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/govhall/govhall/internal/i18n"
)

// langCookie holds the language a person chose with the switch.
const langCookie = "lang"

// pageLang is the language of a page: the chosen one from the cookie, else
// Simplified Chinese. Accept-Language is deliberately ignored: the hall is
// Chinese first, and English is a choice.
func pageLang(r *http.Request) string {
	if c, err := r.Cookie(langCookie); err == nil {
		if l := i18n.Supported(c.Value); l != "" {
			return l
		}
	}
	return i18n.ZH
}

// langSwitch is the link to the page in the other language.
type langSwitch struct {
	Lang string // the language the link leads to
	URL  string
}

// switchFor builds the switch of a page: to the next language, back to the
// same address.
func switchFor(lang string, r *http.Request) langSwitch {
	to := i18n.Langs[0]
	for i, l := range i18n.Langs {
		if l == lang {
			to = i18n.Langs[(i+1)%len(i18n.Langs)]
		}
	}
	return langSwitch{Lang: to, URL: "/lang?to=" + url.QueryEscape(to) + "&next=" + url.QueryEscape(r.URL.RequestURI())}
}

// switchLang remembers the chosen language for a year and sends the person
// back to the page they were on. It works without JavaScript: it is a link.
func (s *Site) switchLang(w http.ResponseWriter, r *http.Request) {
	if l := i18n.Supported(r.URL.Query().Get("to")); l != "" {
		http.SetCookie(w, &http.Cookie{Name: langCookie, Value: l, Path: "/", MaxAge: 365 * 24 * 3600,
			HttpOnly: true, Secure: r.TLS != nil, SameSite: http.SameSiteLaxMode})
	}
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Location", localPath(r.URL.Query().Get("next")))
	w.WriteHeader(http.StatusSeeOther)
}

// localPath returns next when it is a path on this site, else "/", so the
// switch cannot be used to send people elsewhere (//evil.com, /\evil.com,
// https://evil.com, javascript:…).
func localPath(next string) string {
	if next == "" || len(next) > 2048 || next[0] != '/' || strings.HasPrefix(next, "//") || strings.ContainsRune(next, '\\') {
		return "/"
	}
	for _, c := range next {
		if c < 0x21 || c == 0x7f {
			return "/"
		}
	}
	u, err := url.Parse(next)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil || u.Opaque != "" {
		return "/"
	}
	for _, seg := range strings.Split(u.Path, "/") {
		if seg == "." || seg == ".." { // "/.//evil.com" would resolve to "//evil.com"
			return "/"
		}
	}
	return u.RequestURI()
}

// joinList joins the items of a list in the language's way: 、 in Chinese,
// a comma in English.
func joinList(lang string, items []string) string {
	return strings.Join(items, i18n.T(lang, "web.list_separator", nil))
}
