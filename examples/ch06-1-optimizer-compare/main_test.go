package main

import (
	"fmt"
	"math"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/zerograd/zerograd/examples/internal/extest"
)

// bookPath is optimizer_compare_naive.py's loop with the book's update formulas
// (common/optimizer.py) written out here, gradients by hand: df/dx = x/10, df/dy = 2y.
func bookPath(name string, steps int) [2]float64 {
	p := [2]float64{-7, 2}
	var v, h, m [2]float64
	for it := 1; it <= steps; it++ {
		g := [2]float64{p[0] / 10, 2 * p[1]}
		for i := range p {
			switch name {
			case "SGD":
				p[i] -= 0.95 * g[i]
			case "Momentum":
				v[i] = 0.9*v[i] - 0.1*g[i]
				p[i] += v[i]
			case "AdaGrad":
				h[i] += g[i] * g[i]
				p[i] -= 1.5 * g[i] / (math.Sqrt(h[i]) + 1e-7)
			case "Adam":
				lrt := 0.3 * math.Sqrt(1-math.Pow(0.999, float64(it))) / (1 - math.Pow(0.9, float64(it)))
				m[i] += (1 - 0.9) * (g[i] - m[i])
				v[i] += (1 - 0.999) * (g[i]*g[i] - v[i])
				p[i] -= lrt * m[i] / (math.Sqrt(v[i]) + 1e-7)
			}
		}
	}
	return p
}

// (a) The printed final positions are the book's formulas', and the picture is written and
// named.
func TestNaivePaths(t *testing.T) {
	dir := t.TempDir()
	out := extest.Run(t, run, "-mnist-iters", "0", "-out", dir)
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	if len(lines) != 5 || lines[4] != filepath.Join(dir, "naive.png") {
		t.Fatalf("printed\n%s", out)
	}
	re := regexp.MustCompile(`^(\w+) +after 30 steps: \(x, y\) = \((\S+), (\S+)\), f = \S+$`)
	for i, name := range names {
		m := re.FindStringSubmatch(lines[i])
		if m == nil || m[1] != name {
			t.Fatalf("line %q, want %s", lines[i], name)
		}
		want := bookPath(name, 30)
		for k := range 2 {
			got, _ := strconv.ParseFloat(m[k+2], 64)
			if math.Abs(got-want[k]) > 1e-6 {
				t.Errorf("%s: coordinate %d is %v, the book's formulas give %.6f", name, k, got, want[k])
			}
		}
	}
	// SGD zigzags in y: y is multiplied by 1 - 0.95*2 = -0.9 each step.
	if want := fmt.Sprintf("(%.6f,", -7*math.Pow(1-0.095, 30)); !strings.Contains(lines[0], want) {
		t.Errorf("SGD line %q, want x %s", lines[0], want)
	}
	extest.PNG(t, filepath.Join(dir, "naive.png"))
}

// (b) A short MNIST comparison on small nets: four final losses, Adam ahead of plain SGD
// (lr 0.01) after 60 iterations, and the loss picture, named last.
func TestMNISTShort(t *testing.T) {
	dir := t.TempDir()
	out := extest.Run(t, run, "-mnist-iters", "60", "-hidden", "20", "-batch", "32", "-train", "2000", "-out", dir)
	m := regexp.MustCompile(`(?m)^(\w+) +final loss (\S+) \(mean of the last 60 iterations\)$`).FindAllStringSubmatch(out, -1)
	if len(m) != 4 {
		t.Fatalf("printed\n%s", out)
	}
	loss := map[string]float64{}
	for _, l := range m {
		loss[l[1]], _ = strconv.ParseFloat(l[2], 64)
		if !(loss[l[1]] > 0 && loss[l[1]] < 3) {
			t.Errorf("%s: final loss %s", l[1], l[2])
		}
	}
	if loss["Adam"] >= loss["SGD"] {
		t.Errorf("Adam %v is not below SGD %v", loss["Adam"], loss["SGD"])
	}
	if !strings.HasSuffix(out, "\n"+filepath.Join(dir, "mnist_loss.png")+"\n") {
		t.Errorf("the output does not end with the picture's path:\n%s", out)
	}
	extest.PNG(t, filepath.Join(dir, "mnist_loss.png"))
}

// smoothCurve keeps the length, leaves a constant alone and damps a zigzag.
func TestSmoothCurve(t *testing.T) {
	x := make([]float64, 50)
	for i := range x {
		x[i] = 3 + float64(i%2)
	}
	s := smoothCurve(x)
	if len(s) != len(x) {
		t.Fatalf("length %d, want %d", len(s), len(x))
	}
	for i, v := range s[5:45] {
		if math.Abs(v-3.5) > 0.1 {
			t.Fatalf("smoothed[%d] = %v, want near 3.5", i+5, v)
		}
	}
}
