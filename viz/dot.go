package viz

import (
	"fmt"
	"slices"
	"strings"

	"github.com/awalterschulze/gographviz"
	"github.com/awalterschulze/gographviz/ast"

	"github.com/zerograd/zerograd/graph"
)

// View selects a picture of the graph; views combine with |.
type View uint8

// The views.
const (
	// Forward is the forward graph: each op a light-blue box, each tensor an orange
	// ellipse with its name, shape and element type (and value, given Values).
	Forward View = 1 << iota
	// Backward is the book's figure of backpropagation: the forward graph with, on each
	// edge, the value that flows forward and below it in red the gradient that flows back.
	Backward
	// Full is the whole graph autodiff built: the forward nodes, then each order of
	// gradient nodes in its own cluster, every gradient linked by a dashed red edge to the
	// node it is the gradient of.
	Full

	// Tangents is forward mode (autodiff.JVP): the forward graph with, on each edge, the
	// value that flows forward and below it in blue the tangent that flows forward beside
	// it: how the edge's tensor moves when the inputs move along the JVP's tangents.
	Tangents

	// AllViews draws the three views of reverse mode side by side, each in its own
	// cluster. Tangents is drawn when asked for.
	AllViews   = Forward | Backward | Full
	knownViews = AllViews | Tangents
)

// Direction is the way the graph flows on the page.
type Direction uint8

// The directions.
const (
	LeftToRight Direction = iota // the book's way
	TopDown
)

// Options say what to draw. The zero value draws the forward view, left to right, without values.
type Options struct {
	View      View      // which views; 0 means Forward
	Direction Direction // LeftToRight or TopDown
	// Values are the values of a run (a *Recording from Record, a *graph.Program, a
	// ValueMap, or several Merged). Without them only shapes are drawn (and constants).
	Values Values
	Title  string // drawn above the picture; none when empty
}

// Colours and fonts, after the book's sequel (DeZero): orange variables, light-blue functions.
const (
	tensorColor = "orange"
	constColor  = "#fde3b4"
	opColor     = "lightblue"
	gradColor   = "red"
	tanColor    = "blue"
	fontName    = "Helvetica"
)

// Prefixes of the element ids of each view: node fw_t0003 is the tensor of node 3 in the
// forward view, fw_o0003 its op box; edge bw_e0003_1 carries input 1 into op 3 and
// bw_y0003 goes from op 3 to its tensor.
var viewPrefix = map[View]string{Forward: "fw", Backward: "bw", Full: "full", Tangents: "fm"}

// Dot returns the DOT source of the picture of outputs' graph. Pass the forward outputs
// (the loss, say); the gradients autodiff recorded for them are found in the graph.
// The output is deterministic: the same graph and options give the same bytes.
func Dot(opt Options, outputs ...*graph.Node) ([]byte, error) {
	m, err := newModel(outputs)
	if err != nil {
		return nil, err
	}
	b, err := buildDot(m, opt)
	if err != nil {
		return nil, err
	}
	return b.bytes()
}

// bytes writes the DOT text. gographviz's own String joins statements with += and takes
// seconds on graphs of thousands of nodes; this writes the same text in one pass.
func (b *builder) bytes() ([]byte, error) {
	g, err := b.d.WriteAst()
	if err != nil {
		return nil, fmt.Errorf("viz: writing DOT: %w", err)
	}
	var w strings.Builder
	if g.Strict {
		w.WriteString("strict ")
	}
	w.WriteString(g.Type.String() + " " + g.ID.String() + " {\n")
	writeStmts(&w, g.StmtList)
	w.WriteString("\n}\n")
	return []byte(w.String()), nil
}

func writeStmts(w *strings.Builder, list ast.StmtList) {
	for _, st := range list {
		if sg, ok := st.(*ast.SubGraph); ok {
			w.WriteString("\tsubgraph " + sg.ID.String() + " {\n")
			writeStmts(w, sg.StmtList)
			w.WriteString("\n}\n;\n")
			continue
		}
		if s := st.String(); s != "" {
			w.WriteString("\t" + s + ";\n")
		}
	}
}

