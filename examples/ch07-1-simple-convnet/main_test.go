package main

import (
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"gorgonia.org/tensor"

	"github.com/zerograd/zerograd/examples/internal/extest"
	"github.com/zerograd/zerograd/examples/internal/mnistrun"
	"github.com/zerograd/zerograd/graph"
	"github.com/zerograd/zerograd/internal/onnxref"
	"github.com/zerograd/zerograd/nn"
	"github.com/zerograd/zerograd/nn/book"
	"github.com/zerograd/zerograd/onnx"
)

var accuracyLine = regexp.MustCompile(`(?m)^test accuracy (0\.\d{4}) \(on 500 test images\)\n$`)

// A few hundred images train the net well past chance; -weights evaluates the saved
// parameters to the same accuracy.
func TestShortTrainingAndWeights(t *testing.T) {
	dir := t.TempDir()
	out := extest.Exit(t, name, run, "-train", "600", "-test", "500", "-epochs", "2", "-lr", "0.005", "-eval-sample", "200", "-out", dir)
	m := extest.Match(t, accuracyLine, out)
	if acc, _ := strconv.ParseFloat(m[1], 64); acc < 0.6 {
		t.Fatalf("test accuracy %v after 600 images", acc)
	}
	extest.SameWithWeights(t, run, out, dir, m[0], "-test", "500")
}

// -h prints the usage and exits 0.
func TestHelp(t *testing.T) {
	extest.Help(t, name, run)
}

// -onnx writes the trained network as an ONNX model: it imports back and gives the scores
// of the trained parameters on a batch of test images, and ONNX Runtime (where installed)
// gives them too.
func TestONNX(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "simple_convnet.onnx")
	out := extest.Run(t, run, "-train", "200", "-test", "100", "-epochs", "1", "-eval-sample", "100", "-out", dir, "-onnx", file)
	if !strings.Contains(out, "wrote "+file+": ") {
		t.Fatalf("the output does not name %s:\n%s", file, out)
	}
	_, testSet, err := mnistrun.Load("", false, 0, 100)
	if err != nil {
		t.Fatal(err)
	}
	xv := graph.F32(graph.Shape{100, 1, 28, 28}, testSet.Images...)

	// The trained network, from the parameters the run saved.
	g := graph.New()
	net := book.NewSimpleConvNet(g.Root(), book.SimpleConvNetConfig{})
	if err := nn.Load(filepath.Join(dir, mnistrun.ParamsFile), net.Scope); err != nil {
		t.Fatal(err)
	}
	x := g.Input("x", graph.Float32, 100, 1, 28, 28)
	want, err := graph.Eval(net.Predict(x), graph.Feeds{x: xv})
	if err != nil {
		t.Fatal(err)
	}

	m, err := onnx.Load(file, onnx.ImportOptions{Batch: 100})
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Inputs) != 1 || m.Inputs[0].Name() != "image" || len(m.Outputs) != 1 || m.Outputs[0].Name() != "scores" || len(m.Params) != 6 {
		t.Fatalf("imported inputs %v, outputs %v, parameters %v; want image, scores and W1..b3", m.Inputs, m.Outputs, m.Params)
	}
	got, err := graph.Eval(m.Outputs[0], graph.Feeds{m.Inputs[0]: xv})
	if err != nil {
		t.Fatal(err)
	}
	e, ok := onnxref.CloseTo(got, want, 1e-6)
	t.Logf("imported model: largest difference from the trained network %.3g", e)
	if !ok {
		t.Errorf("the imported model's scores differ from the trained network's by %.3g", e)
	}
	t.Run("ONNX Runtime", func(t *testing.T) {
		onnxref.CheckModel(t, file)
		got := onnxref.Run(t, file, 0, []string{"image"}, []*tensor.Dense{xv})[0]
		e, ok := onnxref.CloseTo(got, want, 1e-5)
		t.Logf("ONNX Runtime: largest difference from the trained network %.3g", e)
		if !ok {
			t.Errorf("ONNX Runtime's scores differ from the trained network's by %.3g", e)
		}
	})
}
