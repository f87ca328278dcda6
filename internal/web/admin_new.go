package web

import (
	"net/http"
	"slices"
	"strconv"

	"github.com/govhall/govhall/internal/errs"
	"github.com/govhall/govhall/internal/i18n"
	"github.com/govhall/govhall/internal/identity"
	"github.com/govhall/govhall/internal/org"
)

// The security administrator creates an account in two steps, without
// script: first where the person works (the city or a county-level
// division), then the form for that division, which offers its
// departments' posts (for staff) and the village proxy points under it
// (for agents).

// newAccountFields are the inputs of the form, in its order. Kind, posts
// and the proxy point are choices; the rest are text inputs.
var newAccountFields = []fieldSpec{
	{Name: "kind", Label: "web.admin.new.kind"},
	{Name: "login", Label: "web.admin.new.login", Hint: "web.admin.new.login_hint", Autocomplete: "off", Caps: "none"},
	{Name: "name", Label: "web.field.name", Autocomplete: "off"},
	{Name: "id_number", Label: "web.field.id_number", Hint: "web.field.id_number_hint", Autocomplete: "off", Caps: "characters"},
	{Name: "phone", Label: "web.field.phone", Hint: "web.admin.new.phone_hint", Type: "tel", Autocomplete: "off"},
	{Name: "password", Label: "web.admin.new.password", Hint: "web.admin.new.password_hint", Type: "password", Autocomplete: "new-password"},
	{Name: "post_ids", Label: "web.admin.new.posts", Hint: "web.admin.new.posts_hint"},
	{Name: "service_point_id", Label: "web.admin.new.point", Hint: "web.admin.new.point_hint"},
}

// newAccountBody is the form page. Place is empty on the first step.
type newAccountBody struct {
	Form       *formView
	Place      option   // the chosen division
	Places     []option // the first step's choices
	Kind       *field
	Kinds      []option
	Text       []*field // login, name, ID number, phone, password
	Posts      *field
	PostGroups []postGroup
	Point      *field
	Points     []option

	posts      map[int64]bool   // the posts offered
	pointPlace map[int64]string // the proxy points offered, to their village
}

// postGroup is the posts of one department.
type postGroup struct {
	Department string
	Posts      []postChoice
}

type postChoice struct {
	ID      string // the checkbox's value; its id is f-post-ID
	Name    string
	Checked bool
}

// newAccountPage shows the first step, or the form for the division in
// the address (?jurisdiction=341602000000).
func (s *Site) newAccountPage(w http.ResponseWriter, r *http.Request) {
	code := r.URL.Query().Get("jurisdiction")
	b, err := s.newAccountBody(w, r, code, nil)
	if err != nil {
		s.internal(w, r, err)
		return
	}
	if code != "" && b.Place.Value == "" {
		b.Form.Alerts = append(b.Form.Alerts, i18n.T(pageLang(r), "web.admin.new.error_place", nil))
	}
	s.renderNewAccount(w, r, http.StatusOK, b)
}

// createAccount creates the account through identity.CreateManaged and
// goes back to the list, or shows the form again with every mistake.
func (s *Site) createAccount(w http.ResponseWriter, r *http.Request) {
	lang := pageLang(r)
	_ = r.ParseForm()
	b, err := s.newAccountBody(w, r, r.PostFormValue("jurisdiction"), r)
	if err != nil {
		s.internal(w, r, err)
		return
	}
	if b.Place.Value == "" { // no division, or one that has no departments
		b.Form.Alerts = append(b.Form.Alerts, i18n.T(lang, "web.admin.new.error_place", nil))
		s.renderNewAccount(w, r, http.StatusUnprocessableEntity, b)
		return
	}
	in, choiceErr := b.staffForm(r)
	_, err = s.identity.CreateManaged(r.Context(), in)
	if err == nil {
		seeOther(w, "/admin/accounts?done=created")
		return
	}
	status, ok := b.Form.apply(lang, errs.Join(choiceErr, err))
	if !ok {
		s.internal(w, r, err)
		return
	}
	for _, fd := range b.Form.Fields {
		fd.Registered = false // "already registered, sign in" is for people signing up
	}
	s.renderNewAccount(w, r, status, b)
}

func (s *Site) renderNewAccount(w http.ResponseWriter, r *http.Request, status int, b *newAccountBody) {
	failed := len(b.Form.Alerts)+len(b.Form.Summary) > 0
	s.render(w, r, status, "admin_account_new", s.formPage(r, pageLang(r), "web.admin.new.title", b, failed))
}

