package viz

import (
	"bytes"
	_ "embed"
	"errors"
	"fmt"
	"html/template"
	"slices"
	"strings"

	"github.com/zerograd/zerograd/autodiff"
	"github.com/zerograd/zerograd/graph"
)

//go:embed page.html
var pageSource string

var pageTemplate = template.Must(template.New("page").Parse(pageSource))

// pageStep is one step of the step-through page.
type pageStep struct {
	Phase string   `json:"phase"` // "inputs", "forward" or "backward"
	Text  string   `json:"text"`  // what was computed, with its value
	Hi    []string `json:"hi"`    // ids of the SVG elements to highlight
	Show  []string `json:"show"`  // "v:ID", "g:ID" or "t:ID": edge ID's value, gradient or tangent appears
}

// gradRow is a row of the page's table of gradients: filled in from step Step on.
type gradRow struct {
	ID    string `json:"id"`
	Name  string `json:"name"`
	Value string `json:"value"`
	Step  int    `json:"step"`
}

type pageData struct {
	Title       string
	Mode        string // "backward" or "forward"
	Caption     string // above the first picture
	Table       string // heading of the table of gradients or tangents
	FullCaption string // above the second picture
	BookSVG     template.HTML
	FullSVG     template.HTML
	Steps       []pageStep
	Grads       []gradRow
	Last        int
}

// HTML returns a self-contained page (no network, no external scripts) that plays a run
// step by step: first the forward pass, node by node, then the backward pass, highlighting
// the node being computed and showing the value or gradient it produced. It holds two
// pictures, inlined as SVG: the book's figure (Backward), whose edge labels appear as the
// run reaches them, and the full graph (Full). Prev and next buttons, the arrow keys and a
// slider move through the steps. Opened with the address ending in #autoplay, the page
// presses next until the end by itself (for tests and screenshots); #step=N opens it at
// step N (counting from 1).
//
// With opt.View Tangents the page plays forward mode instead: the first picture is the
// Tangents view, and each step computes a node's value and, beside it, its tangent (what
// autodiff.JVP recorded; the run must have computed the tangents), with no backward pass.
// Any other opt.View gives the backward page.
//
// opt.Values must be the *Recording of the run (from Record): it gives the order and the
// values.
func HTML(opt Options, outputs ...*graph.Node) ([]byte, error) {
	rec, ok := opt.Values.(*Recording)
	if !ok || rec == nil {
		return nil, errors.New("viz: HTML needs Options.Values to be the *Recording of a run (viz.Record)")
	}
	m, err := newModel(outputs)
	if err != nil {
		return nil, err
	}
	render := func(m *model, o Options) (template.HTML, error) {
		b, err := buildDot(m, o)
		if err != nil {
			return "", err
		}
		dot, err := b.bytes()
		if err != nil {
			return "", err
		}
		svg, err := Render(dot, SVGFormat)
		if err != nil {
			return "", err
		}
		return template.HTML(inlineSVG(svg)), nil // Graphviz's output: escaped by Graphviz
	}
	data := pageData{Mode: "backward", Table: "Gradients",
		Caption:     "The book's figure: the value above each edge, the gradient below it in red",
		FullCaption: "The graph autodiff built: forward on top, the backward pass below it"}
	view, second, secondView := Backward, m, Full
	if opt.View == Tangents {
		// The second picture is every node the run computed: the forward pass and the
		// tangent pass JVP built (its double VJP), as plain nodes.
		all := slices.Clone(outputs)
		for _, n := range m.fwd {
			if t := autodiff.Tangent(n); t != nil {
				all = append(all, t)
			}
		}
		if second, err = newModel(all); err != nil {
			return nil, err
		}
		view, secondView = Tangents, Forward
		data.Mode, data.Table = "forward", "Tangents"
		data.Caption = "Forward mode: the value above each edge, the tangent below it in blue"
		data.FullCaption = "The graph JVP built: the forward pass and the tangent pass beside it"
	}
	book, err := render(m, Options{View: view, Direction: opt.Direction, Values: rec})
	if err != nil {
		return nil, err
	}
	full, err := render(second, Options{View: secondView, Direction: opt.Direction})
	if err != nil {
		return nil, err
	}
	steps, grads := pageScript(m, rec)
	if opt.View == Tangents {
		steps, grads = tangentScript(m, rec)
	}
	data.Title = opt.Title
	if data.Title == "" {
		data.Title = "zerograd: " + outputs[0].Label()
	}
	data.BookSVG, data.FullSVG, data.Steps, data.Grads, data.Last = book, full, steps, grads, len(steps)-1
	var buf bytes.Buffer
	err = pageTemplate.Execute(&buf, data)
	if err != nil {
		return nil, fmt.Errorf("viz: HTML: %w", err)
	}
	return buf.Bytes(), nil
}

