// Package book builds the networks of the book "Deep Learning from Scratch" with the book's
// parameter names, shapes and order (W1 b1 W2 b2 ..., Affine weights in x out), so that the
// book's pickled parameters load one to one (nn.LoadBookPickle):
//
//	g := graph.New()
//	net := book.NewSimpleConvNet(g.Root(), book.SimpleConvNetConfig{})
//	err := nn.LoadBookPickle("params.pkl", net.Scope) // ch07's trained parameters
//
// InferenceNet (chapter 3), TwoLayerNet (4 and 5), MultiLayerNet and MultiLayerNetExtend
// (6), SimpleConvNet (7) and DeepConvNet (8) are each a Net: a Sequential of nn layers with
// Predict (class scores) and Loss (softmax-cross-entropy plus weight decay). Build each in
// a scope of its own (the root scope for the book's names).
//
// # Error handling
//
// Constructors panic with a *graph.ShapeError when a parameter name is taken, and
// MultiLayerNet's return an error for an unknown activation or initializer name.
//
// Package book imports graph, ops and nn.
package book
