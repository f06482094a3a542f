package book_test

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/zerograd/zerograd/graph"
	"github.com/zerograd/zerograd/nn"
	"github.com/zerograd/zerograd/nn/book"
	"github.com/zerograd/zerograd/optim"
)

// Build the book's SimpleConvNet, train it one step with Adam, save it and load it into a
// second copy.
func Example_simpleConvNet() {
	g := graph.New()
	net := book.NewSimpleConvNet(g.Root(), book.SimpleConvNetConfig{})
	x := g.Input("x", graph.Float32, 4, 1, 28, 28)
	t := g.Input("t", graph.Int32, 4) // class labels
	step := optim.NewStep(net.Loss(x, t), optim.DefaultAdam())

	feeds := graph.Feeds{
		x: nn.RandomTensor(g.Rand(), graph.Float32, 1, 4, 1, 28, 28),
		t: graph.I32(graph.Shape{4}, 3, 1, 4, 1),
	}
	before, err := step.Run(feeds)
	if err != nil {
		panic(err)
	}
	after, _ := step.Run(feeds)
	fmt.Println("loss fell:", after < before)

	dir, _ := os.MkdirTemp("", "zerograd")
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "simple_convnet.safetensors")
	if err := nn.Save(path, net.Scope); err != nil {
		panic(err)
	}
	g2 := graph.New()
	g2.Seed(9)
	copyNet := book.NewSimpleConvNet(g2.Root(), book.SimpleConvNetConfig{})
	if err := nn.Load(path, copyNet.Scope); err != nil {
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
