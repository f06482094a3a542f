// Package mnistrun is the sequence every MNIST training example of chapters 6 to 8 shares,
// so that each main.go shows only its model and what is its own:
//
//	fs := cli.Flags(name, summary, logw)
//	c := mnistrun.Register(fs, mnistrun.Config{Epochs: 3, Batch: 100, LR: 0.001, EvalSample: 1000, Out: name})
//	if err := cli.Parse(fs, args); err != nil {
//		return err
//	}
//	g := graph.New()
//	g.Seed(c.Seed)
//	net := book.NewSimpleConvNet(g.Root(), book.SimpleConvNetConfig{})
//	_, err := mnistrun.Run(ctx, w, logw, c, mnistrun.Model{Title: "SimpleConvNet", Net: net,
//		Optimizer: optim.NewAdam(c.LR, 0.9, 0.999)})
//	return err
//
// Run loads MNIST (-data, -train, -test), then either evaluates the parameters of
// -weights, or trains (train.Trainer: shuffled batches, accuracy after each epoch on
// -eval-sample images, a checkpoint in -out when interrupted, -resume to continue), saves
// the parameters, draws the loss and accuracy charts, and measures the accuracy on the
// whole test set. It prints every file it writes with its path.
//
// # Error handling
//
// Run returns the errors of loading, training and writing, wrapped with what failed. An
// interrupted run (ctx cancelled) saves its checkpoint and returns an error wrapping
// context.Canceled, for which cli.Main exits with code 130.
package mnistrun

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"

	"github.com/zerograd/zerograd/dataset"
	"github.com/zerograd/zerograd/examples/internal/chart"
	"github.com/zerograd/zerograd/examples/internal/cli"
	"github.com/zerograd/zerograd/graph"
	"github.com/zerograd/zerograd/nn"
	"github.com/zerograd/zerograd/nn/book"
	"github.com/zerograd/zerograd/nn/train"
	"github.com/zerograd/zerograd/onnx"
	"github.com/zerograd/zerograd/ops"
	"github.com/zerograd/zerograd/optim"
)

// Config holds the values of the common flags. The value given to Register holds their
// defaults.
type Config struct {
	Epochs     int     // -epochs
	Batch      int     // -batch: mini-batch size
	LR         float64 // -lr: learning rate
	Train      int     // -train: use only the first N training images; 0 = all 60000
	Test       int     // -test: use only the first N test images; 0 = all 10000
	EvalSample int     // -eval-sample: images measured after each epoch; 0 = all
	Weights    string  // -weights: evaluate this parameter file instead of training
	ONNX       string  // -onnx: write the trained (or loaded) network here as an ONNX model
	Out        string  // -out: folder for parameters, checkpoint and pictures
	Resume     bool    // -resume: continue from the checkpoint in Out
	Data       string  // -data: folder holding the MNIST files; "" = found automatically
	Seed       uint64  // -seed
}

// Register defines the common flags on fs with the defaults in d and returns where their
// values go. With names, only those flags are defined ("epochs", "lr", ...): for examples
// that train many small nets and save nothing, -weights and -resume mean nothing.
func Register(fs *flag.FlagSet, d Config, names ...string) *Config {
	c := d
	want := func(name string) bool { return len(names) == 0 || slices.Contains(names, name) }
	if want("epochs") {
		fs.IntVar(&c.Epochs, "epochs", d.Epochs, "training epochs")
	}
	if want("batch") {
		fs.IntVar(&c.Batch, "batch", d.Batch, "mini-batch size")
	}
	if want("lr") {
		fs.Float64Var(&c.LR, "lr", d.LR, "learning rate")
	}
	if want("train") {
		fs.IntVar(&c.Train, "train", d.Train, "use only the first N training images (0: all 60000)")
	}
	if want("test") {
		fs.IntVar(&c.Test, "test", d.Test, "use only the first N test images (0: all 10000)")
	}
	if want("eval-sample") {
		fs.IntVar(&c.EvalSample, "eval-sample", d.EvalSample, "images the accuracy is measured on after each epoch (0: all)")
	}
	if want("weights") {
		fs.StringVar(&c.Weights, "weights", d.Weights, "evaluate the parameters in this file (zerograd .safetensors or the book's .pkl) instead of training")
	}
	if want("onnx") {
		fs.StringVar(&c.ONNX, "onnx", d.ONNX, "write the trained network (or the one loaded with -weights) to this file as an ONNX model")
	}
	if want("out") {
		fs.StringVar(&c.Out, "out", d.Out, "folder for the files written (parameters, checkpoint, pictures)")
	}
	if want("resume") {
		fs.BoolVar(&c.Resume, "resume", d.Resume, "continue an interrupted run from the checkpoint in -out")
	}
	if want("data") {
		fs.StringVar(&c.Data, "data", d.Data, "folder holding the four MNIST files (default: found or downloaded automatically)")
	}
	if want("seed") {
		fs.Uint64Var(&c.Seed, "seed", d.Seed, "random seed (initial weights, shuffling)")
	}
	return &c
}

