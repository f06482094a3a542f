// Command ch10-1-onnx-import imports an ONNX model made elsewhere, prints what it holds,
// draws its forward and backward passes, and fine-tunes it on MNIST: an imported model is
// an ordinary zerograd graph, so it differentiates, draws and trains like the book's
// networks. (Beyond the book: see docs/beyond-one-machine.md.)
//
// The default model is the small CNN that PyTorch's torch.onnx.export wrote for the onnx
// package's tests (onnx/testdata/torch/cnn32.onnx: conv, batch norm, a residual block,
// global average pooling; untrained), found from anywhere inside the repository.
//
//	go run ./examples/ch10-1-onnx-import                     # the PyTorch CNN: test accuracy 0.1044 before, 0.8636 after an epoch (26 s)
//	go run ./examples/ch10-1-onnx-import -model model.onnx   # any model of float32 images [N 1 28 28] or [N 784] to 10 scores
//
// It prints the model's summary (opset, producer, op types, inputs, outputs, parameters),
// writes model-forward.svg and model-backward.svg (the graph of the loss, and the same graph
// with the gradient that flows back along each edge) into -out, then measures the test
// accuracy, trains every parameter for -epochs with Adam on the softmax cross-entropy of
// the model's scores, and measures it again.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/zerograd/zerograd/dataset"
	"github.com/zerograd/zerograd/examples/internal/cli"
	"github.com/zerograd/zerograd/examples/internal/mnistrun"
	"github.com/zerograd/zerograd/graph"
	"github.com/zerograd/zerograd/nn/train"
	"github.com/zerograd/zerograd/onnx"
	"github.com/zerograd/zerograd/ops"
	"github.com/zerograd/zerograd/optim"
	"github.com/zerograd/zerograd/viz"
)

const name = "ch10-1-onnx-import"

// DefaultModel is the -model default, relative to the repository's root.
const DefaultModel = "onnx/testdata/torch/cnn32.onnx"

func main() { cli.Main(name, run) }

func run(ctx context.Context, w, logw io.Writer, args []string) error {
	fs := cli.Flags(name, "Imports an ONNX model, prints its summary, draws its forward and backward passes and fine-tunes it on MNIST.", logw)
	model := fs.String("model", DefaultModel, "the ONNX model to import (the default is found from anywhere inside the repository)")
	c := mnistrun.Register(fs, mnistrun.Config{Epochs: 1, Batch: 100, LR: 0.003, Out: name, Seed: 1},
		"epochs", "batch", "lr", "train", "test", "data", "out", "seed")
	if err := cli.Parse(fs, args); err != nil {
		return err
	}
	path := *model
	if path == DefaultModel {
		var err error
		if path, err = findInRepo(DefaultModel); err != nil {
			return fmt.Errorf("-model: %w", err)
		}
	}
	m, err := onnx.Load(path, onnx.ImportOptions{Batch: c.Batch})
	if err != nil {
		return err
	}
	g := m.Graph
	g.Seed(c.Seed)
	printSummary(w, path, m)

	// The loss of the model's scores, its gradients (the training step differentiates it),
	// and the pictures of both passes.
	x, scores, err := mnistModel(m)
	if err != nil {
		return err
	}
	t := g.Input("t", graph.Int32, c.Batch)
	var loss, acc *graph.Node
	var step *optim.Step
	if err := graph.Try(func() {
		loss = ops.SoftmaxCrossEntropy(scores, t)
		step = optim.NewStep(loss, optim.NewAdam(c.LR, 0.9, 0.999), m.Params...)
		acc = ops.Accuracy(scores, t)
	}); err != nil {
		return err
	}

	trainSet, testSet, err := c.Load(len(x.Shape()) == 2)
	if err != nil {
		return err
	}
	if trainSet.N < c.Batch || testSet.N < c.Batch {
		return fmt.Errorf("-train %d and -test %d must hold a batch of %d at least", trainSet.N, testSet.N, c.Batch)
	}
	data := train.MNIST(trainSet, x, t)
	for feeds := range train.Batches(data, nil) {
		// The values of the loss and its gradients on the first training batch, at
		// inference (so that batch norm's running statistics stay as imported).
		rec, err := viz.Record(step.Program(), feeds)
		if err != nil {
			return err
		}
		if err := draw(w, c.Out, loss, rec); err != nil {
			return err
		}
		break
	}
	measure, err := accuracy(acc, testSet, x, t)
	if err != nil {
		return err
	}
	before, err := measure()
	if err != nil {
		return err
	}
	n := testSet.N / c.Batch * c.Batch
	fmt.Fprintf(w, "test accuracy before fine-tuning %.4f (on %d test images)\n", before, n)
	for epoch := 1; epoch <= c.Epochs; epoch++ {
		sum, steps := 0.0, 0
		for feeds := range train.Batches(data, g.Rand()) {
			if err := ctx.Err(); err != nil {
				return fmt.Errorf("epoch %d, step %d: %w", epoch, steps+1, err)
			}
			l, err := step.Run(feeds)
			if err != nil {
				return err
			}
			sum, steps = sum+l, steps+1
			if steps%100 == 0 {
				fmt.Fprintf(logw, "epoch %d, step %d: loss %.4f\n", epoch, steps, l)
			}
		}
		fmt.Fprintf(w, "epoch %d: mean loss %.4f over %d steps of %d images\n", epoch, sum/float64(steps), steps, c.Batch)
	}
	after, err := measure()
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "test accuracy after fine-tuning %.4f (on %d test images)\n", after, n)
	return nil
}

