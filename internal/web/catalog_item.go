package web

import (
	"html/template"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/govhall/govhall/internal/actor"
	"github.com/govhall/govhall/internal/catalog"
	"github.com/govhall/govhall/internal/i18n"
)

// catItemBody is an item's guide for applicants.
type catItemBody struct {
	ID                       int64
	Name, Code, Place, Dept  string
	Type, List, Version      string
	Demo, Generated, Leaf    bool
	Conditions, Objects      string
	Statutory, Promised      string
	CaseType, Special        string
	Visits, VisitReason      string
	Online                   string
	Channels                 []string
	Where, Hours             string
	Consult, Complaint, Note string
	Materials                []catMaterialView
	Fees                     []catFeeView
	Basis                    []string
	Results                  []string
	Flow                     template.HTML // the SVG, drawn by catalog.FlowSVG
	HasFlow, FlowBroken      bool
	Children                 []catItemCard
	CatalogURL, VersionsURL  string
	SVGURL                   string
}

type catMaterialView struct {
	Name, Need, Kind, Source, Copies string
	Notes                            []string
	NoUpload                         bool
}

type catFeeView struct {
	Name, Amount, Basis, Exemption string
}

// catalogItem is /catalog/items/{id}: the applicant's guide.
func (s *Site) catalogItem(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(r)
	if !ok {
		s.RenderError(w, r, http.StatusNotFound, "error.not_found")
		return
	}
	it, err := s.catalog.Item(r.Context(), id)
	if err == nil && it.Status != catalog.Published {
		s.RenderError(w, r, http.StatusNotFound, "error.not_found") // drafts are not public
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	lang := pageLang(r)
	b, err := s.catItemGuide(r, lang, it)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p := s.formPage(r, lang, "web.catalog.item.guide", b, false)
	p.Title = i18n.T(lang, "web.page.document_title", map[string]any{"title": b.Name, "site": p.Heading})
	s.render(w, r, http.StatusOK, "catalog_item", p)
}

// catItemGuide is everything the guide shows, in the language.
func (s *Site) catItemGuide(r *http.Request, lang string, it catalog.Item) (*catItemBody, error) {
	t := func(key string, args map[string]any) string { return i18n.T(lang, key, args) }
	d := it.Doc
	places, err := s.org.Jurisdictions(r.Context(), "")
	if err != nil {
		return nil, err
	}
	cards, err := s.catItemCards(r.Context(), lang, []catalog.Item{it}, places)
	if err != nil {
		return nil, err
	}
	c := cards[0]
	b := &catItemBody{ID: it.ID, Name: c.Name, Code: it.Code, Place: c.Place, Dept: c.Dept, Type: c.Type, Demo: c.Demo,
		List: t("web.catalog.list."+it.List, nil), Generated: it.Generated, Leaf: it.Leaf(),
		Conditions: d.Conditions, Where: d.Place, Hours: d.Hours, Consult: d.Consult, Complaint: d.Complaint, Note: d.Note,
		Statutory: catDaysText(lang, d.Statutory), Promised: catDaysText(lang, d.Promised),
		CatalogURL: "/catalog", VersionsURL: "/catalog/items/" + catItoa(it.ID) + "/versions",
		SVGURL: "/api/v1/items/" + catItoa(it.ID) + "/flowchart.svg"}
	b.Version = t("web.catalog.item.version_value", map[string]any{"n": it.Version, "date": catDate(it.EffectiveFrom)})
	catFacts(lang, d, b)
	b.Online, b.Channels = catChannelsText(lang, d)
	b.Materials = catMaterialViews(lang, d.Materials)
	b.Fees = catFeeViews(lang, d.Fees)
	for _, x := range d.LegalBasis {
		b.Basis = append(b.Basis, strings.TrimSpace(x.Law+" "+x.Article))
	}
	for _, x := range d.Results {
		res := x.Name
		if x.LicenceType != "" {
			res += "（" + t("web.catalog.item.result_licence", nil) + "）"
		}
		b.Results = append(b.Results, res)
	}
	s.catDrawFlow(r, lang, it, b)
	if !b.Leaf {
		kids, _, err := s.catalog.Items(r.Context(), catalog.Filter{ParentID: it.ID, Status: catalog.Published, Limit: 200})
		if err != nil {
			return nil, err
		}
		if b.Children, err = s.catItemCards(r.Context(), lang, kids, places); err != nil {
			return nil, err
		}
	}
	return b, nil
}

// catDrawFlow puts the flowchart in the page; a flow that cannot be drawn is
// logged and the page says so, rather than failing the whole guide.
func (s *Site) catDrawFlow(r *http.Request, lang string, it catalog.Item, b *catItemBody) {
	if len(it.Doc.Flow) == 0 {
		return
	}
	svg, err := catalog.FlowSVG(it.Doc.Flow, lang, catalogLabels(lang))
	if err != nil {
		s.log.Error("draw flowchart", "item", it.ID, "err", err, "request_id", actor.From(r.Context()).RequestID)
		b.FlowBroken = true
		return
	}
	b.HasFlow = true
	b.Flow = template.HTML(svg) // #nosec: FlowSVG escapes every text it draws
}

func catDaysText(lang string, l catalog.Limit) string {
	if l.Days <= 0 {
		return i18n.T(lang, "web.catalog.item.no_limit", nil)
	}
	s := i18n.T(lang, "web.catalog.item.days", map[string]any{"n": l.Days})
	if l.Note != "" {
		s += "（" + l.Note + "）"
	}
	return s
}

func catChannelsText(lang string, d catalog.Doc) (string, []string) {
	t := func(key string) string { return i18n.T(lang, key, nil) }
	online := t("web.catalog.offline")
	if d.Online {
		online = t("web.catalog.online")
		if d.OnlineDepth > 0 {
			online += " · " + i18n.T(lang, "web.catalog.item.online_depth", map[string]any{"n": d.OnlineDepth})
		}
	}
	var ch []string
	if d.Channels.Payment {
		ch = append(ch, t("web.catalog.item.channel_payment"))
	}
	if d.Channels.Express {
		ch = append(ch, t("web.catalog.item.channel_express"))
	}
	if d.Channels.Appointment {
		ch = append(ch, t("web.catalog.item.channel_appointment"))
	}
	return online, ch
}

// catMaterialViews say for each material where it comes from: what the data
// hub or an e-licence supplies, the applicant need not upload.
func catMaterialViews(lang string, ms []catalog.Material) []catMaterialView {
	t := func(key string, args map[string]any) string { return i18n.T(lang, key, args) }
	var out []catMaterialView
	for _, m := range ms {
		v := catMaterialView{Name: m.Name, Need: t("web.catalog.need."+m.Necessity, nil), Kind: t("web.catalog.kind."+m.Kind, nil),
			Source: t("web.catalog.source."+m.Source, nil), NoUpload: m.Source == catalog.FromHub || m.Source == catalog.FromLicence}
		if m.Copies > 0 {
			v.Copies = t("web.catalog.item.copies", map[string]any{"n": m.Copies})
		}
		if m.Condition != "" {
			v.Notes = append(v.Notes, t("web.catalog.item.condition", nil)+m.Condition)
		}
		if m.Sample != "" {
			v.Notes = append(v.Notes, t("web.catalog.item.sample", nil)+m.Sample)
		}
		for _, n := range []string{m.Standard, m.Note} {
			if n != "" {
				v.Notes = append(v.Notes, n)
			}
		}
		out = append(out, v)
	}
	return out
}

func catFeeViews(lang string, fs []catalog.Fee) []catFeeView {
	var out []catFeeView
	for _, f := range fs {
		v := catFeeView{Name: f.Name, Basis: strings.TrimSpace(f.Basis.Law + " " + f.Basis.Article), Exemption: f.Exemption}
		if f.Formula != "" {
			v.Amount = i18n.T(lang, "web.catalog.item.fee_formula", map[string]any{"formula": f.Formula})
		} else {
			v.Amount = i18n.T(lang, "web.catalog.item.fee_amount", map[string]any{"amount": f.Amount})
		}
		out = append(out, v)
	}
	return out
}

func catItoa(n int64) string { return strconv.FormatInt(n, 10) }

// catDate is a day in Beijing time; "—" for none.
func catDate(t time.Time) string {
	if t.IsZero() {
		return "—"
	}
	return t.In(beijing).Format("2006-01-02")
}

// catFacts fills in the case type, who is served and the visits in person.
func catFacts(lang string, d catalog.Doc, b *catItemBody) {
	t := func(key string, args map[string]any) string { return i18n.T(lang, key, args) }
	b.CaseType = t("web.catalog.item.case_promised", nil)
	if d.CaseType == catalog.Immediate {
		b.CaseType = t("web.catalog.item.case_immediate", nil)
	}
	b.Special = joinList(lang, d.SpecialProcedures)
	var objs []string
	for _, o := range d.Objects {
		switch o {
		case catalog.ObjectPerson:
			objs = append(objs, t("web.catalog.object_person", nil))
		case catalog.ObjectEnterprise:
			objs = append(objs, t("web.catalog.object_enterprise", nil))
		}
	}
	b.Objects = joinList(lang, objs)
	b.Visits = t("web.catalog.item.visits_none", nil)
	if d.Visits > 0 {
		b.Visits = t("web.catalog.item.visits_n", map[string]any{"n": d.Visits})
		b.VisitReason = t("web.catalog.visit."+d.VisitReason, nil)
		if d.VisitNote != "" {
			b.VisitReason += "：" + d.VisitNote
		}
	}
}
