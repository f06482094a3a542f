// Package autodiff is reverse-mode automatic differentiation over zerograd graphs: the book's
// chapter 5.
//
// Grad walks the forward nodes in reverse topological order and asks each op for the
// gradients of its inputs (the op's Grad rule, written with ops), summing the branches where a
// node feeds several consumers. The gradient nodes it adds are ordinary nodes of the same
// graph: compile them with the loss to run forward and backward in one program, draw them,
// or call Grad on them again for higher-order derivatives:
//
//	y := ops.Pow(x, 4)
//	d1 := autodiff.Grad(y, x)[0]  // 4x^3
//	d2 := autodiff.Grad(d1, x)[0] // 12x^2
//
// The gradient recorded for each forward node is kept beside the graph for the visualizer:
// Gradient(x) is the latest gradient node of x, Gradients(x) every one (one per call of Grad
// that reached x), and Primal(gx) the forward node that gx is the gradient of.
//
// CheckGrad compares Grad with central differences in float64, input by input, reporting the
// largest absolute and relative errors and the worst element.
//
// # Error handling
//
// Grad panics with a *graph.ShapeError when y is not a scalar, when a wrt is an integer node
// (no gradient flows into integers), or when a gradient rule returns a gradient of the wrong
// shape (naming the op). CheckGrad returns errors for inputs it cannot
// perturb (not float64, not a parameter or fed input) and for failing runs.
//
// Package autodiff imports graph and ops.
package autodiff
