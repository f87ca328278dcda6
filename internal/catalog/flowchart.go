package catalog

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Geometry of the flowchart, in SVG user units (px at scale 1). A box is
// narrow enough that two parallel branches fit a phone's width when the
// drawing scales down through its viewBox.
const (
	flowBoxW     = 232
	flowBoxH     = 104
	flowGapX     = 24
	flowGapY     = 44
	flowMargin   = 16
	flowFont     = 14
	flowSmall    = 12
	flowLegendLH = 18
	flowRiskR    = 10
)

// riskColours mark a risk point by grade; each keeps 4.5:1 contrast with the
// white number drawn on it (WCAG AA).
var riskColours = map[string]string{"high": "#b71c1c", "medium": "#a64b00", "low": "#5d4037"}

// FlowSVG draws an item's flowchart (运行流程图) as a self-contained SVG:
// steps in layers by their After dependencies (parallel branches side by
// side, a join below all it waits for), arrows between them, each box with
// the step's name, department, post and share of the time limit, and the
// integrity-risk points (廉政风险点) as numbered markers coloured by grade
// with a legend below. labels translates the drawing's words; its keys are
// "flowchart.title", "flowchart.legend", "flowchart.share", "flowchart.post",
// "flowchart.measure", "flowchart.grade.<grade>", "flowchart.steps" and
// "dept.<kind>". A cycle, an unknown or repeated step key is an error.
func FlowSVG(steps []Step, lang string, labels func(key string) string) ([]byte, error) {
	if len(steps) == 0 {
		return nil, fmt.Errorf("flowchart: no steps")
	}
	seen := map[string]bool{}
	for i, s := range steps {
		if s.Key == "" || seen[s.Key] {
			return nil, fmt.Errorf("flowchart: step %d has an empty or repeated key %q", i+1, s.Key)
		}
		seen[s.Key] = true
	}
	layers, err := Layers(steps)
	if err != nil {
		return nil, fmt.Errorf("flowchart: %w", err)
	}
	c := &flowCanvas{lang: lang, labels: labels}
	c.place(layers)
	return c.draw(steps), nil
}

// flowBox is a step placed on the canvas: (x, y) is its top-left corner.
type flowBox struct {
	step  Step
	x, y  int
	risk0 int // the legend number of its first risk point
}

type flowCanvas struct {
	lang   string
	labels func(string) string
	boxes  map[string]*flowBox
	order  []*flowBox
	width  int
	height int // of the boxes, without the legend
}

// place lays the layers out top to bottom, each centred; within a layer the
// steps are ordered by the mean position of the steps they wait for, so
// branches stay under their origin and arrows cross as little as possible.
func (c *flowCanvas) place(layers [][]Step) {
	widest := 0
	for _, l := range layers {
		widest = max(widest, len(l))
	}
	c.width = 2*flowMargin + widest*flowBoxW + (widest-1)*flowGapX
	c.boxes = map[string]*flowBox{}
	for d, l := range layers {
		l = c.orderLayer(l)
		lw := len(l)*flowBoxW + (len(l)-1)*flowGapX
		x0 := (c.width - lw) / 2
		for i, s := range l {
			b := &flowBox{step: s, x: x0 + i*(flowBoxW+flowGapX), y: flowMargin + d*(flowBoxH+flowGapY)}
			c.boxes[s.Key] = b
			c.order = append(c.order, b)
		}
	}
	c.height = flowMargin + len(layers)*(flowBoxH+flowGapY) - flowGapY + flowMargin
}

func (c *flowCanvas) orderLayer(l []Step) []Step {
	pos := make([]float64, len(l))
	for i, s := range l {
		if len(s.After) == 0 {
			pos[i] = float64(i)
			continue
		}
		sum := 0
		for _, a := range s.After {
			sum += c.boxes[a].x
		}
		pos[i] = float64(sum) / float64(len(s.After))
	}
	idx := make([]int, len(l))
	for i := range idx {
		idx[i] = i
	}
	// A stable insertion sort: layers are a handful of steps.
	for i := 1; i < len(idx); i++ {
		for j := i; j > 0 && pos[idx[j]] < pos[idx[j-1]]; j-- {
			idx[j], idx[j-1] = idx[j-1], idx[j]
		}
	}
	out := make([]Step, len(l))
	for i, k := range idx {
		out[i] = l[k]
	}
	return out
}

