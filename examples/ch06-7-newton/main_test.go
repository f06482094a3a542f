package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/zerograd/zerograd/examples/internal/extest"
)

// Newton lands on the minimum in one step; the book's optimizers need tens; the pictures
// are written and named.
func TestNewton(t *testing.T) {
	dir := t.TempDir()
	got := extest.Run(t, run, "-out", dir)
	for _, want := range []string{
		"f(-7, 2) = 6.45, grad f = (-0.7, 4), H = [[0.1 0] [0 2]]\n",
		"Newton   after 1 step: (x, y) = (0.000000, 0.000000), f = 0\n",
		"SGD      f < 1e-06 after 77 steps",
		"AdaGrad  f < 1e-06 after 57 steps",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("output has no %q:\n%s", want, got)
		}
	}
	for _, name := range []string{"newton.png", "newton-hessian.dot", "newton-hessian.svg"} {
		p := filepath.Join(dir, name)
		if !strings.Contains(got, "wrote "+p+"\n") {
			t.Errorf("the output does not name %s", p)
		}
		if st, err := os.Stat(p); err != nil || st.Size() == 0 {
			t.Errorf("%s: %v", p, err)
		}
	}
	svg, _ := os.ReadFile(filepath.Join(dir, "newton-hessian.svg"))
	if !strings.Contains(string(svg), ">H</text>") {
		t.Error("the Hessian's graph does not show the node H")
	}
}
