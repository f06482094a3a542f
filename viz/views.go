package viz

import (
	"fmt"
	"slices"

	"github.com/zerograd/zerograd/autodiff"
	"github.com/zerograd/zerograd/graph"
)

// The three views, drawn node by node.

// tensor adds the ellipse of n.
func (b *builder) tensor(p, parent string, n *graph.Node, withValue bool) {
	lines := []string{}
	if t := b.title(n); t != "" {
		lines = append(lines, t)
	}
	lines = append(lines, typeText(n))
	if withValue || n.Kind() == graph.KindConst {
		lines = append(lines, formatValue(valueOf(b.vals, n))...)
	}
	attrs := map[string]string{
		"label":     labelText(lines...),
		"shape":     "ellipse",
		"style":     "filled",
		"fillcolor": tensorColor,
		"color":     "black",
	}
	switch n.Kind() {
	case graph.KindParam:
		attrs["peripheries"] = "2"
	case graph.KindConst:
		attrs["style"] = "filled,dashed"
		attrs["fillcolor"] = constColor
	case graph.KindInput:
		attrs["penwidth"] = "2"
	}
	b.node(parent, b.tname(p, n), attrs)
	b.lines[b.tname(p, n)] = lines
}

// op adds the box of n's op and its edges.
func (b *builder) op(p, parent string, n *graph.Node) {
	b.node(parent, b.oname(p, n), map[string]string{
		"label":     labelText(n.Op().Name()),
		"shape":     "box",
		"style":     "filled",
		"fillcolor": opColor,
		"color":     "black",
	})
	b.lines[b.oname(p, n)] = []string{n.Op().Name()}
}

func (b *builder) opEdges(p string, n *graph.Node, label func(x *graph.Node) string, outLabel string) {
	for k, x := range n.Inputs() {
		attrs := map[string]string{}
		if label != nil {
			if l := label(x); l != "" {
				attrs["label"] = l
			}
		}
		b.edge(b.tname(p, x), b.oname(p, n), fmt.Sprintf("%s_e%s_%d", p, b.m.id(n), k), attrs)
	}
	attrs := map[string]string{}
	if outLabel != "" {
		attrs["label"] = outLabel
	}
	b.edge(b.oname(p, n), b.tname(p, n), p+"_y"+b.m.id(n), attrs)
}

// title is the first line of a tensor's label: its name, or what it is the gradient of.
func (b *builder) title(n *graph.Node) string {
	if n.Name() != "" {
		return n.Name()
	}
	return b.m.gradTitle(n)
}

func typeText(n *graph.Node) string {
	if len(n.Shape()) == 0 {
		return "scalar " + n.DType().String()
	}
	return n.Shape().String() + " " + n.DType().String()
}

func (b *builder) forward(parent string) {
	p := viewPrefix[Forward]
	for _, n := range b.m.fwd {
		b.tensor(p, parent, n, true)
		if n.Kind() == graph.KindOp {
			b.op(p, parent, n)
			b.opEdges(p, n, nil, "")
		}
	}
}

// backward draws the book's figure: values above, gradients below in red, on the edges.
func (b *builder) backward(parent string) {
	b.edgeFigure(viewPrefix[Backward], parent, b.m.gradient, gradColor)
}

// tangents draws forward mode: values above, tangents below in blue, on the edges.
func (b *builder) tangents(parent string) {
	b.edgeFigure(viewPrefix[Tangents], parent, autodiff.Tangent, tanColor)
}

// edgeFigure draws the forward graph with each edge labelled by the value it carries and,
// below it in color, the value of second(its tensor): its gradient or its tangent.
func (b *builder) edgeFigure(p, parent string, second func(*graph.Node) *graph.Node, color string) {
	edgeLabel := func(x *graph.Node) string {
		black := formatValue(valueOf(b.vals, x))
		var below []string
		if sx := second(x); sx != nil {
			below = formatValue(valueOf(b.vals, sx))
		}
		if len(black) == 0 && len(below) == 0 {
			return ""
		}
		return colorLabel(black, below, color)
	}
	for _, n := range b.m.fwd {
		b.tensor(p, parent, n, false)
		if n.Kind() == graph.KindOp {
			b.op(p, parent, n)
			out := ""
			if b.m.isOut[n] {
				out = edgeLabel(n)
			}
			b.opEdges(p, n, edgeLabel, out)
		}
	}
}

