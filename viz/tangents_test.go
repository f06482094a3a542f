package viz

import (
	"bytes"
	"strings"
	"testing"

	"github.com/zerograd/zerograd/autodiff"
	"github.com/zerograd/zerograd/graph"
)

// appleTangents is the apple graph in forward mode: every node's tangent when the apple's
// price moves by 1 (autodiff.JVP over the whole forward graph).
func appleTangents(t testing.TB) testGraph {
	g, apple, _, _, price, feeds := applePrice()
	tangents := autodiff.JVP(graph.Topo(price), []*graph.Node{apple}, []*graph.Node{g.Scalar(1, graph.Float64)})
	return testGraph{"apple tangents", []*graph.Node{price}, record(t, append([]*graph.Node{price}, tangents...), feeds)}
}

// The Tangents view: the value above each edge, the tangent below it in blue, flowing
// forward: 1 into the first multiply, 2 out of it, 2.2 out of the second.
func TestTangentEdgeLabels(t *testing.T) {
	tg := appleTangents(t)
	svg, err := SVG(Options{View: Tangents, Values: tg.rec}, tg.outputs...)
	if err != nil {
		t.Fatal(err)
	}
	texts := svgTexts(t, svg)
	for id, want := range map[string][]string{
		"fm_e0003_0": {"100", "1"}, // apple into the first multiply
		"fm_e0003_1": {"2", "0"},   // apple_num does not move
		"fm_e0004_0": {"200", "2"}, // apple_price into the tax multiply
		"fm_e0004_1": {"1.1", "0"}, // tax
		"fm_y0004":   {"220", "2.2"},
	} {
		if got := texts[id]; strings.Join(got, " ") != strings.Join(want, " ") {
			t.Errorf("edge %s shows %q, want %q", id, got, want)
		}
	}
	if !bytes.Contains(svg, []byte(`fill="blue">2.2</text>`)) {
		t.Error("the tangent 2.2 is not drawn in blue")
	}
	dot, err := Dot(Options{View: Tangents | Backward}, tg.outputs...)
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range []string{"cluster_4_fm", "cluster_2_bw", "forward mode: value above, tangent below in blue"} {
		if !bytes.Contains(dot, []byte(w)) {
			t.Errorf("DOT of Tangents|Backward has no %s", w)
		}
	}
}

// The forward-mode page: each step computes a value and its tangent beside it.
func TestTangentPage(t *testing.T) {
	tg := appleTangents(t)
	steps, rows := checkScript(t, tg, tangentScript, []string{
		"inputs: given apple = 100, tangent 1; apple_num = 2, tangent 0; tax = 1.1, tangent 0",
		"forward: mul(apple, apple_num) → apple_price = 200, tangent 2",
		"forward: mul(apple_price, tax) → price = 220, tangent 2.2",
	})
	if len(rows) != 2 || rows[1].Name != "tangent of price" || rows[1].Value != "2.2" || rows[1].Step != 2 {
		t.Errorf("tangent table: %+v", rows)
	}
	if got := strings.Join(steps[2].Show, " "); got != "v:fm_y0004 t:fm_y0004" {
		t.Errorf("step 2 shows %q", got)
	}
	page, err := HTML(Options{View: Tangents, Values: tg.rec, Title: "Buying apples, forward mode"}, tg.outputs...)
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range []string{`data-mode="forward"`, `id="fm_e0003_0"`, `id="fw_t0004"`, "<h2>Tangents</h2>", "tangent below it in blue"} {
		if !bytes.Contains(page, []byte(w)) {
			t.Errorf("the forward-mode page has no %s", w)
		}
	}
}
