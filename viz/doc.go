// Package viz draws zerograd graphs the way "Deep Learning from Scratch" draws them: the
// forward pass, the backward pass with each edge's value and gradient (the book's figures of
// chapter 5), and the whole graph autodiff built. It reads graphs and never builds them.
//
// Three lines draw any graph after a run:
//
//	rec, err := viz.Record(prog, feeds)                                   // run, keeping every value
//	svg, err := viz.SVG(viz.Options{View: viz.Backward, Values: rec}, loss) // the book's figure
//	err = os.WriteFile("loss.svg", svg, 0o644)
//
// # Views
//
// Forward draws each op as a light-blue box labelled with its op and each tensor as an
// orange ellipse with its name, shape and element type: the convention of the book's sequel.
// Inputs have a thick border, parameters a double one, constants a dashed one on a paler
// fill. Given values, scalars are printed, small tensors written out or abbreviated, and
// large ones summarised by mean, min and max.
//
// Backward is the book's figure: the same graph, every edge labelled with the value that
// flows forward along it and, below it in red, the gradient that flows back (the gradient
// of the edge's tensor, autodiff.Gradient). For the apple graph: 100 / 2.2 into the first
// multiply, 200 / 1.1 into the tax multiply, 220 / 1 out.
//
// Full draws every node: the forward graph and, in a cluster per order of differentiation,
// the gradient nodes autodiff added, each linked by a dashed red edge to the node it is the
// gradient of and drawn level with it, so the backward pass runs right to left under the
// forward one. Gradients of gradients (higher-order derivatives) get their own clusters.
//
// Tangents is forward mode, in the Backward view's style: each edge labelled with its value
// and, below it in blue, the tangent that flows forward beside it (autodiff.Tangent, made by
// autodiff.JVP). For the apple graph with the apple moving by 1: 100 / 1 into the first
// multiply, 200 / 2 into the tax multiply, 220 / 2.2 out. HTML with View Tangents plays it
// step by step.
//
// Views combine (AllViews), and Options.Direction lays them out left to right (the book's
// way) or top down.
//
// # Values
//
// Pictures print values from a Values: a *Recording made by Record, which runs a program
// through Program.Trace and keeps a copy of every value as it is computed. A *graph.Program
// is a Values too, but a program reuses the buffers of values it no longer needs, so only
// its outputs are sure to be right after a run; Merge combines several sources. Parameters
// and constants are read from the graph.
//
// # Output
//
// Dot writes DOT with github.com/awalterschulze/gographviz; the same graph and options give
// the same bytes (node names come from node ids). Render, SVG and PNG lay it out in-process
// with Graphviz compiled to WebAssembly (github.com/goccy/go-graphviz): no program needs to
// be installed. SVG groups keep the DOT ids (fw_t0003 is node 3's tensor in the forward view,
// bw_o0004 node 4's op box in the backward view, bw_e0004_1 the edge of its input 1). HTML
// makes one self-contained page that plays a recorded run step by step. WriteFiles writes
// them all.
//
// Importing viz initialises go-graphviz, which compiles its WebAssembly module: about two
// seconds the first time on one core, a tenth of a second once wazero's compilation cache
// (os.TempDir()/go-graphviz) holds it. Graphviz runs as one instance per process, made on the
// first render; renders take turns.
//
// # Error handling
//
// Every function returns an error instead of panicking: no outputs, outputs from different
// graphs, an unknown view or format, a run that fails in Record, DOT that Graphviz cannot
// read, or files that cannot be written. Errors are prefixed "viz:" and wrap their cause.
// Labels are escaped so that any node name (quotes, backslashes, newlines, < and >, any
// script) renders as the text it is.
//
// Package viz imports graph and autodiff (which node is whose gradient), gographviz and
// go-graphviz; it reads graphs and never builds them.
package viz