// printSummary prints what the model holds: where it comes from, its op types with their
// counts, its inputs and outputs with the shapes they have here, and its parameters.
func printSummary(w io.Writer, path string, m *onnx.Model) {
	fmt.Fprintf(w, "model %s: opset %d, produced by %q\n", path, m.Opset, m.Producer)
	types := make([]string, 0, len(m.Ops))
	nodes := 0
	for op, k := range m.Ops {
		types = append(types, fmt.Sprintf("%s %d", op, k))
		nodes += k
	}
	slices.Sort(types)
	fmt.Fprintf(w, "ops: %d nodes: %s\n", nodes, strings.Join(types, ", "))
	for _, in := range m.Inputs {
		fmt.Fprintf(w, "input %s %v %s\n", in.Name(), in.Shape(), in.DType())
	}
	for _, out := range m.Outputs {
		fmt.Fprintf(w, "output %s %v %s\n", out.Name(), out.Shape(), out.DType())
	}
	total := 0
	for _, p := range m.Params {
		total += p.Shape().Size()
	}
	fmt.Fprintf(w, "parameters: %d tensors, %d values\n", len(m.Params), total)
	for _, p := range m.Params {
		fmt.Fprintf(w, "  %s %v\n", p.Name(), p.Shape())
	}
}

// mnistModel checks that m maps float32 images to 10 scores and returns its input and
// output.
func mnistModel(m *onnx.Model) (x, scores *graph.Node, err error) {
	if len(m.Inputs) != 1 || len(m.Outputs) != 1 {
		return nil, nil, fmt.Errorf("fine-tuning on MNIST needs one input and one output, the model has %d and %d", len(m.Inputs), len(m.Outputs))
	}
	x, scores = m.Inputs[0], m.Outputs[0]
	s := x.Shape()
	if x.DType() != graph.Float32 || !(len(s) == 4 && s[1] == 1 && s[2] == 28 && s[3] == 28 || len(s) == 2 && s[1] == 784) {
		return nil, nil, fmt.Errorf("fine-tuning on MNIST needs float32 images [N 1 28 28] or [N 784], the model takes %s %v", x.DType(), s)
	}
	if scores.DType() != graph.Float32 || !scores.Shape().Equal(graph.Shape{s[0], 10}) {
		return nil, nil, fmt.Errorf("fine-tuning on MNIST needs float32 scores [%d 10], the model gives %s %v", s[0], scores.DType(), scores.Shape())
	}
	return x, scores, nil
}

// draw writes the forward and the backward pass of loss, with the values of rec, as SVG
// into dir.
func draw(w io.Writer, dir string, loss *graph.Node, rec *viz.Recording) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	for _, v := range []struct {
		view  viz.View
		file  string
		title string
	}{
		{viz.Forward, "model-forward.svg", "the imported model and its loss on the first training batch: forward"},
		{viz.Backward, "model-backward.svg", "the imported model and its loss on the first training batch: backward (in red, each edge's gradient)"},
	} {
		svg, err := viz.SVG(viz.Options{View: v.view, Direction: viz.TopDown, Values: rec, Title: v.title}, loss)
		if err != nil {
			return err
		}
		path := filepath.Join(dir, v.file)
		if err := os.WriteFile(path, svg, 0o644); err != nil {
			return err
		}
		mnistrun.Wrote(w, path, v.title)
	}
	return nil
}

// accuracy returns a function measuring acc over the whole batches of set, at inference.
func accuracy(acc *graph.Node, set *dataset.Set, x, t *graph.Node) (func() (float64, error), error) {
	prog, err := graph.Compile(acc)
	if err != nil {
		return nil, err
	}
	data := train.MNIST(set, x, t)
	return func() (float64, error) {
		sum, k := 0.0, 0
		for feeds := range train.Batches(data, nil) {
			out, err := prog.Run(feeds)
			if err != nil {
				return 0, err
			}
			sum, k = sum+graph.Item(out[0]), k+1
		}
		return sum / float64(k), nil
	}, nil
}

// findInRepo finds path, relative to the repository's root, from the working directory or
// any folder above it: `go run` at the root and `go test` in the example's folder both
// find the default model. It returns the path relative to the working directory.
func findInRepo(path string) (string, error) {
	wd, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for dir := wd; ; {
		p := filepath.Join(dir, path)
		if _, err := os.Stat(p); err == nil {
			return filepath.Rel(wd, p)
		}
		up := filepath.Dir(dir)
		if up == dir {
			return "", errors.New("the default model " + path + " is found only inside the zerograd repository; give -model FILE")
		}
		dir = up
	}
}