// Parse parses the command line (cli.Parse) and returns a new graph seeded with -seed, in
// which the example builds its network.
func (c *Config) Parse(fs *flag.FlagSet, args []string) (*graph.Graph, error) {
	if err := cli.Parse(fs, args); err != nil {
		return nil, err
	}
	g := graph.New()
	g.Seed(c.Seed)
	return g, nil
}

// Load loads MNIST normalized to [0, 1], from -data when given (the only place looked in
// then: missing files are an error that names them), and keeps the first -train and -test
// images. flatten gives images of 784 values, else 1x28x28.
func (c *Config) Load(flatten bool) (trainSet, testSet *dataset.Set, err error) {
	return Load(c.Data, flatten, c.Train, c.Test)
}

// Load loads MNIST normalized to [0, 1] from dir ("": found automatically) and keeps the
// first nTrain training and nTest test images (0: all of them). flatten gives images of
// 784 values, else 1x28x28.
func Load(dir string, flatten bool, nTrain, nTest int) (trainSet, testSet *dataset.Set, err error) {
	trainSet, testSet, err = dataset.LoadMNIST(dataset.Options{Dir: dir, Normalize: true, Flatten: flatten})
	if err != nil {
		return nil, nil, err
	}
	if nTrain > 0 {
		trainSet = trainSet.Slice(0, min(nTrain, trainSet.N))
	}
	if nTest > 0 {
		testSet = testSet.Slice(0, min(nTest, testSet.N))
	}
	return trainSet, testSet, nil
}

// RandomBatch is the book's batch_mask = np.random.choice(train_size, batch_size): it
// fills idx with indices of s drawn from rng (with replacement) and copies those images
// into x and their labels into t, both len(idx) long.
func RandomBatch(rng *rand.Rand, s *dataset.Set, idx []int, x []float32, t []int32) {
	for j := range idx {
		idx[j] = rng.IntN(s.N)
	}
	s.Batch(idx, x, nil)
	for j, k := range idx {
		t[j] = int32(s.Labels[k])
	}
}

// Model is what an example brings to Run.
type Model struct {
	Title     string    // the network's name, in chart titles: "SimpleConvNet"
	Net       *book.Net // built at its graph's root scope: its files use the book's names
	Optimizer optim.Optimizer
	Flatten   bool // the net takes vectors of 784 values, not 1x28x28 images
	// TrainAcc also measures the accuracy on the training images after each epoch (the
	// first -eval-sample of them), for the examples about overfitting.
	TrainAcc bool
	// Setup, when set, adjusts the trainer before training (augmentation, a learning-rate
	// schedule): x is the images' input node (the key of the images in tr.Augment's batch),
	// train the training set. The -out folder exists by then.
	Setup func(tr *train.Trainer, x *graph.Node, train *dataset.Set) error
	// OnStep, when set, is called after each training step with the steps done (tests
	// interrupt runs from here).
	OnStep func(steps int)
}

// Result is what a run measured: the trainer's history (empty after -weights) and the
// accuracy on the test set.
type Result struct {
	History train.History
	TestAcc float64
}

// Files in Out.
const (
	ParamsFile     = "params.safetensors"
	CheckpointFile = "checkpoint.safetensors"
	LossChart      = "loss.png"
	AccuracyChart  = "accuracy.png"
)

