// Package tour_test is the code of docs/api-tour.md, run by go test so that the tour cannot
// drift from the API: each Example is one section of the tour, and TestTourMatchesDoc
// checks that every Go block of the page is here word for word.
package tour_test

import (
	"context"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"

	"github.com/zerograd/zerograd/autodiff"
	"github.com/zerograd/zerograd/graph"
	"github.com/zerograd/zerograd/nn"
	"github.com/zerograd/zerograd/nn/book"
	"github.com/zerograd/zerograd/nn/train"
	"github.com/zerograd/zerograd/ops"
	"github.com/zerograd/zerograd/optim"
	"github.com/zerograd/zerograd/viz"

	"github.com/zerograd/zerograd/internal/fixture" // test data, not part of the tour
)

// 1. Build a graph: nodes before data.
func Example_build() {
	g := graph.New()
	x := g.Input("x", graph.Float64, 2, 3) // fed at run time: 2 samples of 3 features
	W := g.Param("W", graph.F64(graph.Shape{3, 2}, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6))
	b := g.Param("b", graph.F64(graph.Shape{2}, 0.1, -0.1))
	y := ops.Sigmoid(ops.Add(ops.MatMul(x, W), b)) // b broadcasts over the rows
	fmt.Println(y.Shape(), y.DType())

	prog := graph.MustCompile(y)
	out, err := prog.Run(graph.Feeds{x: graph.F64(graph.Shape{2, 3}, 1, 0, 0, 0, 1, 1)}) // keyed by the node
	if err != nil {
		panic(err)
	}
	fmt.Printf("%.4f\n", out[0].Float64s())

	// Shapes are checked as nodes are made; a mistake panics with a *graph.ShapeError,
	// or comes back as an error through graph.Try.
	err = graph.Try(func() { ops.MatMul(x, x) })
	fmt.Println(err)

	// Layers make their parameters in a scope of their own: fc1.W and fc1.b.
	fc1 := nn.NewAffine(g.In("fc1"), nn.AffineOpts{In: 3, Out: 4, DType: graph.Float64}) // He init
	h := nn.ReLU.Forward(fc1.Forward(x))
	fmt.Println(fc1.W.Name(), fc1.B.Name(), h.Shape(), len(g.In("fc1").Params()))
	// Output:
	// [2 2] float64
	// [0.5498 0.5250 0.7109 0.7109]
	// matmul(x[2 3], x[2 3]): inner dimensions 3 and 2 differ
	// fc1.W fc1.b [2 4] 2
}

// 2. Differentiate it: the gradients are nodes of the same graph.
func Example_differentiate() {
	g := graph.New()
	x := g.Input("x", graph.Float64, 2, 3)
	t := g.Input("t", graph.Int32, 2) // class labels
	W := g.Param("W", graph.F64(graph.Shape{3, 2}, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6))
	b := g.Param("b", graph.F64(graph.Shape{2}, 0.1, -0.1))
	loss := ops.SoftmaxCrossEntropy(ops.Add(ops.MatMul(x, W), b), t)

	grads := autodiff.Grad(loss, W, b) // dL/dW [3 2], dL/db [2]
	prog := graph.MustCompile(loss, grads[0], grads[1])
	out, err := prog.Run(graph.Feeds{
		x: graph.F64(graph.Shape{2, 3}, 1, 0, 0, 0, 1, 1),
		t: graph.I32(graph.Shape{2}, 1, 0),
	})
	if err != nil {
		panic(err)
	}
	fmt.Printf("loss %.4f\ndW %.4f\ndb %.4f\n", graph.Item(out[0]), out[1].Float64s(), out[2].Float64s())

	// autodiff keeps the mapping both ways: forward node -> gradient node -> forward node.
	fmt.Println(autodiff.Gradient(W) == grads[0], autodiff.Primal(grads[1]) == b)

	// A gradient can be differentiated again: d/dz z^4 = 4z^3, and again 12z^2.
	z := g.Param("z", graph.F64(nil, 2))
	d1 := autodiff.Grad(ops.Pow(z, 4), z)[0]
	d2 := autodiff.Grad(d1, z)[0]
	out, err = graph.MustCompile(d1, d2).Run(nil)
	if err != nil {
		panic(err)
	}
	fmt.Println(graph.Item(out[0]), graph.Item(out[1]))
	// Output:
	// loss 0.7188
	// dW [0.2625 -0.2625 -0.2500 0.2500 -0.2500 0.2500]
	// db [0.0125 -0.0125]
	// true true
	// 32 48
}

