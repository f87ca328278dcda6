package catalog

import (
	"bytes"
	"encoding/xml"
	"io"
	"strconv"
	"strings"
	"testing"
)

// svgNode is a parsed element of the drawing: enough to find boxes, their
// positions and their text.
type svgNode struct {
	XMLName xml.Name
	Attrs   []xml.Attr `xml:",any,attr"`
	Text    string     `xml:",chardata"`
	Nodes   []svgNode  `xml:",any"`
}

func (n svgNode) attr(name string) string {
	for _, a := range n.Attrs {
		if a.Name.Local == name {
			return a.Value
		}
	}
	return ""
}

// walk visits every element below n.
func (n svgNode) walk(fn func(svgNode)) {
	fn(n)
	for _, c := range n.Nodes {
		c.walk(fn)
	}
}

// text is all the text of n and below.
func (n svgNode) text() string {
	var b strings.Builder
	n.walk(func(x svgNode) { b.WriteString(x.Text) })
	return b.String()
}

func parseSVG(t *testing.T, b []byte) svgNode {
	t.Helper()
	var root svgNode
	dec := xml.NewDecoder(bytes.NewReader(b))
	if err := dec.Decode(&root); err != nil {
		t.Fatalf("the drawing is not valid XML: %v\n%s", err, b)
	}
	if _, err := dec.Token(); err != io.EOF {
		t.Fatalf("data after the svg element: %v", err)
	}
	return root
}

var testLabels = func(key string) string {
	return map[string]string{
		"flowchart.title": "办理流程图", "flowchart.legend": "廉政风险点", "flowchart.share": "时限",
		"flowchart.post": "岗位", "flowchart.measure": "防控措施", "flowchart.steps": "步骤",
		"flowchart.grade.high": "高", "flowchart.grade.medium": "中", "flowchart.grade.low": "低",
		"dept.environmental_protection": "环境保护局", "dept.government_services": "政务服务中心",
	}[key]
}

// An EIA approval: acceptance, then a technical review and a public notice
// side by side, then the decision that waits for both.
var eiaFlow = []Step{
	{Key: "accept", Name: "受理", DeptKind: "government_services", Post: "受理岗", Share: 10},
	{Key: "review", Name: "技术审查", DeptKind: "environmental_protection", Post: "审查岗", Share: 40, After: []string{"accept"},
		Risks: []Risk{{Point: "降低审查标准", Grade: "high", Measure: "两人审查、全程留痕", Post: "审查岗"}}},
	{Key: "notice", Name: "公示 <7 日> & 听取意见", DeptKind: "environmental_protection", Share: 20, After: []string{"accept"}},
	{Key: "decide", Name: "作出审批决定", DeptKind: "environmental_protection", Post: "决定岗", Share: 30, After: []string{"review", "notice"},
		Risks: []Risk{{Point: "超时限审批", Grade: "medium", Measure: "电子监察预警", Post: "决定岗"}}},
}

func boxesOf(t *testing.T, root svgNode) map[string]svgNode {
	t.Helper()
	boxes := map[string]svgNode{}
	root.walk(func(n svgNode) {
		if n.attr("class") == "flow-step" {
			for _, c := range n.Nodes {
				if c.XMLName.Local == "rect" {
					boxes[n.attr("data-key")] = c
				}
			}
		}
	})
	return boxes
}

func num(t *testing.T, n svgNode, a string) int {
	t.Helper()
	v, err := strconv.Atoi(n.attr(a))
	if err != nil {
		t.Fatalf("%s=%q: %v", a, n.attr(a), err)
	}
	return v
}

func TestFlowSVGLayersParallelBranchesAndTheJoin(t *testing.T) {
	b, err := FlowSVG(eiaFlow, "zh-CN", testLabels)
	if err != nil {
		t.Fatal(err)
	}
	root := parseSVG(t, b)
	boxes := boxesOf(t, root)
	if len(boxes) != 4 {
		t.Fatalf("%d boxes, want 4", len(boxes))
	}
	y := func(k string) int { return num(t, boxes[k], "y") }
	x := func(k string) int { return num(t, boxes[k], "x") }
	if y("review") != y("notice") || x("review") == x("notice") {
		t.Errorf("parallel steps should share a layer side by side: review (%d,%d), notice (%d,%d)", x("review"), y("review"), x("notice"), y("notice"))
	}
	if !(y("accept") < y("review") && y("review") < y("decide")) {
		t.Errorf("layers out of order: accept %d, review %d, decide %d", y("accept"), y("review"), y("decide"))
	}
	// The start and the join sit centred under the two branches.
	mid := (x("review") + x("notice")) / 2
	if x("accept") != mid || x("decide") != mid {
		t.Errorf("accept at %d and decide at %d, want both centred at %d", x("accept"), x("decide"), mid)
	}
	arrows := 0
	root.walk(func(n svgNode) {
		if n.XMLName.Local == "path" && n.attr("marker-end") != "" {
			arrows++
		}
	})
	if arrows != 4 {
		t.Errorf("%d arrows, want 4 (accept→review, accept→notice, review→decide, notice→decide)", arrows)
	}
}