// Run evaluates -weights, or trains m.Net as c says and saves what it learnt; either way
// it ends by measuring the accuracy on the test set. Results and the files written go to
// w, training progress to logw.
func Run(ctx context.Context, w, logw io.Writer, c *Config, m Model) (Result, error) {
	trainSet, testSet, err := c.Load(m.Flatten)
	if err != nil {
		return Result{}, err
	}
	if c.Weights != "" {
		if err := nn.LoadWeights(c.Weights, m.Net.Scope); err != nil {
			return Result{}, fmt.Errorf("-weights: %w", err)
		}
		acc, err := Evaluate(w, m.Net, testSet)
		if err == nil && c.ONNX != "" {
			err = ExportONNX(w, c.ONNX, m)
		}
		return Result{TestAcc: acc}, err
	}
	if err := os.MkdirAll(c.Out, 0o755); err != nil {
		return Result{}, err
	}
	tr, err := NewTrainer(m, c, trainSet, testSet, logw)
	if err != nil {
		return Result{}, err
	}
	if c.Resume {
		if err := tr.Resume(tr.Checkpoint); err != nil {
			return Result{}, fmt.Errorf("-resume: %w", err)
		}
		fmt.Fprintf(logw, "resuming from %s after %d steps\n", tr.Checkpoint, len(tr.History.Loss))
	}
	hist, err := tr.Train(ctx)
	if errors.Is(err, context.Canceled) {
		// The trainer has said where it saved the checkpoint.
		fmt.Fprintln(logw, "run the same command with -resume to continue")
		return Result{History: hist}, err
	}
	if err != nil {
		return Result{History: hist}, err
	}
	res := Result{History: hist}
	measured := map[string]int{"train": c.measured(trainSet.N), "test": c.measured(testSet.N)}
	if err := Save(w, c.Out, m, hist, trainSet.N/c.Batch, measured); err != nil {
		return res, err
	}
	res.TestAcc, err = Evaluate(w, m.Net, testSet)
	if err == nil && c.ONNX != "" {
		err = ExportONNX(w, c.ONNX, m)
	}
	return res, err
}

// ExportONNX writes m.Net's predictions (the scores before softmax) to path as an ONNX
// model with a dynamic batch axis: input "image" ([N 1 28 28], or [N 784] for flat nets),
// output "scores", the parameters under the book's names.
func ExportONNX(w io.Writer, path string, m Model) error {
	g := m.Net.Scope.Graph()
	params := m.Net.Params()
	if len(params) == 0 {
		return fmt.Errorf("-onnx: the network has no parameters")
	}
	shape := []int{1, 1, 28, 28}
	if m.Flatten {
		shape = []int{1, 784}
	}
	name := "image"
	for i := 2; g.InputNode(name) != nil; i++ {
		name = fmt.Sprintf("image%d", i)
	}
	y := m.Net.Predict(g.Input(name, params[0].DType(), shape...))
	if g.InputNode("scores") == nil {
		y.SetName("scores")
	}
	if err := onnx.Save(path, y); err != nil {
		return fmt.Errorf("-onnx: %w", err)
	}
	Wrote(w, path, "the network as an ONNX model (-onnx)")
	return nil
}

// NewTrainer builds the training of m.Net: inputs x (images) and t (int32 labels) of c's
// batch size, the loss and its Step with m.Optimizer, and a Trainer over trainSet that
// measures the accuracy ("acc") on the first c.EvalSample test images (none when testSet
// is nil) and training images (with m.TrainAcc) after each epoch, with its checkpoint in
// c.Out (none when c.Out is ""). m.Setup is applied. Examples that train many nets use it
// without Run.
func NewTrainer(m Model, c *Config, trainSet, testSet *dataset.Set, logw io.Writer) (*train.Trainer, error) {
	g := m.Net.Scope.Graph()
	var x, t, acc *graph.Node
	var step *optim.Step
	err := graph.Try(func() {
		x = g.Input("x", graph.Float32, append([]int{c.Batch}, trainSet.Shape()[1:]...)...)
		t = g.Input("t", graph.Int32, c.Batch)
		step = optim.NewStep(m.Net.Loss(x, t), m.Optimizer)
		acc = ops.Accuracy(m.Net.Predict(x), t)
	})
	if err != nil {
		return nil, err
	}
	data := train.MNIST(trainSet, x, t)
	var evals []train.Eval
	if m.TrainAcc {
		evals = append(evals, train.Eval{Name: "train", Data: data, Limit: c.EvalSample})
	}
	if testSet != nil {
		test := train.MNIST(testSet, x, t)
		evals = append(evals, train.Eval{Name: "test", Data: test, Limit: c.EvalSample})
	}
	tr := &train.Trainer{
		Step: step, Data: data, Epochs: c.Epochs, Seed: c.Seed,
		Evals: evals, Metrics: []train.Metric{{Name: "acc", Node: acc}},
		Log: logw, OnStep: m.OnStep,
	}
	if c.Out != "" {
		tr.Checkpoint = filepath.Join(c.Out, CheckpointFile)
	}
	if m.Setup != nil {
		if err := m.Setup(tr, x, trainSet); err != nil {
			return nil, err
		}
	}
	return tr, nil
}