// staffForm reads the posted form. A post or proxy point that was not
// offered is a mistake in its field, and the choice is dropped, so the
// account is not created with it.
func (b *newAccountBody) staffForm(r *http.Request) (identity.StaffForm, error) {
	f := identity.StaffForm{Kind: r.PostFormValue("kind"), Login: r.PostFormValue("login"), Name: r.PostFormValue("name"),
		IDNumber: r.PostFormValue("id_number"), Phone: r.PostFormValue("phone"), Password: r.PostFormValue("password"),
		JurisdictionCode: b.Place.Value}
	var bad error
	switch f.Kind {
	case identity.Staff:
		for _, v := range r.PostForm["post_ids"] {
			id, err := strconv.ParseInt(v, 10, 64)
			if err != nil || !b.posts[id] {
				f.PostIDs, bad = nil, errs.Field("post_ids", "web.admin.new.error_choice", nil)
				break
			}
			f.PostIDs = append(f.PostIDs, id)
		}
	case identity.Agent:
		v := r.PostFormValue("service_point_id")
		id, _ := strconv.ParseInt(v, 10, 64)
		if village, ok := b.pointPlace[id]; ok {
			f.ServicePointID, f.JurisdictionCode = id, village
		} else if v != "" {
			bad = errs.Field("service_point_id", "web.admin.new.error_choice", nil)
		}
	}
	return f, bad
}

// newAccountBody builds the form for the division code (the first step
// when code is not one of the divisions offered), keeping what posted
// chose when it is not nil.
func (s *Site) newAccountBody(w http.ResponseWriter, r *http.Request, code string, posted *http.Request) (*newAccountBody, error) {
	lang := pageLang(r)
	places, byCode, err := s.jurisdictionOptions(r, lang, code)
	if err != nil {
		return nil, err
	}
	b := &newAccountBody{Form: s.newForm(w, r, lang, "/admin/accounts", newAccountFields), Places: places,
		posts: map[int64]bool{}, pointPlace: map[int64]string{}}
	if posted != nil {
		b.Form.keep(posted)
	}
	b.Kind, b.Posts, b.Point = b.Form.field("kind"), b.Form.field("post_ids"), b.Form.field("service_point_id")
	for _, name := range []string{"login", "name", "id_number", "phone", "password"} {
		b.Text = append(b.Text, b.Form.field(name))
	}
	if b.Kind.Value == "" {
		b.Kind.Value = identity.Staff
	}
	b.Kinds = kindOptions(lang, identity.ManagedKinds, b.Kind.Value, false)
	j, ok := byCode[code]
	if !ok {
		return b, nil
	}
	b.Place = option{Value: j.Code, Label: nameIn(lang, j.Name, j.NameEN), Selected: true}
	var checked []string
	if posted != nil {
		checked = posted.PostForm["post_ids"]
	}
	if err := s.offerPosts(r, lang, b, j, checked); err != nil {
		return nil, err
	}
	return b, s.offerPoints(r, lang, b, j)
}

// offerPosts lists the posts of the division's departments.
func (s *Site) offerPosts(r *http.Request, lang string, b *newAccountBody, j org.Jurisdiction, checked []string) error {
	deps, err := s.org.Departments(r.Context(), j.Code)
	if err != nil {
		return err
	}
	for _, d := range deps {
		posts, err := s.org.Posts(r.Context(), d.ID)
		if err != nil {
			return err
		}
		g := postGroup{Department: nameIn(lang, d.Name, d.NameEN)}
		for _, p := range posts {
			id := strconv.FormatInt(p.ID, 10)
			b.posts[p.ID] = true
			g.Posts = append(g.Posts, postChoice{ID: id, Name: nameIn(lang, p.Name, p.NameEN), Checked: slices.Contains(checked, id)})
		}
		if len(g.Posts) > 0 {
			b.PostGroups = append(b.PostGroups, g)
		}
	}
	return nil
}

// offerPoints lists the village proxy points under the division.
func (s *Site) offerPoints(r *http.Request, lang string, b *newAccountBody, j org.Jurisdiction) error {
	pts, err := s.org.ServicePoints(r.Context(), j)
	if err != nil {
		return err
	}
	b.Points = append(b.Points, option{Value: "", Label: i18n.T(lang, "web.admin.new.point_none", nil), Selected: b.Point.Value == ""})
	for _, p := range pts {
		if p.Kind != org.Proxy {
			continue
		}
		id := strconv.FormatInt(p.ID, 10)
		b.pointPlace[p.ID] = p.JurisdictionCode
		b.Points = append(b.Points, option{Value: id, Label: nameIn(lang, p.Name, p.NameEN), Selected: b.Point.Value == id})
	}
	return nil
}
