// Package graph holds zerograd's symbolic graphs: nodes, their static types, and compiled
// programs that run them.
//
// A graph is built before any data exists. Inputs are placeholders fed at run time (Feeds
// are keyed by the input nodes; Graph.FeedsByName converts names), parameters hold values
// that persist between runs (optimizers update them in place), and constants are fixed.
// Parameter names are unique in a graph; layers make theirs in a Scope ("fc1.W"). Every
// other node is an op applied to earlier nodes (see package ops); its shape and element
// type are computed the moment it is made:
//
//	g := graph.New()
//	x := g.Input("x", graph.Float32, 100, 784)
//	t := g.Input("t", graph.Float32, 100) // class labels
//	W := g.Param("W1", graph.NewTensor(graph.Float32, 784, 50))
//	h := ops.Sigmoid(ops.MatMul(x, W)) // h is float32[100 50]
//
// Compile turns outputs into a Program that evaluates only the nodes they need, in
// topological order (Topo: the one traversal that compiling, autodiff and drawing share),
// writing into buffers planned once and reused when a value's last reader has run. A
// training step therefore allocates nothing after its first run. Where an op's kernel can
// apply the op that reads its output (a Fuser: a convolution followed by ReLU and max
// pooling; an InputFuser where the reader has other inputs too: a max pooling's gradient
// followed by the ReLU's gradient, which also reads the ReLU's output), Compile runs the
// two as one kernel and the value in between is never stored.
//
//	prog := graph.MustCompile(loss, dW)
//	out, err := prog.Run(graph.Feeds{x: xBatch, t: labels})
//
// Tensor values are gorgonia.org/tensor *tensor.Dense in row-major order.
//
// # Concurrency
//
// A Program may be run from several goroutines: runs are serialized by a lock. Run returns
// the program's own buffers (valid until the next run); RunCopy returns copies for goroutines
// that share a program. Building a graph is for one goroutine at a time.
//
// # Error handling
//
// Building a node whose inputs do not fit is a bug in the calling code, so it panics with a
// *ShapeError naming the op, the inputs and their shapes:
//
//	matmul(x[100 784], W1[748 50]): inner dimensions 784 and 748 differ
//
// Try turns such a panic into an error for callers who want one. Everything that meets data
// returns an error instead: Run reports a feed that is not an input of the graph, a wrong
// shape or element type, missing feeds, and kernel failures on bad data (a label out of
// range) naming the node. SetDebug makes Run check every value for NaN and Inf and name the
// first node that made one, with its op and the ranges of its inputs.
//
// Package graph imports only gorgonia.org/tensor.
package graph