// inlineSVG drops the XML declaration, doctype and comments before the <svg> element.
func inlineSVG(svg []byte) string {
	s := string(svg)
	if i := strings.Index(s, "<svg"); i >= 0 {
		s = s[i:]
	}
	return s
}

// pageScript turns a recording into the page's steps: the inputs at once, then each
// forward op, then each node of the backward pass, in the order the program ran them.
func pageScript(m *model, rec *Recording) ([]pageStep, []gradRow) {
	var leaves, fwd, bwd []*graph.Node
	for _, st := range rec.Steps {
		n := st.Node
		if _, ok := m.level[n]; !ok {
			continue // computed by the program but not part of this picture
		}
		switch {
		case m.level[n] > 0:
			bwd = append(bwd, n)
		case n.Kind() == graph.KindOp:
			fwd = append(fwd, n)
		default:
			leaves = append(leaves, n)
		}
	}
	// Programs visit inputs, parameters and constants before any op; a backward constant
	// (the 1 the backward pass starts from) belongs where it is made: id order.
	slices.SortStableFunc(bwd, byID)
	value := func(n *graph.Node) string { return strings.Join(formatValue(rec.Value(n)), ", ") }
	name := func(n *graph.Node) string {
		if t := m.gradTitle(n); n.Name() == "" && t != "" {
			return t
		}
		return n.Label()
	}
	var steps []pageStep
	first := pageStep{Phase: "inputs"}
	var parts []string
	for _, n := range leaves {
		parts = append(parts, n.Label()+" = "+value(n))
		first.Hi = append(first.Hi, "bw_t"+m.id(n), "full_t"+m.id(n))
		for _, id := range m.carriers("bw", n) {
			first.Show = append(first.Show, "v:"+id)
		}
	}
	first.Text = "given " + strings.Join(parts, "; ")
	if len(leaves) == 0 {
		first.Text = "no inputs"
	}
	steps = append(steps, first)
	for _, n := range fwd {
		st := pageStep{Phase: "forward",
			Text: opCall(n, name) + " → " + n.Label() + " = " + value(n),
			Hi:   []string{"bw_o" + m.id(n), "bw_t" + m.id(n), "full_o" + m.id(n), "full_t" + m.id(n)},
		}
		for _, id := range m.carriers("bw", n) {
			st.Show = append(st.Show, "v:"+id)
		}
		steps = append(steps, st)
	}
	stepOf := map[*graph.Node]int{}
	for _, n := range bwd {
		st := pageStep{Phase: "backward", Hi: []string{"full_t" + m.id(n)}}
		if n.Kind() == graph.KindOp {
			st.Hi = append(st.Hi, "full_o"+m.id(n))
		}
		var what []string
		for _, x := range m.targets[n] {
			what = append(what, m.gradName(x))
			if m.level[x] == 0 && m.gradient(x) == n {
				st.Hi = append(st.Hi, "bw_t"+m.id(x))
				for _, id := range m.carriers("bw", x) {
					st.Show = append(st.Show, "g:"+id)
				}
			}
		}
		switch {
		case len(what) > 0 && n.Kind() == graph.KindOp:
			st.Text = strings.Join(what, " = ") + " = " + opCall(n, name) + " = " + value(n)
		case len(what) > 0:
			st.Text = strings.Join(what, " = ") + " = " + value(n) + " (where the backward pass starts)"
		case n.Kind() == graph.KindOp:
			st.Text = opCall(n, name) + " = " + value(n)
		default:
			st.Text = "constant " + n.Label() + " = " + value(n)
		}
		stepOf[n] = len(steps)
		steps = append(steps, st)
	}
	var grads []gradRow
	for _, x := range m.fwd {
		if x.Kind() != graph.KindInput && x.Kind() != graph.KindParam {
			continue
		}
		gx := m.gradient(x)
		i, ok := stepOf[gx]
		if gx == nil || !ok {
			continue
		}
		grads = append(grads, gradRow{ID: "grad-" + m.id(x), Name: m.gradName(x), Value: value(gx), Step: i})
	}
	return steps, grads
}