func TestFlowSVGIsAccessibleAndEscaped(t *testing.T) {
	b, err := FlowSVG(eiaFlow, "zh-CN", testLabels)
	if err != nil {
		t.Fatal(err)
	}
	root := parseSVG(t, b)
	if root.XMLName.Local != "svg" || root.attr("role") != "img" || root.attr("viewBox") != "0 0 "+root.attr("width")+" "+root.attr("height") {
		// The viewBox lets the page scale the drawing down to a phone's width.
		t.Fatalf("root element: %s role=%q viewBox=%q width=%q", root.XMLName.Local, root.attr("role"), root.attr("viewBox"), root.attr("width"))
	}
	var title, desc string
	for _, c := range root.Nodes {
		switch c.XMLName.Local {
		case "title":
			title = c.Text
		case "desc":
			desc = c.Text
		}
	}
	if title != "办理流程图" {
		t.Errorf("title %q", title)
	}
	for _, want := range []string{"受理", "技术审查", "作出审批决定 (环境保护局, 决定岗, 30%) ← 技术审查 + 公示 <7 日> & 听取意见"} {
		if !strings.Contains(desc, want) {
			t.Errorf("the description lacks %q:\n%s", want, desc)
		}
	}
	if bytes.Contains(b, []byte("<7 日>")) || !bytes.Contains(b, []byte("&lt;7 日&gt; &amp;")) {
		t.Errorf("a step name was not escaped:\n%s", b)
	}
	if all := root.text(); !strings.Contains(all, "环境保护局") || !strings.Contains(all, "岗位 审查岗 · 时限 40%") {
		t.Errorf("boxes lack the department, post or share:\n%s", all)
	}
}

func TestFlowSVGMarksRiskPoints(t *testing.T) {
	b, err := FlowSVG(eiaFlow, "zh-CN", testLabels)
	if err != nil {
		t.Fatal(err)
	}
	root := parseSVG(t, b)
	var markers []svgNode
	var legend string
	root.walk(func(n svgNode) {
		switch n.attr("class") {
		case "flow-risk":
			markers = append(markers, n)
		case "flow-legend":
			legend = n.text()
		}
	})
	if len(markers) != 2 {
		t.Fatalf("%d risk markers, want 2", len(markers))
	}
	if g := markers[0].attr("data-grade"); g != "high" {
		t.Errorf("first marker grade %q", g)
	}
	var tip string
	for _, c := range markers[0].Nodes {
		if c.XMLName.Local == "title" {
			tip = c.Text
		}
	}
	if !strings.Contains(tip, "降低审查标准") || !strings.Contains(tip, "两人审查") {
		t.Errorf("marker tooltip %q lacks the point and measure", tip)
	}
	for _, want := range []string{"廉政风险点", "降低审查标准 (高)", "防控措施: 两人审查、全程留痕", "超时限审批 (中)", "岗位: 决定岗"} {
		if !strings.Contains(legend, want) {
			t.Errorf("legend lacks %q:\n%s", want, legend)
		}
	}
	// Without risk points there is no legend.
	b, err = FlowSVG(eiaFlow[:1], "en", testLabels)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(b, []byte("flow-legend")) {
		t.Error("a legend without risk points")
	}
}

func TestFlowSVGRefusesBrokenFlows(t *testing.T) {
	cases := map[string][]Step{
		"no steps":    nil,
		"cycle":       {{Key: "a", Name: "a", After: []string{"b"}}, {Key: "b", Name: "b", After: []string{"a"}}},
		"self":        {{Key: "a", Name: "a", After: []string{"a"}}},
		"unknown key": {{Key: "a", Name: "a"}, {Key: "b", Name: "b", After: []string{"x"}}},
		"repeated":    {{Key: "a", Name: "a"}, {Key: "a", Name: "b"}},
		"empty key":   {{Name: "a"}},
	}
	for name, steps := range cases {
		if b, err := FlowSVG(steps, "zh-CN", testLabels); err == nil {
			t.Errorf("%s: drawn without error:\n%s", name, b)
		}
	}
}

// A long name wraps onto two lines and ends in an ellipsis instead of
// running out of its box.
func TestFlowSVGWrapsLongNames(t *testing.T) {
	long := strings.Repeat("建设项目环境影响评价", 6)
	b, err := FlowSVG([]Step{{Key: "a", Name: long, DeptKind: "environmental_protection", Share: 100}}, "zh-CN", testLabels)
	if err != nil {
		t.Fatal(err)
	}
	var lines []string
	parseSVG(t, b).walk(func(n svgNode) {
		if n.XMLName.Local == "text" && n.attr("font-weight") == "bold" {
			lines = append(lines, n.Text)
		}
	})
	if len(lines) != 2 || !strings.HasSuffix(lines[1], "…") {
		t.Fatalf("name lines %q, want two, the second clipped", lines)
	}
	for _, l := range lines {
		if w := flowTextWidth(l, flowFont); w > flowBoxW-24 {
			t.Errorf("line %q is %d wide, the box holds %d", l, w, flowBoxW-24)
		}
	}
}
