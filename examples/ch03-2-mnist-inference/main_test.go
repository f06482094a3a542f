package main

import (
	"math"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/zerograd/zerograd/dataset"
	"github.com/zerograd/zerograd/examples/internal/extest"
	"github.com/zerograd/zerograd/nn/paramfile"
)

var accLine = regexp.MustCompile(`(?m)^test accuracy (0\.\d{4}|1\.0000)\n\z`)

func accuracy(t *testing.T, out string) float64 {
	t.Helper()
	m := accLine.FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("printed %q", out)
	}
	acc, _ := strconv.ParseFloat(m[1], 64)
	return acc
}

// accuracyOnly is the last line printed when the output holds nothing else: the
// accuracy, without files.
var accuracyOnly = regexp.MustCompile(`^test accuracy (0\.\d{4}|1\.0000)\n$`)

// Trained on 3000 images for 10 epochs the net is far above chance; its files are written
// and their paths printed, and -weights on the saved parameters prints the same accuracy.
func TestTrainThenEvaluate(t *testing.T) {
	dir := t.TempDir()
	out := extest.Run(t, run, "-train", "3000", "-epochs", "10", "-test", "1000", "-out", dir)
	if acc := accuracy(t, out); acc < 0.8 {
		t.Fatalf("test accuracy %v after training on 3000 images", acc)
	}
	for _, f := range []string{"params.safetensors", "loss.png"} {
		path := filepath.Join(dir, f)
		if st, err := os.Stat(path); err != nil || st.Size() == 0 {
			t.Fatalf("%s: %v", f, err)
		}
		if !strings.Contains(out, path+"\n") {
			t.Errorf("the output does not name %s:\n%s", path, out)
		}
	}
	again := extest.Run(t, run, "-weights", filepath.Join(dir, "params.safetensors"), "-test", "1000")
	if !accuracyOnly.MatchString(again) || !strings.HasSuffix(out, again) {
		t.Fatalf("-weights printed %q, training printed %q", again, out)
	}
}

// The book's pickle format loads with -weights, and the printed accuracy is the one a plain
// float64 forward pass of the book's predict (sigmoid, sigmoid, softmax) gets with the
// pickle's values. (The fixture holds a pattern, not the book's trained weights, whose
// 0.9352 needs the book's file.)
func TestBookPickle(t *testing.T) {
	// The nn fixture shaped like the book's sample_weight.pkl.
	path := filepath.Join(t.TempDir(), "sample_weight.pkl")
	extest.Gunzip(t, filepath.Join("..", "..", "nn", "paramfile", "testdata", "book_sample_weight.pkl.gz"), path)
	got := accuracy(t, extest.Run(t, run, "-weights", path, "-test", "2000"))

	ts, err := paramfile.LoadPickle(path)
	if err != nil {
		t.Fatal(err)
	}
	p := map[string][]float64{}
	for _, nt := range ts {
		p[nt.Name] = toFloat64s(nt.Value.Data())
	}
	_, test, err := dataset.LoadMNIST(dataset.Options{Normalize: true, Flatten: true})
	if err != nil {
		t.Fatal(err)
	}
	right := 0
	for i := range 2000 {
		x := toFloat64s(test.Image(i))
		a1 := sigmoid(affine(x, p["W1"], p["b1"]))
		a2 := sigmoid(affine(a1, p["W2"], p["b2"]))
		y := affine(a2, p["W3"], p["b3"]) // softmax keeps the argmax
		best := 0
		for j := range y {
			if y[j] > y[best] {
				best = j
			}
		}
		if best == test.Labels[i] {
			right++
		}
	}
	if want := float64(right) / 2000; math.Abs(got-want) > 0.0015 {
		t.Fatalf("-weights printed accuracy %v, a float64 forward pass gives %v", got, want)
	}
}

func toFloat64s(v any) []float64 {
	switch v := v.(type) {
	case []float32:
		out := make([]float64, len(v))
		for i, x := range v {
			out[i] = float64(x)
		}
		return out
	case []float64:
		return v
	}
	panic("not a float slice")
}

func affine(x, W, b []float64) []float64 {
	out := append([]float64(nil), b...)
	for i, xi := range x {
		for j := range out {
			out[j] += xi * W[i*len(out)+j]
		}
	}
	return out
}

func sigmoid(x []float64) []float64 {
	for i, v := range x {
		x[i] = 1 / (1 + math.Exp(-v))
	}
	return x
}