// draw writes the document: title and description first (what a screen
// reader announces), then arrows under boxes, then the legend.
func (c *flowCanvas) draw(steps []Step) []byte {
	n := 1
	var risks []Risk
	for _, b := range c.order {
		b.risk0 = n
		n += len(b.step.Risks)
		risks = append(risks, b.step.Risks...)
	}
	legend := c.legendLines(risks)
	h := c.height
	if len(legend) > 0 {
		h += flowLegendLH*(len(legend)+1) + flowMargin
	}
	var w bytes.Buffer
	fmt.Fprintf(&w, `<svg xmlns="http://www.w3.org/2000/svg" class="flowchart" role="img" lang="%s" viewBox="0 0 %d %d" width="%d" height="%d" aria-labelledby="flow-title flow-desc" font-family="sans-serif" font-size="%d">`,
		flowEsc(c.lang), c.width, h, c.width, h, flowFont)
	fmt.Fprintf(&w, `<title id="flow-title">%s</title><desc id="flow-desc">%s</desc>`, flowEsc(c.labels("flowchart.title")), flowEsc(c.describe(steps)))
	w.WriteString(`<defs><marker id="flow-arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="8" markerHeight="8" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#1f3a5f"/></marker></defs>`)
	for _, b := range c.order {
		for _, a := range b.step.After {
			p := c.boxes[a]
			x1, y1 := p.x+flowBoxW/2, p.y+flowBoxH
			x2, y2 := b.x+flowBoxW/2, b.y
			my := (y1 + y2) / 2
			fmt.Fprintf(&w, `<path d="M%d,%d C%d,%d %d,%d %d,%d" fill="none" stroke="#1f3a5f" stroke-width="1.5" marker-end="url(#flow-arrow)"/>`,
				x1, y1, x1, my, x2, my, x2, y2-1)
		}
	}
	for _, b := range c.order {
		c.drawBox(&w, b)
	}
	c.drawLegend(&w, legend)
	w.WriteString(`</svg>`)
	return w.Bytes()
}

func (c *flowCanvas) drawBox(w *bytes.Buffer, b *flowBox) {
	s := b.step
	name := flowNameIn(c.lang, s.Name, s.NameEN)
	fmt.Fprintf(w, `<g class="flow-step" data-key="%s"><title>%s</title>`, flowEsc(s.Key), flowEsc(name))
	fmt.Fprintf(w, `<rect x="%d" y="%d" width="%d" height="%d" rx="6" fill="#ffffff" stroke="#1f3a5f" stroke-width="1.5"/>`,
		b.x, b.y, flowBoxW, flowBoxH)
	inner := flowBoxW - 24 - 2*flowRiskR
	lines := flowWrap(name, inner, flowFont, 2)
	y := b.y + 24
	for _, l := range lines {
		fmt.Fprintf(w, `<text x="%d" y="%d" font-weight="bold" fill="#1a1a1a">%s</text>`, b.x+12, y, flowEsc(l))
		y += flowFont + 4
	}
	y = b.y + flowBoxH - 34
	dept := c.labels("dept." + s.DeptKind)
	fmt.Fprintf(w, `<text x="%d" y="%d" font-size="%d" fill="#333333">%s</text>`, b.x+12, y, flowSmall, flowEsc(flowClip(dept, flowBoxW-24, flowSmall)))
	meta := c.labels("flowchart.share") + " " + strconv.Itoa(s.Share) + "%"
	if s.Post != "" {
		meta = c.labels("flowchart.post") + " " + s.Post + " · " + meta
	}
	fmt.Fprintf(w, `<text x="%d" y="%d" font-size="%d" fill="#333333">%s</text>`, b.x+12, y+18, flowSmall, flowEsc(flowClip(meta, flowBoxW-24, flowSmall)))
	for i, r := range s.Risks {
		cx := b.x + flowBoxW - flowRiskR - 6 - i*(2*flowRiskR+4)
		cy := b.y + flowRiskR + 6
		if i > 0 && b.x+flowBoxW-cx > flowBoxW/2 {
			break // more markers than room: the legend still lists every point
		}
		fmt.Fprintf(w, `<g class="flow-risk" data-grade="%s"><title>%s</title><circle cx="%d" cy="%d" r="%d" fill="%s"/><text x="%d" y="%d" font-size="%d" text-anchor="middle" fill="#ffffff" font-weight="bold">%d</text></g>`,
			flowEsc(r.Grade), flowEsc(c.riskText(b.risk0+i, r)), cx, cy, flowRiskR, flowRiskColour(r.Grade), cx, cy+4, flowSmall, b.risk0+i)
	}
	w.WriteString(`</g>`)
}

func flowRiskColour(grade string) string {
	if c, ok := riskColours[grade]; ok {
		return c
	}
	return riskColours["low"]
}

func (c *flowCanvas) riskText(n int, r Risk) string {
	return fmt.Sprintf("%d. %s (%s) — %s: %s — %s: %s", n, r.Point, c.labels("flowchart.grade."+r.Grade),
		c.labels("flowchart.measure"), r.Measure, c.labels("flowchart.post"), r.Post)
}

