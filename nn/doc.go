// Package nn gives layers, losses and initializers, built from ops on a graph, and saves and
// loads a model's parameters.
//
// A layer is built in a scope (graph.Scope), which names its parameters the way PyTorch's
// module paths do, and is configured by a small options struct whose zero fields take the
// book's defaults. A model's parameters are those of its scope: nothing lists them by hand.
//
//	g := graph.New()
//	s := g.In("mlp")
//	fc1 := nn.NewAffine(s.In("fc1"), nn.AffineOpts{In: 784, Out: 100}) // mlp.fc1.W, mlp.fc1.b
//	fc2 := nn.NewAffine(s.In("fc2"), nn.AffineOpts{In: 100, Out: 10})
//	x := g.Input("x", graph.Float32, 100, 784)
//	t := g.Input("t", graph.Int32, 100) // class labels
//	loss := nn.SoftmaxCrossEntropy(fc2.Forward(ops.ReLU(fc1.Forward(x))), t)
//	params := s.Params() // mlp.fc1.W mlp.fc1.b mlp.fc2.W mlp.fc2.b
//
// A parameter name made twice panics where it is made, naming both places. The layers are
// Affine, Conv2D, MaxPool2D and AvgPool2D, BatchNorm, Dropout, the activations as Func
// values (ReLU, Sigmoid, ...), and Sequential and Residual to compose them. Dropout and
// batch norm read the graph's Mode, which a training step (package nn/train) switches to
// training for its runs; BatchNorm's running statistics are buffers (Buffers), saved
// beside the parameters.
//
// The recurrent layers of the book's second volume, RNN, LSTM and GRU, follow PyTorch's
// equations, gate order and parameter names (lstm.weight_ih_l0, ...), so PyTorch's weights
// load by name; they unroll a batch-first sequence [N T In] into the graph (Run returns
// every step's state and the final ones) and Embedding looks up rows of a table for ids of
// any shape (ops.Embedding). Carry feeds the final states of one batch to the next as
// values: truncated backpropagation through time, the book's stateful TimeRNN.
//
// Attention (the second volume's chapter 8, and transformers) follows PyTorch too:
// LayerNorm (weight, bias), Linear (PyTorch's weight [Out In]), MultiHeadAttention
// (nn.MultiheadAttention's in_proj_weight, in_proj_bias, out_proj.weight, out_proj.bias;
// batch first, a causal option and a key padding mask), the pre-norm Block (GPT-2's, its
// MLP with ops.GELUTanh), learned (PositionEmbedding) and fixed (Sinusoidal) positions, and
// DotProductAttention, the book's attention, with masks added to the scores (CausalMask,
// PaddingMask: MaskValue, -1e9, where a score is hidden).
//
// The book's networks, with the book's parameter names (W1 b1 W2 ...), are in package
// nn/book; training (steps, the trainer, checkpoints) is in nn/train; the file formats
// (safetensors, the book's pickles) in nn/paramfile. Save, Load, LoadBookPickle and
// LoadWeights here move a model's state (State: parameters, then buffers) through them.
//
// # Error handling
//
// Building layers with inputs that do not fit, or with options missing a required size,
// panics with a *graph.ShapeError, as every op does. Loading returns errors naming the
// file and every parameter that does not match; nothing is changed unless all match.
//
// Package nn imports graph, ops and nn/paramfile.
package nn
