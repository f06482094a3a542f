package nn_test

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"

	"github.com/zerograd/zerograd/autodiff"
	"github.com/zerograd/zerograd/graph"
	"github.com/zerograd/zerograd/nn"
	"github.com/zerograd/zerograd/optim"
)

// Build the book's SimpleConvNet, train it one step with Adam, save it and load it into a
// second copy.
func Example_simpleConvNet() {
	rng := rand.New(rand.NewPCG(1, 2))
	g := graph.New()
	net := nn.NewSimpleConvNet(g, nn.SimpleConvNetConfig{}, graph.Float32, rng)
	x := g.Input("x", graph.Float32, 4, 1, 28, 28)
	t := g.Input("t", graph.Float32, 4) // class labels
	loss := net.Loss(x, t)
	grads := autodiff.Grad(loss, net.Params()...)
	step := graph.MustCompile(append([]*graph.Node{loss}, grads...)...)

	feeds := graph.Feeds{
		"x": nn.RandomTensor(rng, graph.Float32, 1, 4, 1, 28, 28),
		"t": graph.FromFloat64s(graph.Float32, []int{4}, []float64{3, 1, 4, 1}),
	}
	adam := optim.DefaultAdam()
	out, _ := step.Run(feeds)
	before := out[0].Float32s()[0]
	if err := adam.Step(net.Params(), out[1:]); err != nil {
		panic(err)
	}
	out, _ = step.Run(feeds)
	fmt.Println("loss fell:", out[0].Float32s()[0] < before)

	dir, _ := os.MkdirTemp("", "zerograd")
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "simple_convnet.safetensors")
	if err := nn.Save(path, net); err != nil {
		panic(err)
	}
	copyNet := nn.NewSimpleConvNet(graph.New(), nn.SimpleConvNetConfig{}, graph.Float32, rand.New(rand.NewPCG(9, 9)))
	if err := nn.Load(path, copyNet); err != nil {
		panic(err)
	}
	fmt.Println("W1[0] equal after loading:", copyNet.Params()[0].Value().Float32s()[0] == net.Params()[0].Value().Float32s()[0])
	for _, p := range copyNet.Params() {
		fmt.Print(p.Name(), p.Shape(), " ")
	}
	fmt.Println()
	// Output:
	// loss fell: true
	// W1[0] equal after loading: true
	// W1[30 1 5 5] b1[30] W2[4320 100] b2[100] W3[100 10] b3[10]
}
