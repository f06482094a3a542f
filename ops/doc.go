// Package ops holds every operation of zerograd, one family per file: arith.go (add, sub,
// mul, div, neg, pow), elementwise.go (exp, log, sqrt, square, abs, sign), activation.go
// (tanh, sigmoid, relu, leaky relu, step, softmax, log-softmax on any axis, stable under
// -Inf masks), activation_smooth.go (GELU in its erf and tanh forms, SiLU, softplus),
// shape.go (reshape, broadcast-to, sum-to, transpose), join.go (slice, concat, split,
// stack along any axis), mask.go (where, masked fill), index.go (take, embedding lookup and
// gather by integer indices, with scatter-add gradients), reduce.go (sum, mean, max over
// axes), linalg.go (matmul, batched over leading axes that broadcast as torch.matmul's;
// linear, x w^T + b with the bias inside the GEMM), causal_softmax.go (a decoder's scaled,
// causally masked softmax in one pass over the visible keys), heads.go (splitting and
// merging attention heads), loss.go (softmax-cross-entropy, one-hot, mean squared error,
// accuracy), cross_entropy.go
// (cross entropy over [... C] logits with an ignore index), layer_norm.go (layer norm over
// the last axes), and the CNN ops of chapters 7 and 8: conv.go (conv2d and its input and
// filter gradients), im2col.go (im2col, col2im and the window loops that run them and the
// pooling kernels on all cores), winograd.go, winograd_transform.go and winograd_pack.go
// (the same three kernels by Winograd's F(2x2, 3x3), which conv.go picks for 3x3 stride-1
// shapes where it measured faster; the tile transforms, and the moves between NCHW planes
// and blocks of interleaved ones), pool.go (max and average pooling) and
// norm.go (batch normalization and dropout, switched between training and inference by a
// Mode read at run time). fuse.go lets a compiled program run a convolution's ReLU (in
// training too) and max pooling (in inference) inside the convolution's kernel
// (graph.Fuser), and in the backward pass the ReLU's gradient inside the max pooling's
// gradient, and both inside the input gradient of the convolution that reads the pooling
// (graph.InputFuser).
//
// Each op is a small value implementing graph.Op, and its file holds everything about it,
// a few lines apart: the shape rule, the forward kernel over raw slices (float32 and
// float64 through one generic function), and the gradient rule written with other ops, so
// that the backward pass is a graph too and can be drawn and differentiated again. The
// exported constructor (Exp, MatMul, ...) sits next to it. A kernel that runs on all cores
// is named by its op too: the op passes it to a small runner (elementwise, runWindow) that
// splits the loop with internal/parallel, and the convolution's three kernels are types of
// their own in conv.go.
//
// Binary ops broadcast with NumPy's rules by inserting explicit BroadcastTo nodes; the
// gradient of a broadcast is SumTo, and each is the other's gradient.
//
// # Error handling
//
// Constructors panic with a *graph.ShapeError when inputs do not fit (use graph.Try to get an
// error). Kernels return errors for bad data, such as a class label out of range, and never
// panic on user data.
//
// Float32 kernels compute e^x, tanh and sigmoid (in exp, tanh, sigmoid, softmax and
// log-softmax along the last axis, the cross entropies, GELU's tanh form, SiLU, softplus
// and their gradients) in float32 with internal/vmath, many elements at a time, within 1.5
// ulp (e^x), 2 (tanh) and 2.5 (sigmoid) of float64 math, the arithmetic around them in
// float32 too; the other float32 transcendentals and every float64 kernel use package math
// in float64.
//
// Package ops imports graph and the internal kernels (internal/gemm for matrix products,
// internal/parallel for the worker pool, internal/vmath for float32 e^x, tanh and sigmoid).
package ops
