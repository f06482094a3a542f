package chart

import (
	"path/filepath"
	"testing"

	"gonum.org/v1/plot/plotutil"

	"github.com/zerograd/zerograd/examples/internal/extest"
)

// colored counts the pixels of the first series' color in the PNG at path.
func colored(t *testing.T, path string) int {
	t.Helper()
	img := extest.PNG(t, path)
	r0, g0, b0, _ := plotutil.Color(0).RGBA()
	n := 0
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			r, g, b, _ := img.At(x, y).RGBA()
			if r>>8 == r0>>8 && g>>8 == g0>>8 && b>>8 == b0>>8 {
				n++
			}
		}
	}
	return n
}

// A one-epoch run has one accuracy: its chart must show a point, not an empty frame.
func TestOnePointIsVisible(t *testing.T) {
	dir := t.TempDir()
	for _, draw := range []func(string) error{
		func(p string) error { return Lines(p, "one", "x", "y", Series{Y: []float64{0.9}}) },
		func(p string) error { return Epochs(p, "one", "accuracy", Series{Y: []float64{0.9}}) },
	} {
		path := filepath.Join(dir, "one.png")
		if err := draw(path); err != nil {
			t.Fatal(err)
		}
		if n := colored(t, path); n < 10 {
			t.Errorf("a single point draws %d pixels of its color", n)
		}
	}
}

// Epoch charts count from 1, as the training log does: epoch 1's value is drawn at x = 1.
func TestEpochsStartAtOne(t *testing.T) {
	s := []Series{{Y: []float64{0.5, 0.7, 0.8}}}
	if err := Epochs(filepath.Join(t.TempDir(), "acc.png"), "acc", "accuracy", s...); err != nil {
		t.Fatal(err)
	}
	if s[0].X != nil {
		t.Fatal("Epochs changed the caller's series")
	}
	p, err := linesPlot("acc", "epoch", "accuracy", fromOne(s))
	if err != nil {
		t.Fatal(err)
	}
	if p.X.Min != 1 || p.X.Max != 3 {
		t.Fatalf("x axis %v..%v, want 1..3", p.X.Min, p.X.Max)
	}
	ticks := integerTicks{}.Ticks(0.8, 3.2)
	if len(ticks) != 3 || ticks[0].Label != "1" || ticks[2].Label != "3" {
		t.Fatalf("ticks %v", ticks)
	}
}
