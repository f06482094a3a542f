package main

import (
	"context"
	"image"
	_ "image/png"
	"io"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// A small net (784-5-10, batch 10): the numerical and backprop gradients agree, both
// trainings follow the same losses, and backprop is far faster even here. The pictures'
// paths are printed.
func TestSmallNet(t *testing.T) {
	dir := t.TempDir()
	var out strings.Builder
	if err := run(context.Background(), &out, io.Discard, []string{"-hidden", "5", "-batch", "10", "-iters", "3", "-out", dir}); err != nil {
		t.Fatal(err)
	}
	s := out.String()
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
	for _, name := range []string{"gradients.png", "loss.png"} {
		if !strings.Contains(s, "\n"+filepath.Join(dir, name)+"\n") {
			t.Errorf("the output does not name %s:\n%s", name, s)
		}
		f, err := os.Open(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		_, _, err = image.Decode(f)
		f.Close()
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
	}
}
