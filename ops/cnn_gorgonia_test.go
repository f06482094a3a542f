package ops_test

// Cross-checks of the CNN ops against gorgonia (gorgonia.org/gorgonia v0.9.18) on random
// inputs: conv2d (G.Conv2d; the bias row adds it with G.BroadcastAdd) and max pooling
// (G.MaxPool2D), over several strides and paddings, including sizes the stride does not
// divide. As in gorgonia_test.go, both sides reduce y to Sum(y * R) with a fixed random R
// and differentiate; y and every input's gradient must agree within 1e-9 relative to
// max(1, |a|, |b|) in float64 (1e-4 in float32). The helpers here are this file's own.
//
// No gorgonia twin: average pooling (gorgonia v0.9.18 has none), im2col/col2im as ops
// (gorgonia's Im2Col is [N OH OW C*FH*FW] and has no Col2Im node), batch norm (gorgonia's
// keeps its batch statistics in the op) and dropout (random). They are checked against
// direct loops in cnn_test.go and numerically in cnn_gradcheck_test.go.

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"

	"github.com/zerograd/zerograd/autodiff"
	"github.com/zerograd/zerograd/graph"
	"github.com/zerograd/zerograd/ops"
)

type cnnCrossCase struct {
	name   string
	shapes [][]int
	zg     func(xs []*graph.Node) *graph.Node
	gg     func(xs []*G.Node) (*G.Node, error)
}

func cnnConvCase(xs, ws []int, stride, pad int, bias bool) cnnCrossCase {
	c := cnnCrossCase{
		name:   fmt.Sprintf("conv2d x%v W%v stride %d pad %d", xs, ws, stride, pad),
		shapes: [][]int{xs, ws},
		zg:     func(n []*graph.Node) *graph.Node { return ops.Conv2D(n[0], n[1], stride, pad) },
		gg: func(n []*G.Node) (*G.Node, error) {
			return G.Conv2d(n[0], n[1], tensor.Shape{ws[2], ws[3]}, []int{pad, pad}, []int{stride, stride}, []int{1, 1})
		},
	}
	if bias {
		c.name += " bias"
		c.shapes = append(c.shapes, []int{ws[0]})
		c.zg = func(n []*graph.Node) *graph.Node { return ops.Conv2DBias(n[0], n[1], n[2], stride, pad) }
		conv := c.gg
		c.gg = func(n []*G.Node) (*G.Node, error) {
			y, err := conv(n)
			if err != nil {
				return nil, err
			}
			b, err := G.Reshape(n[2], tensor.Shape{1, ws[0], 1, 1})
			if err != nil {
				return nil, err
			}
			return G.BroadcastAdd(y, b, nil, []byte{0, 2, 3})
		}
	}
	return c
}

func cnnPoolCase(xs []int, fh, fw, stride, pad int) cnnCrossCase {
	return cnnCrossCase{
		name:   fmt.Sprintf("max pool x%v %dx%d stride %d pad %d", xs, fh, fw, stride, pad),
		shapes: [][]int{xs},
		zg:     func(n []*graph.Node) *graph.Node { return ops.MaxPool2D(n[0], fh, fw, stride, pad) },
		gg: func(n []*G.Node) (*G.Node, error) {
			return G.MaxPool2D(n[0], tensor.Shape{fh, fw}, []int{pad, pad}, []int{stride, stride})
		},
	}
}

func cnnCrossCases() []cnnCrossCase {
	return []cnnCrossCase{
		cnnConvCase([]int{2, 3, 7, 7}, []int{4, 3, 3, 3}, 1, 0, false),
		cnnConvCase([]int{2, 2, 7, 8}, []int{3, 2, 3, 3}, 2, 1, false),
		cnnConvCase([]int{1, 2, 5, 5}, []int{2, 2, 5, 5}, 1, 2, false),
		cnnConvCase([]int{2, 3, 8, 9}, []int{2, 3, 2, 4}, 3, 1, false),
		cnnConvCase([]int{2, 1, 6, 6}, []int{3, 1, 3, 3}, 2, 0, true),
		cnnConvCase([]int{3, 1, 12, 12}, []int{5, 1, 5, 5}, 1, 0, true), // SimpleConvNet's layer, small
		// more filters than patch values: the filter-major products, in groups of images
		// (small outputs) and one image at a time (large ones)
		cnnConvCase([]int{3, 1, 7, 7}, []int{12, 1, 3, 3}, 1, 1, true),
		cnnConvCase([]int{1, 1, 17, 17}, []int{12, 1, 2, 2}, 1, 0, true),
		// stride 1 and output rows as wide as the input's: im2col copies shifted planes
		cnnConvCase([]int{2, 2, 6, 9}, []int{3, 2, 5, 3}, 1, 1, true),
		cnnConvCase([]int{2, 16, 7, 7}, []int{4, 16, 3, 3}, 1, 1, false),
		cnnConvCase([]int{1, 1, 3, 4}, []int{2, 1, 5, 3}, 1, 1, false), // window rows wholly in padding
		cnnPoolCase([]int{2, 3, 6, 6}, 2, 2, 2, 0),
		cnnPoolCase([]int{2, 2, 7, 7}, 3, 3, 2, 1),
		cnnPoolCase([]int{1, 2, 5, 5}, 2, 2, 1, 0),
		cnnPoolCase([]int{2, 2, 6, 7}, 3, 2, 2, 1),
		cnnPoolCase([]int{1, 2, 5, 5}, 2, 2, 2, 0),
		cnnPoolCase([]int{2, 1, 8, 8}, 3, 3, 3, 2),
	}
}

