package viz

import (
	"bytes"
	"encoding/xml"
	"flag"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/zerograd/zerograd/graph"
)

var update = flag.Bool("update", false, "rewrite the golden DOT files in testdata/")

// TestGolden compares the DOT of every view of each test graph, with the values of a run,
// against testdata/NAME.dot. Run `go test ./viz -run Golden -update` to accept a change.
func TestGolden(t *testing.T) {
	for _, tg := range testGraphs(t) {
		t.Run(tg.name, func(t *testing.T) {
			got, err := Dot(Options{View: AllViews, Values: tg.rec, Title: tg.name}, tg.outputs...)
			if err != nil {
				t.Fatal(err)
			}
			path := filepath.Join("testdata", tg.name+".dot")
			if *update {
				if err := os.WriteFile(path, got, 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run with -update to create it)", err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("%s differs from the DOT drawn now; run `go test ./viz -run Golden -update` if the change is intended\n%s",
					path, firstDiff(string(want), string(got)))
			}
		})
	}
}

func firstDiff(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	for i := 0; i < len(w) || i < len(g); i++ {
		var a, b string
		if i < len(w) {
			a = w[i]
		}
		if i < len(g) {
			b = g[i]
		}
		if a != b {
			return "line " + strconv.Itoa(i+1) + ":\n want: " + a + "\n  got: " + b
		}
	}
	return ""
}

// Drawing the same graph twice, or an identical graph built again, gives the same bytes.
func TestDotDeterministic(t *testing.T) {
	a, b := twoLayerGraph(t), twoLayerGraph(t)
	opt := func(tg testGraph) Options { return Options{View: AllViews, Values: tg.rec} }
	d1, err := Dot(opt(a), a.outputs...)
	if err != nil {
		t.Fatal(err)
	}
	d2, _ := Dot(opt(a), a.outputs...)
	d3, _ := Dot(opt(b), b.outputs...)
	if !bytes.Equal(d1, d2) || !bytes.Equal(d1, d3) {
		t.Fatal("the same graph drew different DOT")
	}
}

// svgTexts parses an SVG as XML and returns, for each group with an id, the text of its
// <text> elements in order.
func svgTexts(t *testing.T, svg []byte) map[string][]string {
	t.Helper()
	dec := xml.NewDecoder(bytes.NewReader(svg))
	dec.Strict = true
	dec.Entity = xml.HTMLEntity
	texts := map[string][]string{}
	var groups []string // ids of the open <g> elements
	inText := false
	var cur strings.Builder
	for {
		tok, err := dec.Token()
		if err != nil {
			if err.Error() == "EOF" {
				break
			}
			t.Fatalf("SVG does not parse as XML: %v", err)
		}
		switch e := tok.(type) {
		case xml.StartElement:
			switch e.Name.Local {
			case "g":
				id := ""
				for _, a := range e.Attr {
					if a.Name.Local == "id" {
						id = a.Value
					}
				}
				groups = append(groups, id)
			case "text":
				inText = true
				cur.Reset()
			}
		case xml.EndElement:
			switch e.Name.Local {
			case "g":
				groups = groups[:len(groups)-1]
			case "text":
				inText = false
				for i := len(groups) - 1; i >= 0; i-- {
					if groups[i] != "" {
						texts[groups[i]] = append(texts[groups[i]], cur.String())
						break
					}
				}
			}
		case xml.CharData:
			if inText {
				cur.Write(e)
			}
		}
	}
	return texts
}