// full draws every node, one cluster per order of differentiation.
func (b *builder) full(parent string) {
	p := viewPrefix[Full]
	clusters := make([]string, b.m.maxLvl+1)
	for l := range clusters {
		clusters[l] = fmt.Sprintf("cluster_%s_%d", p, l)
		fill := "#f4f8fb"
		if l > 0 {
			fill = "#fdf0f0"
		}
		b.subgraph(parent, clusters[l], levelTitle(l), fill)
	}
	for _, n := range b.m.nodes {
		c := clusters[b.m.level[n]]
		b.tensor(p, c, n, true)
		if n.Kind() == graph.KindOp {
			b.op(p, c, n)
			if b.m.level[n] == 0 {
				b.opEdges(p, n, nil, "")
			} else {
				b.backwardEdges(p, n)
			}
		}
		for _, x := range b.m.targets[n] {
			b.edge(b.tname(p, n), b.tname(p, x), fmt.Sprintf("%s_g%s_%s", p, b.m.id(n), b.m.id(x)), map[string]string{
				"style": "dashed", "color": gradColor, "constraint": "false", "arrowhead": "empty",
			})
		}
	}
	// Each gradient is drawn level with the node it is the gradient of, as in the book,
	// where the backward pass runs under the forward one. A gradient shared by several
	// nodes (an add passes its gradient through) goes with the last, where it is computed.
	rows := map[*graph.Node][]*graph.Node{}
	var anchors []*graph.Node
	for _, n := range b.m.nodes {
		ts := b.m.targets[n]
		if len(ts) == 0 {
			continue
		}
		x := ts[len(ts)-1]
		for len(b.m.targets[x]) > 0 { // a gradient of a gradient: the column of the forward node
			x = b.m.targets[x][len(b.m.targets[x])-1]
		}
		if rows[x] == nil {
			anchors = append(anchors, x)
		}
		rows[x] = append(rows[x], n)
	}
	slices.SortFunc(anchors, byID)
	for _, x := range anchors {
		name := fmt.Sprintf("%s_rank%s", p, b.m.id(x))
		b.check(b.d.AddSubGraph(parent, name, safe(map[string]string{"rank": "same"})))
		for _, n := range append([]*graph.Node{x}, rows[x]...) {
			b.check(b.d.AddNode(name, b.tname(p, n), map[string]string{}))
		}
	}
}

// backwardEdges draws the edges of a backward op. The backward pass runs from the output
// back to the inputs, right to left under the forward graph: its edges are given to
// Graphviz reversed (dir=back draws the arrow the right way), and the forward values it
// reads do not pull it around (constraint=false).
func (b *builder) backwardEdges(p string, n *graph.Node) {
	for k, x := range n.Inputs() {
		id := fmt.Sprintf("%s_e%s_%d", p, b.m.id(n), k)
		if b.m.level[x] == 0 {
			b.edge(b.tname(p, x), b.oname(p, n), id, map[string]string{"constraint": "false", "color": "#555555"})
			continue
		}
		b.edge(b.oname(p, n), b.tname(p, x), id, map[string]string{"dir": "back"})
	}
	b.edge(b.tname(p, n), b.oname(p, n), p+"_y"+b.m.id(n), map[string]string{"dir": "back"})
}

func levelTitle(l int) string {
	switch l {
	case 0:
		return "forward"
	case 1:
		return "backward (gradients)"
	case 2:
		return "2nd-order backward"
	case 3:
		return "3rd-order backward"
	}
	return fmt.Sprintf("%dth-order backward", l)
}
