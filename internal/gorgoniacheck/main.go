// Command gorgoniacheck builds and runs a tiny gorgonia graph and prints one line. It exists
// so that a test can prove that a binary linking gorgonia.org/gorgonia starts at all.
//
// gorgonia (through gorgonia.org/tensor) imports go4.org/unsafe/assume-no-moving-gc, whose
// init panics at program start on any Go release it does not know to keep heap objects in
// place. Only recent versions of that module (v0.0.0-20231121144256-b99613f794b6 and later)
// accept Go 1.21+; the version gorgonia v0.9.18 asks for panics on Go 1.26. go.mod pins the
// newer one as an indirect requirement: if it is ever dropped (a careless `go mod tidy` on a
// trimmed tree) or downgraded, every test binary and command that links gorgonia dies before
// main. main_test.go builds this command with `go build` and runs it, so that such a change
// fails a test named for it (with the old module the test binary, which links gorgonia too,
// already dies at start: "your version of go4.org/unsafe/assume-no-moving-gc hasn't been
// updated to assert that it's safe against the go1.26 runtime").
package main

import (
	"fmt"
	"os"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// Line is what the command prints on success.
const Line = "gorgoniacheck: z = x*y + b = 10, dz/dx = 3, dz/dy = 2: ok"

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "gorgoniacheck:", err)
		os.Exit(1)
	}
	fmt.Println(Line)
}

// run computes z = sum(x*y) + b on one-element tensors and its gradients with a TapeMachine.
func run() error {
	g := G.NewGraph()
	x := G.NewTensor(g, tensor.Float64, 1, G.WithShape(1), G.WithName("x"),
		G.WithValue(tensor.New(tensor.WithShape(1), tensor.WithBacking([]float64{2}))))
	y := G.NewTensor(g, tensor.Float64, 1, G.WithShape(1), G.WithName("y"),
		G.WithValue(tensor.New(tensor.WithShape(1), tensor.WithBacking([]float64{3}))))
	b := G.NewScalar(g, tensor.Float64, G.WithName("b"), G.WithValue(4.0))
	xy, err := G.HadamardProd(x, y)
	if err != nil {
		return err
	}
	s, err := G.Sum(xy)
	if err != nil {
		return err
	}
	z, err := G.Add(s, b)
	if err != nil {
		return err
	}
	grads, err := G.Grad(z, x, y)
	if err != nil {
		return err
	}
	vm := G.NewTapeMachine(g)
	defer vm.Close()
	if err := vm.RunAll(); err != nil {
		return err
	}
	got := []float64{value(z), value(grads[0]), value(grads[1])}
	if want := []float64{10, 3, 2}; got[0] != want[0] || got[1] != want[1] || got[2] != want[2] {
		return fmt.Errorf("z, dz/dx, dz/dy = %v, want %v", got, want)
	}
	return nil
}

func value(n *G.Node) float64 {
	switch v := n.Value().Data().(type) {
	case float64:
		return v
	case []float64:
		return v[0]
	}
	return 0
}