// TestSVGLabels renders every test graph and checks that the SVG is XML and that each
// node's label appears in it, line by line, exactly as written: quotes, newlines, < and >,
// backslashes and Japanese names included.
func TestSVGLabels(t *testing.T) {
	for _, tg := range testGraphs(t) {
		t.Run(tg.name, func(t *testing.T) {
			m, err := newModel(tg.outputs)
			if err != nil {
				t.Fatal(err)
			}
			b, err := buildDot(m, Options{View: AllViews, Values: tg.rec})
			if err != nil {
				t.Fatal(err)
			}
			dot, err := b.bytes()
			if err != nil {
				t.Fatal(err)
			}
			svg, err := Render(dot, SVGFormat)
			if err != nil {
				t.Fatal(err)
			}
			texts := svgTexts(t, svg)
			if len(b.lines) == 0 {
				t.Fatal("no nodes drawn")
			}
			for name, lines := range b.lines {
				got := texts[name]
				if strings.Join(got, "\n") != strings.Join(lines, "\n") {
					t.Errorf("node %s: SVG shows %q, want %q", name, got, lines)
				}
			}
		})
	}
}

// The labels graph keeps its awkward names word for word.
func TestAwkwardNames(t *testing.T) {
	tg := labelsGraph(t)
	svg, err := SVG(Options{View: Forward}, tg.outputs...)
	if err != nil {
		t.Fatal(err)
	}
	var all []string
	for _, lines := range svgTexts(t, svg) {
		all = append(all, lines...)
	}
	joined := "\n" + strings.Join(all, "\n") + "\n"
	for _, want := range []string{`say "hi"`, "<b>", "two", "lines", "日本語のりんご", `back\slash \N \l`,
		"a;b=c, d & e", "graph", `"quoted"`, "1.2.3", "x < y > z", "&amp; 'single'", `ends with a backslash \`} {
		if !strings.Contains(joined, "\n"+want+"\n") {
			t.Errorf("label line %q missing from the SVG", want)
		}
	}
}

// The book's numbers are on the backward view's edges: value, then gradient in red.
func TestBackwardEdgeLabels(t *testing.T) {
	tg := appleGraph(t)
	svg, err := SVG(Options{View: Backward, Values: tg.rec}, tg.outputs...)
	if err != nil {
		t.Fatal(err)
	}
	texts := svgTexts(t, svg)
	for id, want := range map[string][]string{
		"bw_e0003_0": {"100", "2.2"}, // apple into the first multiply
		"bw_e0003_1": {"2", "110"},   // apple_num
		"bw_e0004_0": {"200", "1.1"}, // apple_price into the tax multiply
		"bw_e0004_1": {"1.1", "200"}, // tax
		"bw_y0004":   {"220", "1"},   // out
	} {
		if got := texts[id]; strings.Join(got, " ") != strings.Join(want, " ") {
			t.Errorf("edge %s shows %q, want %q", id, got, want)
		}
	}
	if !bytes.Contains(svg, []byte(`fill="red">2.2</text>`)) {
		t.Error("the gradient 2.2 is not drawn in red")
	}
}

// After a second Grad call, autodiff.Gradient(x) is d²y/dx²; the book's figure still shows
// dy/dx, and the full view has a cluster for the second order.
func TestHigherOrder(t *testing.T) {
	tg := higherGraph(t)
	m, err := newModel(tg.outputs)
	if err != nil {
		t.Fatal(err)
	}
	if m.maxLvl != 2 {
		t.Fatalf("orders of differentiation: %d, want 2", m.maxLvl)
	}
	x := m.fwd[0]
	gx := m.gradient(x)
	if gx == nil || m.level[gx] != 1 {
		t.Fatalf("first-order gradient of x: %v (level %d)", gx, m.level[gx])
	}
	if v := graph.Float64s(tg.rec.Value(gx))[0]; v != 27 {
		t.Errorf("dy/dx at 3 = %v, want 27", v)
	}
	// d²y/dx² is recorded as a gradient of x, one order up (the gradient of gx with respect
	// to gx itself is the 1 the second pass starts from).
	var ggx *graph.Node
	for _, n := range m.nodes {
		if m.level[n] == 2 && slices.Contains(m.targets[n], x) {
			ggx = n
		}
	}
	if ggx == nil {
		t.Fatal("no second-order gradient of x")
	}
	if v := graph.Float64s(tg.rec.Value(ggx))[0]; v != 18 {
		t.Errorf("d²y/dx² at 3 = %v, want 18", v)
	}
	dot, err := Dot(Options{View: Full, Values: tg.rec}, tg.outputs...)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(dot, []byte("cluster_full_2")) || !bytes.Contains(dot, []byte(`"2nd-order backward"`)) {
		t.Error("no cluster for the second-order nodes")
	}
	svg, err := SVG(Options{View: Backward, Values: tg.rec}, tg.outputs...)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(svg, []byte(`fill="red">27</text>`)) {
		t.Error("the book's figure does not show dy/dx = 27")
	}
}

func TestFormatValue(t *testing.T) {
	f := func(shape []int, v ...float64) string {
		return strings.Join(formatValue(graph.FromFloat64s(graph.Float64, shape, v)), " | ")
	}
	seq := func(n int) []float64 {
		v := make([]float64, n)
		for i := range v {
			v[i] = float64(i)
		}
		return v
	}
	for _, c := range []struct{ got, want string }{
		{f(nil, 220.00000000000003), "220"},
		{f(nil, 2.2), "2.2"},
		{f([]int{3}, 1, 2, 3), "[1 2 3]"},
		{f([]int{2, 3}, 1, 2, 3, 4, 5, 6), "[[1 2 3] [4 5 6]]"},
		{f([]int{10}, seq(10)...), "[0 1 2 … 9]"},
		{f([]int{20, 10}, seq(200)...), "mean 99.5 | min 0 max 199"},
	} {
		if c.got != c.want {
			t.Errorf("got %q, want %q", c.got, c.want)
		}
	}
	if got := formatValue(graph.ScalarValue(graph.Float32, 1.1)); got[0] != "1.1" {
		t.Errorf("float32 1.1 prints as %q", got)
	}
}

func TestDotSafe(t *testing.T) {
	for in, want := range map[string]string{
		"mul":       "mul",
		"1.5":       "1.5",
		"":          `""`,
		"graph":     `"graph"`,
		"a;b":       `"a;b"`,
		"1.2.3":     `"1.2.3"`,
		`"q"`:       `"&#34;q&#34;"`,
		"日本":        `"日本"`,
		"<b>":       `\<b>`,
		"  <b>":     `  \<b>`,
		"with sp":   "with sp", // the escaper quotes it
		"#ff0000":   "#ff0000", // the escaper quotes it
		"filled,rd": `"filled,rd"`,
	} {
		if got := dotSafe(in); got != want {
			t.Errorf("dotSafe(%q) = %q, want %q", in, got, want)
		}
	}
}

// Options choose the views and the direction.
func TestOptions(t *testing.T) {
	tg := appleGraph(t)
	for _, c := range []struct {
		opt       Options
		want, not []string
	}{
		{Options{}, []string{"rankdir=LR", "fw_t0000"}, []string{"bw_t0000", "full_t0000", "cluster_"}},
		{Options{View: Backward, Direction: TopDown}, []string{"rankdir=TB", "bw_e0003_0"}, []string{"fw_t0000", "full_t0000"}},
		{Options{View: Forward | Full}, []string{"cluster_1_fw", "cluster_3_full", "full_t0009"}, []string{"bw_t0000"}},
		{Options{View: Full}, []string{"full_g0008_0000", "style=dashed", "rank=same"}, []string{"fw_t0000"}},
	} {
		dot, err := Dot(c.opt, tg.outputs...)
		if err != nil {
			t.Fatal(err)
		}
		for _, w := range c.want {
			if !bytes.Contains(dot, []byte(w)) {
				t.Errorf("%+v: DOT has no %s", c.opt, w)
			}
		}
		for _, n := range c.not {
			if bytes.Contains(dot, []byte(n)) {
				t.Errorf("%+v: DOT has %s", c.opt, n)
			}
		}
	}
}
