package main

import (
	"regexp"
	"strconv"
	"testing"

	"github.com/zerograd/zerograd/examples/internal/extest"
)

// 60 iterations on 1000 images, the sharpness measured every 20 on 200 of them: a line per
// measurement with a positive, finite sharpness, and both pictures written.
func TestShortRun(t *testing.T) {
	dir := t.TempDir()
	out := extest.Run(t, run, "-train", "1000", "-iters", "60", "-every", "20", "-eval", "200", "-power", "8", "-out", dir)
	m := regexp.MustCompile(`(?m)^iter +(\d+) .*sharpness (\S+)`).FindAllStringSubmatch(out, -1)
	if len(m) != 4 || m[3][1] != "60" {
		t.Fatalf("want 4 measurements (iterations 0, 20, 40, 60), printed\n%s", out)
	}
	for _, l := range m {
		v, err := strconv.ParseFloat(l[2], 64)
		if err != nil || !(v > 0 && v < 100) {
			t.Errorf("iteration %s: sharpness %q", l[1], l[2])
		}
	}
	extest.Pictures(t, out, "wrote ", dir, "sharpness.png", "loss.png")
}
