package main

import (
	"math"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/zerograd/zerograd/examples/internal/extest"
)

// A small net (784-5-10, batch 10): the numerical and backprop gradients agree, both
// trainings follow the same losses, and backprop is far faster even here. The pictures'
// paths are printed.
func TestSmallNet(t *testing.T) {
	dir := t.TempDir()
	s := extest.Run(t, run, "-hidden", "5", "-batch", "10", "-iters", "3", "-out", dir)
	if !strings.HasPrefix(s, "TwoLayerNet 784-5-10, 3985 parameters, batch 10\n") {
		t.Fatalf("printed\n%s", s)
	}
	diffs := regexp.MustCompile(`(?m)^(W1|b1|W2|b2): max \|numerical - backprop\| = (\S+)$`).FindAllStringSubmatch(s, -1)
	if len(diffs) != 4 {
		t.Fatalf("printed\n%s", s)
	}
	for _, m := range diffs {
		if d, err := strconv.ParseFloat(m[2], 64); err != nil || d > 1e-7 {
			t.Errorf("%s: max difference %s", m[1], m[2])
		}
	}
	losses := regexp.MustCompile(`(?m)^iteration \d: loss (\S+) \(numerical\), (\S+) \(backprop\)$`).FindAllStringSubmatch(s, -1)
	if len(losses) != 3 {
		t.Fatalf("printed\n%s", s)
	}
	for _, m := range losses {
		a, _ := strconv.ParseFloat(m[1], 64)
		b, _ := strconv.ParseFloat(m[2], 64)
		if math.Abs(a-b) > 1e-8 || a == 0 {
			t.Errorf("loss %s numerically, %s by backprop", m[1], m[2])
		}
	}
	m := regexp.MustCompile(`(?m)^backprop is (\d+) times faster$`).FindStringSubmatch(s)
	if m == nil {
		t.Fatalf("printed\n%s", s)
	}
	if r, _ := strconv.Atoi(m[1]); r < 100 {
		t.Fatalf("backprop only %d times faster", r)
	}
	extest.Pictures(t, s, "\n", dir, "gradients.png", "loss.png")
}
