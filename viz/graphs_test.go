package viz

import (
	"math/rand/v2"
	"testing"

	"github.com/zerograd/zerograd/autodiff"
	"github.com/zerograd/zerograd/graph"
	"github.com/zerograd/zerograd/ops"
)

// The graphs the tests draw, each built, differentiated and run.

type testGraph struct {
	name    string
	outputs []*graph.Node
	rec     *Recording
}

// applePrice builds the book's first graph (chapter 5), price = apple * apple_num * tax,
// and returns its inputs, its output and the feeds of 2 apples at 100 yen, 10% tax.
func applePrice() (g *graph.Graph, apple, num, tax, price *graph.Node, feeds graph.Feeds) {
	g = graph.New()
	apple = g.Input("apple", graph.Float64)
	num = g.Input("apple_num", graph.Float64)
	tax = g.Input("tax", graph.Float64)
	price = ops.Mul(ops.Mul(apple, num).SetName("apple_price"), tax).SetName("price")
	return g, apple, num, tax, price, graph.Feeds{
		apple: graph.ScalarValue(graph.Float64, 100),
		num:   graph.ScalarValue(graph.Float64, 2),
		tax:   graph.ScalarValue(graph.Float64, 1.1),
	}
}

// appleGraph is the book's first graph (chapter 5): 2 apples at 100 yen, 10% tax.
func appleGraph(t testing.TB) testGraph {
	_, apple, num, tax, price, feeds := applePrice()
	grads := autodiff.Grad(price, apple, num, tax)
	return testGraph{"apple", []*graph.Node{price}, record(t, append([]*graph.Node{price}, grads...), feeds)}
}

func record(t testing.TB, outs []*graph.Node, feeds graph.Feeds) *Recording {
	t.Helper()
	prog, err := graph.Compile(outs...)
	if err != nil {
		t.Fatal(err)
	}
	rec, err := Record(prog, feeds)
	if err != nil {
		t.Fatal(err)
	}
	return rec
}

func randTensor(r *rand.Rand, scale float64, shape ...int) []float64 {
	n := graph.Shape(shape).Size()
	v := make([]float64, n)
	for i := range v {
		v[i] = scale * r.NormFloat64()
	}
	return v
}

func param(g *graph.Graph, r *rand.Rand, name string, scale float64, shape ...int) *graph.Node {
	return g.Param(name, graph.FromFloat64s(graph.Float64, shape, randTensor(r, scale, shape...)))
}

// twoLayerGraph is the book's TwoLayerNet (chapter 5): 784-50-10, Affine, Sigmoid, Affine,
// SoftmaxWithLoss, on a batch of 3.
func twoLayerGraph(t testing.TB) testGraph {
	r := rand.New(rand.NewPCG(1, 2))
	g := graph.New()
	x := g.Input("x", graph.Float64, 3, 784)
	labels := g.Input("t", graph.Float64, 3)
	W1 := param(g, r, "W1", 0.01, 784, 50)
	b1 := g.Param("b1", graph.NewTensor(graph.Float64, 50))
	W2 := param(g, r, "W2", 0.01, 50, 10)
	b2 := g.Param("b2", graph.NewTensor(graph.Float64, 10))
	h := ops.Sigmoid(ops.Add(ops.MatMul(x, W1), b1))
	y := ops.Add(ops.MatMul(h, W2), b2)
	loss := ops.SoftmaxCrossEntropy(y, labels).SetName("loss")
	grads := autodiff.Grad(loss, W1, b1, W2, b2)
	rec := record(t, append([]*graph.Node{loss}, grads...), graph.Feeds{
		x:      graph.FromFloat64s(graph.Float64, []int{3, 784}, randTensor(r, 1, 3, 784)),
		labels: graph.FromFloat64s(graph.Float64, []int{3}, []float64{3, 1, 7}),
	})
	return testGraph{"twolayer", []*graph.Node{loss}, rec}
}

// mlpReshapeGraph is an MLP on images [2 1 4 4] flattened by Reshape, then Affine, ReLU,
// Affine, SoftmaxWithLoss.
func mlpReshapeGraph(t testing.TB) testGraph {
	r := rand.New(rand.NewPCG(3, 4))
	g := graph.New()
	x := g.Input("images", graph.Float64, 2, 1, 4, 4)
	labels := g.Input("t", graph.Float64, 2)
	W1 := param(g, r, "W1", 0.3, 16, 8)
	b1 := g.Param("b1", graph.NewTensor(graph.Float64, 8))
	W2 := param(g, r, "W2", 0.3, 8, 3)
	flat := ops.Reshape(x, 2, 16).SetName("flat")
	h := ops.ReLU(ops.Add(ops.MatMul(flat, W1), b1))
	loss := ops.SoftmaxCrossEntropy(ops.MatMul(h, W2), labels).SetName("loss")
	grads := autodiff.Grad(loss, W1, b1, W2)
	rec := record(t, append([]*graph.Node{loss}, grads...), graph.Feeds{
		x:      graph.FromFloat64s(graph.Float64, []int{2, 1, 4, 4}, randTensor(r, 1, 2, 1, 4, 4)),
		labels: graph.FromFloat64s(graph.Float64, []int{2}, []float64{0, 2}),
	})
	return testGraph{"mlp_reshape", []*graph.Node{loss}, rec}
}

