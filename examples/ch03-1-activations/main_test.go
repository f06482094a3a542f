package main

import (
	"math"
	"path/filepath"
	"testing"

	"github.com/zerograd/zerograd/examples/internal/extest"
)

// The book's values for x = [-1 1 2], then four pictures that decode as PNG.
func TestValuesAndPictures(t *testing.T) {
	dir := t.TempDir()
	out := extest.Run(t, run, "-out", dir)
	want := "x = [-1 1 2]\nstep    [0 1 1]\nsigmoid [0.26894142 0.73105858 0.88079708]\nrelu    [0 1 2]\n"
	for _, f := range []string{"step.png", "sigmoid.png", "step_sigmoid.png", "relu.png"} {
		want += filepath.Join(dir, f) + "\n"
	}
	if out != want {
		t.Fatalf("printed\n%s\nwant\n%s", out, want)
	}
	for _, f := range []string{"step.png", "sigmoid.png", "step_sigmoid.png", "relu.png"} {
		if img := extest.PNG(t, filepath.Join(dir, f)); img.Bounds().Dx() < 400 {
			t.Fatalf("%s: %d pixels wide", f, img.Bounds().Dx())
		}
	}
}

// Over the plotted range the graph's values are the functions': step jumps at 0, the
// sigmoid is 1/(1+e^-x), ReLU is max(0, x).
func TestCurves(t *testing.T) {
	x := []float64{-5, -0.1, 0, 0.1, 4.9}
	step, sigmoid, relu, err := activations(x)
	if err != nil {
		t.Fatal(err)
	}
	for i, v := range x {
		s := 0.0
		if v > 0 {
			s = 1
		}
		if step[i] != s || relu[i] != max(0, v) || math.Abs(sigmoid[i]-1/(1+math.Exp(-v))) > 1e-15 {
			t.Errorf("x = %v: step %v, sigmoid %v, relu %v", v, step[i], sigmoid[i], relu[i])
		}
	}
}
