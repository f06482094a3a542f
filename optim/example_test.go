package optim_test

import (
	"fmt"

	"gorgonia.org/tensor"

	"github.com/zerograd/zerograd/autodiff"
	"github.com/zerograd/zerograd/graph"
	"github.com/zerograd/zerograd/ops"
	"github.com/zerograd/zerograd/optim"
)

// The book's chapter 6 race: Adam (LR 0.3) minimizes f(x, y) = x^2/20 + y^2 from (-7, 2).
// The loss and its gradients are compiled once; each step runs the program and hands the
// gradients to the optimizer, which updates x and y in place.
func Example_adam() {
	g := graph.New()
	x := g.Param("x", graph.ScalarValue(graph.Float64, -7))
	y := g.Param("y", graph.ScalarValue(graph.Float64, 2))
	f := ops.Add(ops.Div(ops.Square(x), g.Scalar(20, graph.Float64)), ops.Square(y))

	params := []*graph.Node{x, y}
	prog := graph.MustCompile(append([]*graph.Node{f}, autodiff.Grad(f, params...)...)...)
	opt := optim.NewAdam(0.3, 0.9, 0.999)
	for step := 1; step <= 30; step++ {
		outs, err := prog.Run(nil)
		if err != nil {
			panic(err)
		}
		if err := opt.Step(params, outs[1:]); err != nil {
			panic(err)
		}
		if step%10 == 0 {
			fmt.Printf("after step %d: x %7.4f  y %7.4f\n", step, x.Value().Float64s()[0], y.Value().Float64s()[0])
		}
	}
	// Output:
	// after step 10: x -4.0594  y -0.4918
	// after step 20: x -1.5215  y -0.2789
	// after step 30: x  0.1360  y  0.3182
}

// Weight decay on the weights only, as the book does, and clipping, on any optimizer.
// Hooks work on copies of the gradients: the program's values are left as they were.
func ExampleWithHooks() {
	g := graph.New()
	W := g.Param("W", graph.FromFloat64s(graph.Float64, []int{2}, []float64{1, 2}))
	b := g.Param("b", graph.FromFloat64s(graph.Float64, []int{1}, []float64{3}))
	loss := ops.Add(ops.Sum(W), ops.Sum(b)) // gradient 1 for every element

	params := []*graph.Node{W, b}
	prog := graph.MustCompile(append([]*graph.Node{loss}, autodiff.Grad(loss, params...)...)...)
	opt := optim.WithHooks(optim.NewSGD(0.1), optim.WeightDecay(0.5, optim.NamePrefix("W")), optim.ClipNorm(10))
	outs, err := prog.Run(nil)
	if err != nil {
		panic(err)
	}
	if err := opt.Step(params, outs[1:]); err != nil {
		panic(err)
	}
	// W -= 0.1*(1 + 0.5*W); b -= 0.1*1; the norm stays under 10.
	fmt.Println("W", W.Value().Float64s(), "b", b.Value().Float64s())
	fmt.Println("gradient of W, unchanged:", outs[1].Float64s())
	// Output:
	// W [0.85 1.8] b [2.9]
	// gradient of W, unchanged: [1 1]
}

// State lists what an optimizer keeps, ready to be saved with the parameters and given
// back to SetState to resume training where it stopped.
func ExampleAdam_State() {
	g := graph.New()
	W1 := g.Param("W1", graph.NewTensor(graph.Float32, 2, 3))
	b1 := g.Param("b1", graph.NewTensor(graph.Float32, 3))
	params := []*graph.Node{W1, b1}
	grads := []*tensor.Dense{graph.NewTensor(graph.Float32, 2, 3), graph.NewTensor(graph.Float32, 3)}

	opt := optim.DefaultAdam()
	for range 2 {
		if err := opt.Step(params, grads); err != nil {
			panic(err)
		}
	}
	state := opt.State()
	for _, s := range state {
		fmt.Println(s.Name, s.Value.Shape())
	}

	resumed := optim.DefaultAdam()
	fmt.Println("SetState:", resumed.SetState(params, state))
	fmt.Println("SetState without b1:", optim.DefaultAdam().SetState(params[:1], state))
	// Output:
	// adam/m/W1 (2, 3)
	// adam/m/b1 (3)
	// adam/v/W1 (2, 3)
	// adam/v/b1 (3)
	// adam/iter ()
	// SetState: <nil>
	// SetState without b1: optim: adam: SetState: the state does not fit the parameters: adam/m/b1: no parameter named b1 among the parameters given; adam/v/b1: no parameter named b1 among the parameters given
}
