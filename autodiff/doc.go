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
// # Forward mode and curvature
//
// Because the backward pass is a graph, the other derivatives are graphs too, built from
// the same gradient rules with no extra rule per op:
//
//	VJP(ys, xs, us)     u^T J, reverse mode with chosen cotangents: one backward pass
//	JVP(ys, xs, vs)     J v, forward mode by the double-VJP construction: J v = d/du <J^T u, v>
//	Jacobian(y, x)      shape y then x; one VJP per element of y, or one JVP per element of x,
//	                    whichever is fewer
//	Hessian(f, x)       the Jacobian of f's gradient (reverse over reverse)
//	HVP(f, xs, vs)      H v without forming H: the gradient of <grad f, v>
//
// Each returns nodes that compile, run and draw like any other, and can be differentiated
// again. On the book's TwoLayerNet a compiled JVP runs in about 1.9x a forward pass and an
// HVP in 1.8x to 2.6x a gradient (bench/curvature_test.go, bench/README.md). JVP records each output's
// tangent (Tangent), which the viz package's Tangents view draws; Between lists the
// nodes between inputs and outputs, to ask JVP for every tangent along the way. The
// fixtures in testdata/ come from torch.autograd.functional (make_fixtures.py).
//
// CheckGrad compares Grad with central differences in float64, input by input, reporting the
// largest absolute and relative errors and the worst element.
//
// # Error handling
//
// Grad panics with a *graph.ShapeError when y is not a scalar, when a wrt is an integer node
// (no gradient flows into integers), or when a gradient rule returns a gradient of the wrong
// shape (naming the op); VJP, JVP and HVP when their lists of vectors differ in length or a
// vector's type differs from its node's, and JVP for an integer output. CheckGrad returns
// errors for inputs it cannot perturb (not float64, not a parameter or fed input) and for
// failing runs.
//
// Package autodiff imports graph and ops.
package autodiff