// cnnRun builds one row in zerograd (gg == false) or gorgonia and returns y followed by
// the gradient of Sum(y * R) with respect to each input.
func cnnRun(c cnnCrossCase, dt graph.DType, inputs [][]float64, r []float64, gorgonia bool) ([][]float64, error) {
	if !gorgonia {
		g := graph.New()
		var xs []*graph.Node
		for i, s := range c.shapes {
			xs = append(xs, g.Param(fmt.Sprintf("x%d", i), graph.FromFloat64s(dt, s, inputs[i])))
		}
		y := c.zg(xs)
		loss := ops.Sum(ops.Mul(y, g.Const("R", graph.FromFloat64s(dt, y.Shape(), r[:y.Shape().Size()]))))
		prog, err := graph.Compile(append([]*graph.Node{y}, autodiff.Grad(loss, xs...)...)...)
		if err != nil {
			return nil, err
		}
		outs, err := prog.Run(nil)
		if err != nil {
			return nil, err
		}
		var vals [][]float64
		for _, o := range outs {
			vals = append(vals, graph.Float64s(o))
		}
		return vals, nil
	}
	g := G.NewGraph()
	var xs G.Nodes
	for i, s := range c.shapes {
		xs = append(xs, G.NewTensor(g, dt.Tensor(), len(s), G.WithShape(s...), G.WithName(fmt.Sprintf("x%d", i)),
			G.WithValue(graph.FromFloat64s(dt, s, inputs[i]))))
	}
	y, err := c.gg(xs)
	if err != nil {
		return nil, err
	}
	ys := []int(y.Shape())
	rn := G.NewTensor(g, dt.Tensor(), len(ys), G.WithShape(ys...), G.WithName("R"),
		G.WithValue(graph.FromFloat64s(dt, ys, r[:graph.Shape(ys).Size()])))
	prod, err := G.HadamardProd(y, rn)
	if err != nil {
		return nil, err
	}
	loss, err := G.Sum(prod)
	if err != nil {
		return nil, err
	}
	grads, err := G.Grad(loss, xs...)
	if err != nil {
		return nil, err
	}
	vals := make([]G.Value, len(grads)+1)
	G.Read(y, &vals[0])
	for i, gn := range grads {
		G.Read(gn, &vals[i+1])
	}
	vm := G.NewTapeMachine(g)
	defer vm.Close()
	if err := vm.RunAll(); err != nil {
		return nil, err
	}
	out := make([][]float64, len(vals))
	for i, v := range vals {
		t := v.(tensor.Tensor)
		if d, ok := t.Data().([]float32); ok {
			for _, x := range d {
				out[i] = append(out[i], float64(x))
			}
			continue
		}
		out[i] = append([]float64(nil), t.Data().([]float64)...)
	}
	return out, nil
}

// TestCNNGorgoniaCrossCheck compares conv2d and max pooling with gorgonia's, values and gradients.
func TestCNNGorgoniaCrossCheck(t *testing.T) {
	for i, c := range cnnCrossCases() {
		for _, dt := range []graph.DType{graph.Float64, graph.Float32} {
			tol := 1e-9
			if dt == graph.Float32 {
				tol = 1e-4
			}
			t.Run(fmt.Sprintf("%s/%s", c.name, dt), func(t *testing.T) {
				rng := rand.New(rand.NewPCG(uint64(i), 23))
				inputs := make([][]float64, len(c.shapes))
				for j, s := range c.shapes {
					inputs[j] = make([]float64, graph.Shape(s).Size())
					for k := range inputs[j] {
						inputs[j][k] = 2*rng.Float64() - 1
					}
				}
				r := make([]float64, 4096)
				for j := range r {
					r[j] = rng.NormFloat64()
				}
				z, err := cnnRun(c, dt, inputs, r, false)
				if err != nil {
					t.Fatal(err)
				}
				g, err := cnnRun(c, dt, inputs, r, true)
				if err != nil {
					t.Fatal(err)
				}
				for k := range z {
					what := "y"
					if k > 0 {
						what = fmt.Sprintf("d/dx%d", k-1)
					}
					if len(z[k]) != len(g[k]) {
						t.Fatalf("%s: zerograd has %d values, gorgonia %d", what, len(z[k]), len(g[k]))
					}
					worst, at := 0.0, 0
					for j := range z[k] {
						e := math.Abs(z[k][j]-g[k][j]) / math.Max(1, math.Max(math.Abs(z[k][j]), math.Abs(g[k][j])))
						if !(e <= worst) {
							worst, at = e, j
						}
					}
					if worst > tol {
						t.Errorf("%s: worst relative error %.3g at %d: zerograd %.17g, gorgonia %.17g", what, worst, at, z[k][at], g[k][at])
					}
				}
			})
		}
	}
}