const rootName = "zerograd"

type builder struct {
	d    *gographviz.Escape
	m    *model
	vals Values
	err  error
	// lines[name]: the text lines of each DOT node's label, as Graphviz will draw them.
	lines map[string][]string
}

func buildDot(m *model, opt Options) (*builder, error) {
	views := opt.View & knownViews
	if opt.View&^knownViews != 0 {
		return nil, fmt.Errorf("viz: unknown view %#x", uint8(opt.View))
	}
	if views == 0 {
		views = Forward
	}
	b := &builder{d: gographviz.NewEscape(), m: m, vals: opt.Values, lines: map[string][]string{}}
	b.check(b.d.SetName(rootName))
	b.check(b.d.SetDir(true))
	rankdir := "LR"
	if opt.Direction == TopDown {
		rankdir = "TB"
	}
	b.attr(rootName, "rankdir", rankdir)
	b.attr(rootName, "fontname", fontName)
	b.attr(rootName, "newrank", "true")
	if opt.Title != "" {
		b.attr(rootName, "label", labelText(opt.Title))
		b.attr(rootName, "labelloc", "t")
		b.attr(rootName, "fontsize", "18")
	}
	many := views != Forward && views != Backward && views != Full && views != Tangents
	order := []View{Forward, Tangents, Backward, Full}
	if opt.Direction == LeftToRight {
		// Left to right, Graphviz stacks what it meets first at the bottom: forward goes last.
		slices.Reverse(order)
	}
	for _, v := range order {
		if views&v == 0 {
			continue
		}
		parent := rootName
		if many {
			parent = fmt.Sprintf("cluster_%d_%s", viewNumber[v], viewPrefix[v])
			b.subgraph(rootName, parent, viewTitle[v], "")
		}
		switch v {
		case Forward:
			b.forward(parent)
		case Backward:
			b.backward(parent)
		case Full:
			b.full(parent)
		case Tangents:
			b.tangents(parent)
		}
	}
	if b.err != nil {
		return nil, fmt.Errorf("viz: building DOT: %w", b.err)
	}
	return b, nil
}

var viewNumber = map[View]int{Forward: 1, Backward: 2, Full: 3, Tangents: 4}

var viewTitle = map[View]string{
	Forward:  "forward",
	Backward: "backward: value above, gradient below in red",
	Full:     "forward and backward graph",
	Tangents: "forward mode: value above, tangent below in blue",
}

func (b *builder) check(err error) {
	if err != nil && b.err == nil {
		b.err = err
	}
}

func (b *builder) attr(parent, k, v string) { b.check(b.d.AddAttr(parent, k, dotSafe(v))) }

// safe passes every attribute value but labels (made by labelText or colorLabel) through dotSafe.
func safe(attrs map[string]string) map[string]string {
	for k, v := range attrs {
		if k != "label" {
			attrs[k] = dotSafe(v)
		}
	}
	return attrs
}

func (b *builder) subgraph(parent, name, label, fill string) {
	attrs := map[string]string{"label": labelText(label), "fontname": fontName, "style": "rounded", "color": "#999999"}
	if fill != "" {
		attrs["style"] = "filled,rounded"
		attrs["fillcolor"] = fill
		attrs["color"] = "#bbbbbb"
	}
	b.check(b.d.AddSubGraph(parent, name, safe(attrs)))
}

func (b *builder) node(parent, name string, attrs map[string]string) {
	attrs["id"] = name
	attrs["fontname"] = fontName
	b.check(b.d.AddNode(parent, name, safe(attrs)))
}

func (b *builder) edge(src, dst, id string, attrs map[string]string) {
	if attrs == nil {
		attrs = map[string]string{}
	}
	attrs["id"] = id
	attrs["fontname"] = fontName
	b.check(b.d.AddEdge(src, dst, true, safe(attrs)))
}

// names of a node's DOT nodes in a view
func (b *builder) tname(p string, n *graph.Node) string { return p + "_t" + b.m.id(n) }
func (b *builder) oname(p string, n *graph.Node) string { return p + "_o" + b.m.id(n) }