// cnnGraph is the book's SimpleConvNet, small: images [2 1 6 6], Convolution (3 filters
// 3x3) with bias, ReLU, 2x2 max pooling, flatten, Affine, SoftmaxWithLoss.
func cnnGraph(t testing.TB) testGraph {
	r := rand.New(rand.NewPCG(7, 8))
	g := graph.New()
	x := g.Input("images", graph.Float64, 2, 1, 6, 6)
	labels := g.Input("t", graph.Float64, 2)
	W1 := param(g, r, "W1", 0.3, 3, 1, 3, 3)
	b1 := g.Param("b1", graph.NewTensor(graph.Float64, 3))
	W2 := param(g, r, "W2", 0.3, 12, 4)
	b2 := g.Param("b2", graph.NewTensor(graph.Float64, 4))
	conv := ops.ReLU(ops.Conv2DBias(x, W1, b1, 1, 0))
	pool := ops.Flatten(ops.MaxPool2D(conv, 2, 2, 2, 0)).SetName("pool")
	loss := ops.SoftmaxCrossEntropy(ops.Add(ops.MatMul(pool, W2), b2), labels).SetName("loss")
	grads := autodiff.Grad(loss, W1, b1, W2, b2)
	rec := record(t, append([]*graph.Node{loss}, grads...), graph.Feeds{
		x:      graph.FromFloat64s(graph.Float64, []int{2, 1, 6, 6}, randTensor(r, 1, 2, 1, 6, 6)),
		labels: graph.FromFloat64s(graph.Float64, []int{2}, []float64{1, 3}),
	})
	return testGraph{"cnn", []*graph.Node{loss}, rec}
}

// labelsGraph has names that break careless DOT writers.
func labelsGraph(t testing.TB) testGraph {
	g := graph.New()
	a := g.Input(`say "hi"`, graph.Float64)
	b := g.Input("<b>", graph.Float64)
	c := g.Input("two\nlines", graph.Float64)
	d := g.Input("日本語のりんご", graph.Float64)
	e := g.Input(`back\slash \N \l`, graph.Float64)
	f := g.Input("a;b=c, d & e", graph.Float64)
	k := g.Input("graph", graph.Float64)
	q := g.Input(`"quoted"`, graph.Float64)
	v := g.Input("1.2.3", graph.Float64)
	s := ops.Add(ops.Mul(a, b), ops.Mul(c, d)).SetName("x < y > z")
	s = ops.Add(s, ops.Mul(e, f)).SetName("&amp; 'single'")
	s = ops.Mul(ops.Add(s, k), ops.Sub(q, v)).SetName("ends with a backslash \\")
	grads := autodiff.Grad(s, a, b, c, d, e, f, k, q, v)
	feeds := graph.Feeds{}
	for i, x := range []*graph.Node{a, b, c, d, e, f, k, q, v} {
		feeds[x] = graph.ScalarValue(graph.Float64, float64(i+1))
	}
	rec := record(t, append([]*graph.Node{s}, grads...), feeds)
	return testGraph{"labels", []*graph.Node{s}, rec}
}

// higherGraph differentiates twice: y = x³, dy/dx = 3x², d²y/dx² = 6x, at x = 3.
func higherGraph(t testing.TB) testGraph {
	g := graph.New()
	x := g.Input("x", graph.Float64)
	y := ops.Mul(ops.Mul(x, x), x).SetName("y")
	gx := autodiff.Grad(y, x)[0]
	ggx := autodiff.Grad(gx, x)[0]
	rec := record(t, []*graph.Node{y, gx, ggx}, graph.Feeds{x: graph.ScalarValue(graph.Float64, 3)})
	return testGraph{"higher", []*graph.Node{y}, rec}
}

func testGraphs(t testing.TB) []testGraph {
	return []testGraph{appleGraph(t), twoLayerGraph(t), mlpReshapeGraph(t), cnnGraph(t), labelsGraph(t), higherGraph(t)}
}
