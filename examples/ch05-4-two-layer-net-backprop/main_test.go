package main

import (
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/zerograd/zerograd/examples/internal/extest"
)

// 400 iterations on 2000 images: an accuracy line per epoch of 20 iterations, rising well
// above chance, and both pictures written and named.
func TestShortTraining(t *testing.T) {
	dir := t.TempDir()
	out := extest.Run(t, run, "-iters", "400", "-train", "2000", "-test", "500", "-out", dir)
	lines := regexp.MustCompile(`(?m)^train acc, test acc \| (0\.\d{4}), (0\.\d{4})$`).FindAllStringSubmatch(out, -1)
	if len(lines) != 20 || strings.Count(out, "\n") != 22 {
		t.Fatalf("want 20 accuracy lines (iterations 0, 20, ..., 380), printed\n%s", out)
	}
	first, _ := strconv.ParseFloat(lines[0][2], 64)
	last, _ := strconv.ParseFloat(lines[19][2], 64)
	if first > 0.3 || last < 0.8 {
		t.Fatalf("test accuracy went from %v to %v", first, last)
	}
	t.Logf("test accuracy %v -> %v", first, last)
	extest.Pictures(t, out, "\n", dir, "accuracy.png", "loss.png")
}
