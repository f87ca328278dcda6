package demo

import (
	"bytes"
	"cmp"
	"context"
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"slices"
	"strings"

	"github.com/govhall/govhall/internal/catalog"
	"github.com/govhall/govhall/internal/db"
	"github.com/govhall/govhall/internal/org"
)

// The hand-written items (catalog/*.json): the items of the seed's stories
// and a dozen common personal and business items, every field filled, with
// their real legal bases. Where the domain notes mark a fact as unconfirmed
// the item's notes say so with [U].

//go:embed catalog/*.json
var storyFS embed.FS

// StoryFile is one file of hand-written items: their standard-catalog
// entries (main, sub and business-handling items) and the items.
type StoryFile struct {
	Name  string              `json:"-"`
	Basic []catalog.BasicItem `json:"basic"`
	Items []StoryItem         `json:"items"`
}

// StoryItem is a hand-written business-handling item and where it is
// published: jurisdiction codes, "city" or "counties" (the four counties),
// implemented by the department of the given function there.
type StoryItem struct {
	At       []string     `json:"at"`
	DeptKind string       `json:"dept_kind"`
	Item     catalog.Item `json:"item"`
	File     string       `json:"-"`
}

// Stories are the hand-written items of every file.
type Stories struct {
	Files []StoryFile
	Items []StoryItem
}

// LoadStories reads the embedded hand-written items; a file that does not
// parse is named with the line of the mistake.
func LoadStories() (*Stories, error) {
	names, err := fs.Glob(storyFS, "catalog/*.json")
	if err != nil {
		return nil, err
	}
	out := &Stories{}
	for _, name := range names {
		b, err := storyFS.ReadFile(name)
		if err != nil {
			return nil, err
		}
		var f StoryFile
		dec := json.NewDecoder(bytes.NewReader(b))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&f); err != nil {
			return nil, fmt.Errorf("demo catalog %s: line %d: %w", name, lineOf(b, dec.InputOffset()), err)
		}
		f.Name = name
		for i := range f.Items {
			f.Items[i].File = name
		}
		out.Files = append(out.Files, f)
		out.Items = append(out.Items, f.Items...)
	}
	return out, nil
}

func lineOf(b []byte, off int64) int {
	return bytes.Count(b[:min(int(off), len(b))], []byte("\n")) + 1
}

// Jurisdictions are the codes the item is published in.
func (s StoryItem) Jurisdictions() []string {
	var out []string
	for _, a := range s.At {
		switch a {
		case "city":
			out = append(out, CityCode)
		case "counties":
			for _, p := range countyPlans {
				out = append(out, p.code)
			}
		default:
			out = append(out, a)
		}
	}
	return out
}

// levelOf is the use level of a jurisdiction from its code.
func levelOf(code string) int {
	switch {
	case strings.HasSuffix(code, "00000000"):
		return catalog.LevelCity
	case strings.HasSuffix(code, "000000"):
		return catalog.LevelCounty
	case strings.HasSuffix(code, "000"):
		return catalog.LevelTown
	}
	return catalog.LevelVillage
}

// ItemAt is the item as a jurisdiction publishes it: its department, its
// business-handling code (the department's credit code, the use level,
// the basic code, 001), and the place, hours and channels of that hall
// where the file leaves them to the jurisdiction.
func (s StoryItem) ItemAt(jur org.Jurisdiction, dept org.Department) catalog.Item {
	it := s.Item
	it.Doc.Materials = slices.Clone(it.Doc.Materials)
	level := levelOf(jur.Code)
	it.Jurisdiction, it.DepartmentID, it.Status, it.Node = jur.Code, dept.ID, catalog.Published, catalog.Handling
	body := dept.CreditCode
	if body == "" {
		body = jur.Code[:6]
	}
	if len(it.Covers) > 0 {
		it.Code = fmt.Sprintf("%s%d%s001", body, level, it.Covers[0])
	}
	d := &it.Doc
	if len(d.UseLevels) == 0 {
		d.UseLevels = []int{level}
	}
	hall := jur.Name + "政务服务中心"
	if level == catalog.LevelTown {
		hall = jur.Name + "便民服务中心"
	}
	d.Place = cmp.Or(d.Place, hall+" "+dept.Name+"窗口")
	d.Hours = cmp.Or(d.Hours, "周一至周五 8:30-12:00，14:30-17:30（法定节假日除外）")
	d.Consult = cmp.Or(d.Consult, dept.Name+" 咨询电话 0558-5550000（演示号码）；网上咨询：亳州网上办事大厅")
	d.Complaint = cmp.Or(d.Complaint, "12345 政务服务热线；亳州网上办事大厅投诉通道；"+jur.Name+"监察局电子监察")
	return it
}

// seedStories publishes the hand-written items where they are handled.
func seedStories(ctx context.Context, d *db.DB, o *org.Service, c *catalog.Service, items []StoryItem,
	depts map[string]map[string]org.Department) error {
	byJur := map[string][]catalog.Item{}
	var order []string
	for _, s := range items {
		for _, code := range s.Jurisdictions() {
			jur, err := o.Jurisdiction(ctx, code)
			if err != nil {
				return fmt.Errorf("demo catalog %s: %w", s.File, err)
			}
			if _, ok := byJur[code]; !ok {
				order = append(order, code)
			}
			byJur[code] = append(byJur[code], s.ItemAt(jur, depts[code][s.DeptKind]))
		}
	}
	for _, code := range order {
		if err := createOnce(ctx, d, c, code, byJur[code]); err != nil {
			return fmt.Errorf("demo catalog: hand-written items of %s: %w", code, err)
		}
	}
	return nil
}