// tangentScript turns a recording into the steps of forward mode: the inputs with their
// tangents, then each forward op with its value and its tangent beside it.
func tangentScript(m *model, rec *Recording) ([]pageStep, []gradRow) {
	value := func(n *graph.Node) string { return strings.Join(formatValue(rec.Value(n)), ", ") }
	withTangent := func(n *graph.Node) string {
		if t := autodiff.Tangent(n); t != nil && rec.Value(t) != nil {
			return value(n) + ", tangent " + value(t)
		}
		return value(n)
	}
	show := func(st *pageStep, n *graph.Node) {
		for _, id := range m.carriers("fm", n) {
			st.Show = append(st.Show, "v:"+id)
			if autodiff.Tangent(n) != nil {
				st.Show = append(st.Show, "t:"+id)
			}
		}
	}
	first := pageStep{Phase: "inputs"}
	var parts []string
	var ops []*graph.Node
	for _, n := range m.fwd {
		if n.Kind() == graph.KindOp {
			ops = append(ops, n)
			continue
		}
		parts = append(parts, n.Label()+" = "+withTangent(n))
		first.Hi = append(first.Hi, "fm_t"+m.id(n), "fw_t"+m.id(n))
		show(&first, n)
	}
	first.Text = "given " + strings.Join(parts, "; ")
	if len(parts) == 0 {
		first.Text = "no inputs"
	}
	steps := []pageStep{first}
	var rows []gradRow
	for _, n := range ops {
		st := pageStep{Phase: "forward",
			Text: opCall(n, (*graph.Node).Label) + " → " + n.Label() + " = " + withTangent(n),
			Hi:   []string{"fm_o" + m.id(n), "fm_t" + m.id(n), "fw_o" + m.id(n), "fw_t" + m.id(n)},
		}
		show(&st, n)
		if t := autodiff.Tangent(n); t != nil && rec.Value(t) != nil {
			st.Hi = append(st.Hi, "fw_t"+m.id(t))
			rows = append(rows, gradRow{ID: "tan-" + m.id(n), Name: "tangent of " + n.Label(), Value: value(t), Step: len(steps)})
		}
		steps = append(steps, st)
	}
	return steps, rows
}

// gradName names the gradient of x: ∂price/∂apple when there is one output, else "grad apple".
func (m *model) gradName(x *graph.Node) string {
	if m.level[x] == 0 && len(m.outputs) == 1 {
		return "∂" + m.outputs[0].Label() + "/∂" + x.Label()
	}
	return "grad " + x.Label()
}

// opCall writes an op applied to its inputs: mul(apple, apple_num).
func opCall(n *graph.Node, name func(*graph.Node) string) string {
	args := make([]string, len(n.Inputs()))
	for i, x := range n.Inputs() {
		args[i] = name(x)
	}
	return n.Op().Name() + "(" + strings.Join(args, ", ") + ")"
}
