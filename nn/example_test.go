package nn_test

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/zerograd/zerograd/graph"
	"github.com/zerograd/zerograd/nn"
)

// Layers built in scopes name their parameters by path; Save and Load move a model's
// parameters and batch norm statistics by those names.
func Example_scopes() {
	g := graph.New()
	s := g.In("mlp")
	net := nn.Seq(
		nn.NewAffine(s.In("fc1"), nn.AffineOpts{In: 4, Out: 8}),
		nn.NewBatchNorm(s.In("bn1"), nn.BatchNormOpts{C: 8}),
		nn.ReLU,
		nn.NewAffine(s.In("fc2"), nn.AffineOpts{In: 8, Out: 3, NoBias: true}),
	)
	x := g.Input("x", graph.Float32, 2, 4)
	fmt.Println("scores", net.Forward(x).Shape())
	for _, nt := range nn.State(s) {
		fmt.Println(nt.Name, nt.Value.Shape())
	}
	fmt.Println("weights:", len(nn.Weights(s)))

	dir, _ := os.MkdirTemp("", "zerograd")
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "mlp.safetensors")
	if err := nn.Save(path, s); err != nil {
		panic(err)
	}
	g2 := graph.New()
	g2.Seed(7)
	nn.NewAffine(g2.In("mlp").In("fc1"), nn.AffineOpts{In: 4, Out: 8})
	err := nn.Load(path, g2.In("mlp"))
	fmt.Println(err != nil)
	// Output:
	// scores [2 3]
	// mlp.fc1.W (4, 8)
	// mlp.fc1.b (8)
	// mlp.bn1.gamma (8)
	// mlp.bn1.beta (8)
	// mlp.fc2.W (8, 3)
	// mlp.bn1.running_mean (8)
	// mlp.bn1.running_var (8)
	// weights: 2
	// true
}

// An LSTM built in scope "lstm" has PyTorch's parameters under PyTorch's names, and Run
// unrolls a batch-first sequence into nodes named lstm.h1, lstm.h2, ....
func ExampleNewLSTM() {
	g := graph.New()
	lstm := nn.NewLSTM(g.In("lstm"), nn.LSTMOpts{In: 28, Hidden: 64})
	for _, p := range g.In("lstm").Params() {
		fmt.Println(p.Name(), p.Shape())
	}
	x := g.Input("x", graph.Float32, 100, 28, 28) // 100 images, 28 rows of 28 pixels
	seq := lstm.Run(x, nil, nil)                  // nil: zero initial states
	fmt.Println(seq.Hs[0].Name(), seq.H.Name(), seq.H.Shape(), seq.Out.Shape())
	// Output:
	// lstm.weight_ih_l0 [256 28]
	// lstm.weight_hh_l0 [256 64]
	// lstm.bias_ih_l0 [256]
	// lstm.bias_hh_l0 [256]
	// lstm.h1 lstm.h28 [100 64] [100 28 64]
}
