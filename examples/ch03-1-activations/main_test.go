package main

import (
	"context"
	"image"
	_ "image/png"
	"io"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The book's values for x = [-1 1 2], then four pictures that decode as PNG.
func TestValuesAndPictures(t *testing.T) {
	dir := t.TempDir()
	var out strings.Builder
	if err := run(context.Background(), &out, io.Discard, []string{"-out", dir}); err != nil {
		t.Fatal(err)
	}
	want := "x = [-1 1 2]\nstep    [0 1 1]\nsigmoid [0.26894142 0.73105858 0.88079708]\nrelu    [0 1 2]\n"
	for _, f := range []string{"step.png", "sigmoid.png", "step_sigmoid.png", "relu.png"} {
		want += filepath.Join(dir, f) + "\n"
	}
	if out.String() != want {
		t.Fatalf("printed\n%s\nwant\n%s", out.String(), want)
	}
	for _, f := range []string{"step.png", "sigmoid.png", "step_sigmoid.png", "relu.png"} {
		r, err := os.Open(filepath.Join(dir, f))
		if err != nil {
			t.Fatal(err)
		}
		img, _, err := image.Decode(r)
		r.Close()
		if err != nil || img.Bounds().Dx() < 400 {
			t.Fatalf("%s: %v", f, err)
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