// measured is how many of n images the accuracy after each epoch is measured on: the
// first EvalSample (all when 0), in whole batches.
func (c *Config) measured(n int) int {
	if c.EvalSample > 0 {
		n = min(n, c.EvalSample)
	}
	return n / c.Batch * c.Batch
}

// Save writes the trained parameters and the loss and accuracy charts of hist into dir,
// and prints each file's path to w. perEpoch is the number of steps in an epoch; measured
// the number of images of each evaluation set ("train", "test") the accuracies were
// measured on, for the chart's legend.
func Save(w io.Writer, dir string, m Model, hist train.History, perEpoch int, measured map[string]int) error {
	params := filepath.Join(dir, ParamsFile)
	if err := nn.Save(params, m.Net.Scope); err != nil {
		return err
	}
	Wrote(w, params, "the trained parameters (-weights evaluates them)")
	if len(hist.Loss) == 0 {
		return nil
	}
	// Steps count from 1; each epoch's mean sits at the middle of its steps.
	steps := make([]float64, len(hist.Loss))
	for i := range steps {
		steps[i] = float64(i + 1)
	}
	means := make([]float64, len(hist.EpochLoss))
	for i := range means {
		means[i] = (float64(i) + 0.5) * float64(perEpoch)
	}
	loss := filepath.Join(dir, LossChart)
	if err := chart.Lines(loss, m.Title+" training loss", "step", "loss",
		chart.Series{Name: "each step", X: steps, Y: hist.Loss},
		chart.Series{Name: "mean of each epoch", X: means, Y: hist.EpochLoss}); err != nil {
		return err
	}
	Wrote(w, loss, "the loss of every step and the mean of each epoch")
	var series []chart.Series
	for _, name := range []string{"train", "test"} {
		if y := hist.Metrics[name+" acc"]; len(y) > 0 {
			series = append(series, chart.Series{Name: fmt.Sprintf("%s (%d images)", name, measured[name]), Y: y})
		}
	}
	if len(series) == 0 {
		return nil
	}
	acc := filepath.Join(dir, AccuracyChart)
	if err := chart.Epochs(acc, m.Title+" accuracy after each epoch", "accuracy", series...); err != nil {
		return err
	}
	Wrote(w, acc, "the accuracy after each epoch")
	return nil
}

// PrintGap prints, after a run of a Model with TrainAcc, the accuracies after the last
// epoch on the training and the test images and the gap between them, as
// "what, N epochs: train acc 0.9900, test acc 0.7500, gap 0.2400". It prints nothing when
// hist holds no accuracies (after -weights).
func PrintGap(w io.Writer, what string, hist train.History) {
	trainAcc, testAcc := hist.Metrics["train acc"], hist.Metrics["test acc"]
	if len(trainAcc) == 0 {
		return
	}
	n := len(trainAcc)
	tr, te := trainAcc[n-1], testAcc[n-1]
	fmt.Fprintf(w, "%s, %d epochs: train acc %.4f, test acc %.4f, gap %.4f\n", what, n, tr, te, tr-te)
}

// Wrote prints that the file at path was written and what it holds.
func Wrote(w io.Writer, path, what string) {
	fmt.Fprintf(w, "wrote %s: %s\n", path, what)
}

// Evaluate prints and returns net's accuracy on all of set, in batches of 100.
func Evaluate(w io.Writer, net *book.Net, set *dataset.Set) (float64, error) {
	p, err := train.NewPredictor(net.Scope.Graph(), net.Predict, min(100, set.N), graph.Float32, set.Shape()[1:]...)
	if err != nil {
		return 0, err
	}
	acc, err := p.Accuracy(set.Images, set.Labels)
	if err != nil {
		return 0, err
	}
	fmt.Fprintf(w, "test accuracy %.4f (on %d test images)\n", acc, set.N)
	return acc, nil
}