// flowLegendLine is one line of the legend; grade is set on the first line of a
// risk point, which gets its coloured number.
type flowLegendLine struct {
	n     int
	grade string
	text  string
}

func (c *flowCanvas) legendLines(risks []Risk) []flowLegendLine {
	var out []flowLegendLine
	width := c.width - 2*flowMargin - 2*flowRiskR - 8
	for i, r := range risks {
		full := c.riskText(i+1, r)
		_, full, _ = strings.Cut(full, ". ") // the marker shows the number
		for j, l := range flowWrap(full, width, flowSmall, 0) {
			ln := flowLegendLine{text: l}
			if j == 0 {
				ln.n, ln.grade = i+1, r.Grade
			}
			out = append(out, ln)
		}
	}
	return out
}

func (c *flowCanvas) drawLegend(w *bytes.Buffer, lines []flowLegendLine) {
	if len(lines) == 0 {
		return
	}
	y := c.height + flowLegendLH/2
	fmt.Fprintf(w, `<g class="flow-legend"><text x="%d" y="%d" font-weight="bold" fill="#1a1a1a">%s</text>`, flowMargin, y, flowEsc(c.labels("flowchart.legend")))
	tx := flowMargin + 2*flowRiskR + 8
	for _, l := range lines {
		y += flowLegendLH
		if l.n > 0 {
			fmt.Fprintf(w, `<circle cx="%d" cy="%d" r="%d" fill="%s"/><text x="%d" y="%d" font-size="%d" text-anchor="middle" fill="#ffffff" font-weight="bold">%d</text>`,
				flowMargin+flowRiskR, y-4, flowRiskR-2, flowRiskColour(l.grade), flowMargin+flowRiskR, y, flowSmall-1, l.n)
		}
		fmt.Fprintf(w, `<text x="%d" y="%d" font-size="%d" fill="#1a1a1a">%s</text>`, tx, y, flowSmall, flowEsc(l.text))
	}
	w.WriteString(`</g>`)
}

// describe is the text alternative: every step in order with what it waits
// for, so the chart is readable without seeing it.
func (c *flowCanvas) describe(steps []Step) string {
	names := map[string]string{}
	for _, s := range steps {
		names[s.Key] = flowNameIn(c.lang, s.Name, s.NameEN)
	}
	parts := []string{c.labels("flowchart.steps")}
	for i, b := range c.order {
		p := fmt.Sprintf("%d. %s (%s", i+1, names[b.step.Key], c.labels("dept."+b.step.DeptKind))
		if b.step.Post != "" {
			p += ", " + b.step.Post
		}
		p += fmt.Sprintf(", %d%%)", b.step.Share)
		if len(b.step.After) > 0 {
			var after []string
			for _, a := range b.step.After {
				after = append(after, names[a])
			}
			p += " ← " + strings.Join(after, " + ")
		}
		parts = append(parts, p)
	}
	return strings.Join(parts, "; ")
}

func flowNameIn(lang, zh, en string) string {
	if lang == "en" && en != "" {
		return en
	}
	return zh
}

// textWidth estimates a string's drawn width: a CJK character is one em, a
// Latin one about half.
func flowTextWidth(s string, size int) int {
	w := 0
	for _, r := range s {
		if r < 0x2E80 {
			w += size * 6 / 10
		} else {
			w += size
		}
	}
	return w
}

// wrap breaks s into lines no wider than width (at most max lines when max
// > 0, the last ending in "…"). Latin text breaks at spaces where it can.
func flowWrap(s string, width, size, maxLines int) []string {
	var lines []string
	for s != "" {
		if maxLines > 0 && len(lines) == maxLines-1 {
			lines = append(lines, flowClip(s, width, size))
			break
		}
		cut := len(s)
		w := 0
		for i, r := range s {
			rw := flowTextWidth(string(r), size)
			if w+rw > width {
				cut = i
				if sp := strings.LastIndexByte(s[:i], ' '); sp > 0 && r < 0x2E80 {
					cut = sp + 1
				}
				break
			}
			w += rw
		}
		if cut == 0 { // one character wider than the line: take it anyway
			_, cut = utf8.DecodeRuneInString(s)
		}
		lines = append(lines, strings.TrimSpace(s[:cut]))
		s = strings.TrimSpace(s[cut:])
	}
	return lines
}

// clip shortens s to width, ending in "…" when it had to cut.
func flowClip(s string, width, size int) string {
	if flowTextWidth(s, size) <= width {
		return s
	}
	w := flowTextWidth("…", size)
	for i, r := range s {
		w += flowTextWidth(string(r), size)
		if w > width {
			return s[:i] + "…"
		}
	}
	return s
}

// esc escapes text for an XML text node or a quoted attribute.
func flowEsc(s string) string {
	var b strings.Builder
	_ = xml.EscapeText(&b, []byte(s))
	return b.String()
}