// 3. Check it: backpropagation against central differences, element by element.
func Example_checkGrad() {
	rng := rand.New(rand.NewPCG(1, 2))
	g := graph.New()
	net := book.NewTwoLayerNet(g.Root(), book.TwoLayerConfig{InputSize: 4, HiddenSize: 5, OutputSize: 3, InitStd: 0.5,
		Options: book.Options{DType: graph.Float64, Rand: rng}}) // float64 for numerical gradients
	x := g.Input("x", graph.Float64, 2, 4)
	t := g.Input("t", graph.Int32, 2)
	loss := net.Loss(x, t)
	feeds := graph.Feeds{x: nn.RandomTensor(rng, graph.Float64, 1, 2, 4), t: graph.I32(graph.Shape{2}, 0, 2)}
	checks, err := autodiff.CheckGrad(loss, net.Params(), feeds, 0)
	if err != nil {
		panic(err)
	}
	for _, c := range checks {
		fmt.Printf("%s%v agrees: %v\n", c.Node.Name(), c.Node.Shape(), c.OK(1e-7))
	}

	// A custom op: its value function, and its derivative written with ops, for both dtypes.
	softplus := ops.Elementwise{Name: "softplus",
		F:     func(v float64) float64 { return math.Log1p(math.Exp(v)) },
		Deriv: func(x, y *graph.Node) *graph.Node { return ops.Sigmoid(x) }, // d/dx log(1+e^x)
	}
	p := g.Param("p", nn.RandomTensor(rng, graph.Float64, 1, 3, 2))
	checks, err = autodiff.CheckGrad(ops.Sum(softplus.Apply(p)), []*graph.Node{p}, nil, 0)
	if err != nil {
		panic(err)
	}
	fmt.Println("softplus agrees:", checks[0].OK(1e-7))
	// Output:
	// W1[4 5] agrees: true
	// b1[5] agrees: true
	// W2[5 3] agrees: true
	// b2[3] agrees: true
	// softplus agrees: true
}

// 4. Draw it: the book's figure 5-16 with values and gradients on the edges.
func Example_draw() {
	g := graph.New()
	apple := g.Input("apple", graph.Float64)
	count := g.Input("apple_num", graph.Float64)
	tax := g.Input("tax", graph.Float64)
	price := ops.Mul(ops.Mul(apple, count), tax)
	grads := autodiff.Grad(price, apple, count, tax)
	prog := graph.MustCompile(append([]*graph.Node{price}, grads...)...)
	feeds := graph.Feeds{apple: graph.F64(nil, 100), count: graph.F64(nil, 2), tax: graph.F64(nil, 1.1)}

	dir, err := os.MkdirTemp("", "tour") // for the picture
	if err != nil {
		panic(err)
	}
	defer os.RemoveAll(dir)

	rec, err := viz.Record(prog, feeds) // run, keeping every value for the picture
	if err != nil {
		panic(err)
	}
	dot, err := viz.Dot(viz.Options{View: viz.Backward, Values: rec}, price) // Graphviz source
	if err != nil {
		panic(err)
	}
	svg, err := viz.SVG(viz.Options{View: viz.Backward, Values: rec}, price) // laid out in-process
	if err != nil {
		panic(err)
	}
	path := filepath.Join(dir, "buy-apple-backward.svg")
	if err := os.WriteFile(path, svg, 0o644); err != nil {
		panic(err)
	}
	fmt.Printf("price %.4g, dApple %.4g\n", graph.Item(rec.Value(price)), graph.Item(rec.Value(grads[0])))
	fmt.Println(strings.HasPrefix(string(dot), "digraph"), strings.Contains(string(svg), "<svg"))
	// Output:
	// price 220, dApple 2.2
	// true true
}

