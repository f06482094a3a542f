// Package nn gives the book's layers, losses, initializers and networks, built from ops on a
// graph, and the parameter files that save and load them.
//
// A layer builds nodes from an input node and lists its parameters explicitly:
//
//	g := graph.New()
//	net := nn.NewTwoLayerNet(g, 784, 50, 10, 0.01, graph.Float32, rng)
//	x := g.Input("x", graph.Float32, 100, 784)
//	t := g.Input("t", graph.Float32, 100) // class labels
//	loss := net.Loss(x, t)
//	grads := autodiff.Grad(loss, net.Params()...)
//
// The book's networks keep the book's parameter names, shapes and order (W1 b1 W2 b2 ...,
// Affine weights in x out), so the book's pickled parameters load one to one with
// LoadBookPickle, and our own checkpoints are safetensors files written by Save.
//
// # Parameter files
//
// Trained parameters travel as an ordered list of named tensors, []NamedTensor,
// independent of any graph. Save and Load write and read safetensors files (F32 and F64,
// plus a string metadata map): saving goes to a temporary file in the same folder, is
// synced, renamed over the target and the folder synced, so a crash never leaves a
// half-written file. LoadBookPickle reads the book's pickles (a dict or OrderedDict of
// name -> numpy ndarray, protocols 1 to 5, float32 or float64, C or Fortran order, either
// endianness). Assign copies loaded tensors into a model's by name, checking every name,
// shape and dtype first and reporting every mismatch in one *AssignError; nothing is
// written unless all match.
//
// # The book's trained parameters
//
// The book's repository ships pickles of trained networks. Build the network with the
// book's sizes, then load the file; float64 arrays are converted to the model's float32:
//
//	net := nn.NewInferenceNet(g, graph.Float32, rng)                         // ch03: sample_weight.pkl
//	err := nn.LoadBookPickle("sample_weight.pkl", net)
//
//	simple := nn.NewSimpleConvNet(g, nn.SimpleConvNetConfig{}, graph.Float32, rng) // ch07: params.pkl
//	err = nn.LoadBookPickle("params.pkl", simple)
//
//	deep := nn.NewDeepConvNet(g, nn.DeepConvNetConfig{}, graph.Float32, rng)     // ch08: deep_convnet_params.pkl
//	err = nn.LoadBookPickle("deep_convnet_params.pkl", deep)
//
// A TwoLayerNet-like pickle (W1 b1 W2 b2 of the book's train_neuralnet.py, saved by the
// reader with pickle.dump(network.params, f)) loads the same way into
// nn.NewTwoLayerNet(g, 784, 50, 10, ...), and a MultiLayerNet's into NewMultiLayerNet with
// the same hidden sizes. Every name, shape and dtype is checked first; a mismatch loads
// nothing and names each offending parameter. Then nn.NewPredictor(...).Accuracy evaluates
// the network (examples/ch03-2-mnist-inference, ch07-1 and ch08-1 take -weights FILE).
//
// # Error handling
//
// Building layers with inputs that do not fit panics with a *graph.ShapeError, as every op
// does. Everything that reads files returns errors naming the file, the tensor and the byte
// offset, never a partial result, and a malformed file never panics. Files are never
// trusted: every length, offset, shape and byte count is checked against the bytes present
// before anything is allocated, and pickles run no code: only the globals the book's files
// hold are accepted (collections.OrderedDict, numpy's _reconstruct, ndarray and dtype, and
// the byte-string helpers of protocol 2); any other (os.system, builtins.eval, ...) is
// refused by name with an *UnsafeGlobalError.
//
// Package nn imports graph, ops and autodiff.
package nn
