package main

import (
	"bytes"
	"image/png"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/zerograd/zerograd/examples/internal/extest"
)

// A short training run on 600 images: both pictures decode as 8 x 4 grids of 30 filters,
// they differ, and the trained filters are smoother than the random ones.
func TestFiltersBeforeAndAfter(t *testing.T) {
	dir := t.TempDir()
	out := extest.Run(t, run, "-train", "600", "-lr", "0.005", "-out", dir)
	line := regexp.MustCompile(`(?m)^W1 (before|after) training: mean \|w\| (\d\.\d{4}), neighbour correlation (-?\d\.\d\d) -> (.*)$`)
	m := line.FindAllStringSubmatch(out, -1)
	if len(m) != 2 || m[0][1] != "before" || m[1][1] != "after" {
		t.Fatalf("printed %q", out)
	}
	before, _ := strconv.ParseFloat(m[0][3], 64)
	after, _ := strconv.ParseFloat(m[1][3], 64)
	if before > 0.1 || before < -0.1 || after < before+0.15 {
		t.Errorf("neighbour correlation %v before training, %v after: trained filters should be smoother", before, after)
	}
	// 8 columns, 4 rows: cells of 65 pixels (13 per weight) with 8-pixel gaps, a title row.
	const wantW, wantH = 8 + 8*(65+8), 24 + 8 + 4*(65+8)
	var pics [2][]byte
	for i, name := range []string{"filters_before.png", "filters_after.png"} {
		path := filepath.Join(dir, name)
		if m[i][4] != path {
			t.Errorf("printed path %q, want %q", m[i][4], path)
		}
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		img, err := png.Decode(bytes.NewReader(b))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if s := img.Bounds().Size(); s.X != wantW || s.Y != wantH {
			t.Errorf("%s is %v, want %dx%d", name, s, wantW, wantH)
		}
		pics[i] = b
	}
	if bytes.Equal(pics[0], pics[1]) {
		t.Error("the trained filters look like the random ones")
	}
}

// -weights draws the filters of a parameter file instead of training: here a file shaped
// like the book's params.pkl, with made-up values.
func TestWeights(t *testing.T) {
	dir := t.TempDir()
	pkl := filepath.Join(dir, "params.pkl")
	extest.Gunzip(t, "../../nn/paramfile/testdata/book_params.pkl.gz", pkl)
	out := extest.Run(t, run, "-weights", pkl, "-out", dir)
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 2 || !strings.HasPrefix(lines[0], "W1 before training: ") || !strings.HasPrefix(lines[1], "W1 of params.pkl: ") {
		t.Fatalf("printed %q", out)
	}
	if _, err := os.Stat(filepath.Join(dir, "filters_after.png")); err != nil {
		t.Fatal(err)
	}
}