// 5. Train it: a step object by hand, or a train.Trainer over a data set.
func Example_train() {
	// By hand: minimize f(w) = (w - 3)^2 with SGD; the step binds the loss, the gradient,
	// the compiled program and the optimizer.
	g := graph.New()
	w := g.Param("w", graph.F64(nil, 0))
	f := ops.Square(ops.Sub(w, g.Scalar(3, graph.Float64)))
	step := optim.NewStep(f, optim.NewSGD(0.1)) // trains every parameter f depends on: w
	for range 50 {
		if _, err := step.Run(nil); err != nil {
			panic(err)
		}
	}
	fmt.Printf("w = %.4f\n", graph.Item(w.Value()))

	// With train.Trainer: a two-layer net learns to tell a horizontal bar from a vertical
	// one in 4x4 images (a data set made on the spot; the examples use train.MNIST).
	rng := rand.New(rand.NewPCG(1, 2))
	bars := func(n int) (images []float32, labels []int32) {
		images, labels = make([]float32, n*16), make([]int32, n)
		for i := range n {
			label, line := rng.IntN(2), rng.IntN(4)
			for j := range 4 {
				px := line*4 + j // row `line`: horizontal
				if label == 1 {
					px = j*4 + line // column `line`: vertical
				}
				images[i*16+px] = 1
			}
			labels[i] = int32(label)
		}
		return images, labels
	}
	trainX, trainT := bars(200)
	testX, testT := bars(100)

	g = graph.New()
	net := book.NewTwoLayerNet(g.Root(), book.TwoLayerConfig{InputSize: 16, HiddenSize: 8, OutputSize: 2, InitStd: 0.1,
		Options: book.Options{Rand: rng}})
	x := g.Input("x", graph.Float32, 20, 16) // batches of 20
	t := g.Input("t", graph.Int32, 20)
	tr := train.Trainer{
		Step:    optim.NewStep(net.Loss(x, t), optim.NewAdam(0.05, 0.9, 0.999)),
		Data:    train.Tensors{x: graph.F32(graph.Shape{200, 16}, trainX...), t: graph.I32(graph.Shape{200}, trainT...)},
		Epochs:  20,
		Seed:    1,
		Evals:   []train.Eval{{Name: "test", Data: train.Tensors{x: graph.F32(graph.Shape{100, 16}, testX...), t: graph.I32(graph.Shape{100}, testT...)}}},
		Metrics: []train.Metric{{Name: "acc", Node: ops.Accuracy(net.Predict(x), t)}},
		Log:     io.Discard,
	}
	hist, err := tr.Train(context.Background()) // Ctrl-C in the examples: cancel ctx, Resume later
	if err != nil {
		panic(err)
	}
	acc := hist.Metrics["test acc"]
	fmt.Printf("%d steps, test accuracy %.2f\n", len(hist.Loss), acc[len(acc)-1])

	// Predict new images with the trained parameters.
	p, err := train.NewPredictor(g, net.Predict, 10, graph.Float32, 16)
	if err != nil {
		panic(err)
	}
	classes, err := p.Classes(testX[:6*16]) // the first six test images
	if err != nil {
		panic(err)
	}
	fmt.Println("predicted", classes, "labels", testT[:6])
	// Output:
	// w = 3.0000
	// 200 steps, test accuracy 1.00
	// predicted [1 1 1 1 1 0] labels [1 1 1 1 1 0]
}

// 6. Save and load: our safetensors files, and the book's pickles.
func Example_saveLoad() {
	dir, err := os.MkdirTemp("", "tour")
	if err != nil {
		panic(err)
	}
	defer os.RemoveAll(dir)

	g := graph.New()
	net := book.NewTwoLayerNet(g.Root(), book.TwoLayerConfig{}) // the book's 784-50-10
	path := filepath.Join(dir, "two_layer_net.safetensors")
	if err := nn.Save(path, g.Root()); err != nil { // W1 b1 W2 b2
		panic(err)
	}
	g2 := graph.New()
	g2.Seed(7) // other random weights
	again := book.NewTwoLayerNet(g2.Root(), book.TwoLayerConfig{})
	if err := nn.Load(path, g2.Root()); err != nil { // names, shapes and dtypes checked first
		panic(err)
	}
	fmt.Println(again.Params()[0].Value().Float32s()[0] == net.Params()[0].Value().Float32s()[0])

	// The book's chapter 3 weights, sample_weight.pkl (float32 arrays by name), load into
	// the chapter 3 network; here a file of the same names and shapes with made-up values.
	pkl := gunzip(dir, "../../../nn/paramfile/testdata/book_sample_weight.pkl.gz")
	g3 := graph.New()
	net3 := book.NewInferenceNet(g3.Root(), book.Options{})
	if err := nn.LoadWeights(pkl, g3.Root()); err != nil { // a pickle or a safetensors file
		panic(err)
	}
	for _, p := range net3.Params() {
		fmt.Print(p.Name(), p.Shape(), " ")
	}
	fmt.Println()
	// Output:
	// true
	// W1[784 50] b1[50] W2[50 100] b2[100] W3[100 10] b3[10]
}

// gunzip writes the file at path, uncompressed, into dir and returns its new path.
func gunzip(dir, path string) string {
	out := filepath.Join(dir, strings.TrimSuffix(filepath.Base(path), ".gz"))
	if err := fixture.Gunzip(path, out); err != nil {
		panic(err)
	}
	return out
}
