package main

import (
	"math"
	"path/filepath"
	"regexp"
	"strconv"
	"testing"

	"github.com/zerograd/zerograd/examples/internal/chart"
	"github.com/zerograd/zerograd/examples/internal/extest"
)

// A briefly trained SimpleConvNet gets some of 500 test digits wrong: the count, the book's
// list of (label, inference) pairs and a grid of the first 8 of them.
func TestMisclassified(t *testing.T) {
	dir := t.TempDir()
	out := extest.Run(t, run, "-net", "simple", "-train", "500", "-test", "500", "-max", "8", "-cols", "4", "-out", dir)
	m := regexp.MustCompile(`^test accuracy (0\.\d{4})\nmisclassified (\d+) of 500\n\{view index: \(label, inference\), \.\.\.\}\n\{(.*)\}\nthe first 8 drawn in (.*)\n$`).
		FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("printed %q", out)
	}
	acc, _ := strconv.ParseFloat(m[1], 64)
	wrong, _ := strconv.Atoi(m[2])
	if wrong < 8 || math.Abs(acc-(1-float64(wrong)/500)) > 1e-9 {
		t.Fatalf("accuracy %v with %d of 500 wrong", acc, wrong)
	}
	pairs := regexp.MustCompile(`(\d+): \((\d), (\d)\)`).FindAllStringSubmatch(m[3], -1)
	if len(pairs) != 8 {
		t.Fatalf("%d pairs in %q", len(pairs), m[3])
	}
	for k, p := range pairs {
		if p[1] != strconv.Itoa(k+1) || p[2] == p[3] {
			t.Errorf("pair %q: want view %d with label != inference", p[0], k+1)
		}
	}
	path := filepath.Join(dir, "misclassified.png")
	if m[4] != path {
		t.Errorf("drawn in %q, want %q", m[4], path)
	}
	img := extest.PNG(t, path)
	// 4 columns, 2 rows of 28x28 digits in 84-pixel cells with captions and a title.
	tiles := make([]chart.Tile, 8)
	for i := range tiles {
		tiles[i] = chart.Tile{Pixels: make([]float32, 784), H: 28, W: 28, Caption: "x"}
	}
	w, h := chart.GridSize(tiles, chart.GridOptions{Cols: 4, Title: "x"})
	if s := img.Bounds().Size(); s.X != w || s.Y != h || w != 10+4*(84+10) {
		t.Errorf("picture %v, want %dx%d", s, w, h)
	}
}
