// Command ch06-6-hyperparameter-search is the book's hyperparameter_optimization.py
// (chapter 6.5.3): a random search for the learning rate, 10^U(-6, -2), and the weight
// decay, 10^U(-8, -4), of a MultiLayerNet of 6 hidden layers of 100 units. 500 MNIST
// training images are shuffled and split, 20% (100) for validation and 400 for training;
// each trial trains with SGD (batch 100) for 50 epochs (train.Trainer) and is judged by its
// final validation accuracy. The program prints the best 5 trials and draws the
// validation (solid) and training (dashed) accuracy of the best 20 (figure 6-24). In the
// book the good learning rates lie near 0.001 to 0.01 and weight decays near 1e-8 to 1e-6.
//
//	go run ./examples/ch06-6-hyperparameter-search                # the book's 100 trials
//	go run ./examples/ch06-6-hyperparameter-search -trials 20
//
// Trials run in parallel, one per core; each has its own seed, so the results do not
// depend on the number of cores. Every trial's result goes to standard error as it ends.
package main

import (
	"cmp"
	"context"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"sync"

	"github.com/zerograd/zerograd/dataset"
	"github.com/zerograd/zerograd/examples/internal/chart"
	"github.com/zerograd/zerograd/examples/internal/cli"
	"github.com/zerograd/zerograd/examples/internal/mnistrun"
	"github.com/zerograd/zerograd/graph"
	"github.com/zerograd/zerograd/nn/book"
	"github.com/zerograd/zerograd/optim"
)

const name = "ch06-6-hyperparameter-search"

func main() { cli.Main(name, run) }

// trial is one draw of the hyperparameters and what training with them gave.
type trial struct {
	lr, decay        float64
	seed             uint64
	valAcc, trainAcc []float64
}

func (t *trial) final() float64 { return t.valAcc[len(t.valAcc)-1] }

// subset copies the images idx of s into a new set (the book's shuffle_dataset and slicing).
func subset(s *dataset.Set, idx []int) *dataset.Set {
	n := s.ImageSize()
	out := *s
	out.N = len(idx)
	out.Pixels = make([]byte, 0, len(idx)*n)
	out.Images = make([]float32, 0, len(idx)*n)
	out.Labels = make([]int, 0, len(idx))
	out.OneHot = nil
	for _, i := range idx {
		out.Pixels = append(out.Pixels, s.Pixels[i*n:(i+1)*n]...)
		out.Images = append(out.Images, s.Image(i)...)
		out.Labels = append(out.Labels, s.Labels[i])
	}
	return &out
}

// train is the book's __train: a MultiLayerNet with weight decay trained by SGD, returning
// the validation and training accuracy after every epoch.
func (t *trial) train(ctx context.Context, trainSet, valSet *dataset.Set, epochs int) error {
	g := graph.New()
	g.Seed(t.seed)
	net, err := book.NewMultiLayerNet(g.Root(), book.MultiLayerConfig{InputSize: 784,
		HiddenSizes: []int{100, 100, 100, 100, 100, 100}, OutputSize: 10, WeightDecay: t.decay})
	if err != nil {
		return err
	}
	// The validation set takes the test set's place: its accuracy is "test acc".
	c := mnistrun.Config{Epochs: epochs, Batch: 100, Seed: t.seed}
	tr, err := mnistrun.NewTrainer(mnistrun.Model{Net: net, Optimizer: optim.NewSGD(t.lr), Flatten: true, TrainAcc: true},
		&c, trainSet, valSet, io.Discard)
	if err != nil {
		return err
	}
	hist, err := tr.Train(ctx)
	t.valAcc, t.trainAcc = hist.Metrics["test acc"], hist.Metrics["train acc"]
	return err
}

func run(ctx context.Context, w, logw io.Writer, args []string) error {
	fs := cli.Flags(name, "Searches learning rates and weight decays at random for a 6-hidden-layer MultiLayerNet.", logw)
	c := mnistrun.Register(fs, mnistrun.Config{Epochs: 50, Out: name, Seed: 1}, "epochs", "out", "data", "seed")
	trials := fs.Int("trials", 100, "random trials (optimization_trial)")
	n := fs.Int("n", 500, "images, split into validation and training")
	valRate := fs.Float64("validation", 0.2, "share of the images kept for validation")
	best := fs.Int("best", 5, "best trials to print")
	draw := fs.Int("draw", 20, "best trials to draw")
	if err := cli.Parse(fs, args); err != nil {
		return err
	}
	all, _, err := c.Load(true)
	if err != nil {
		return err
	}
	rng := rand.New(rand.NewPCG(c.Seed, 1))
	perm := rng.Perm(min(*n, all.N))
	valN := int(float64(len(perm)) * *valRate)
	valSet, trainSet := subset(all, perm[:valN]), subset(all, perm[valN:])
	if valN < 100 || trainSet.N < 100 {
		// accuracies are measured in whole batches of 100
		return fmt.Errorf("%d validation and %d training images: want a batch of 100 of each at least", valN, trainSet.N)
	}

	// Draw every trial's hyperparameters first, then train them on all cores.
	ts := make([]*trial, *trials)
	for i := range ts {
		ts[i] = &trial{
			decay: math.Pow(10, rng.Float64()*4-8), // 10 ** np.random.uniform(-8, -4)
			lr:    math.Pow(10, rng.Float64()*4-6), // 10 ** np.random.uniform(-6, -2)
			seed:  c.Seed + uint64(i) + 1,
		}
	}
	jobs := make(chan *trial)
	errs := make(chan error, len(ts))
	var wg sync.WaitGroup
	var mu sync.Mutex
	for range runtime.GOMAXPROCS(0) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for t := range jobs {
				err := t.train(ctx, trainSet, valSet, c.Epochs)
				if err != nil {
					errs <- err
					continue
				}
				mu.Lock()
				fmt.Fprintf(logw, "val acc:%.2f | lr:%.3g, weight decay:%.3g\n", t.final(), t.lr, t.decay)
				mu.Unlock()
			}
		}()
	}
	for _, t := range ts {
		jobs <- t
	}
	close(jobs)
	wg.Wait()
	close(errs)
	if err := <-errs; err != nil {
		return err
	}

	// Best first; ties keep the order of the draws.
	slices.SortStableFunc(ts, func(a, b *trial) int { return cmp.Compare(b.final(), a.final()) })
	fmt.Fprintln(w, "=========== Hyper-Parameter Optimization Result ===========")
	for i, t := range ts[:min(*best, len(ts))] {
		fmt.Fprintf(w, "Best-%d(val acc:%.2f) | lr:%.3g, weight decay:%.3g\n", i+1, t.final(), t.lr, t.decay)
	}

	x := make([]float64, c.Epochs)
	for i := range x {
		x[i] = float64(i + 1)
	}
	var figs []chart.Figure
	for i, t := range ts[:min(*draw, len(ts))] {
		figs = append(figs, chart.Figure{Title: fmt.Sprintf("Best-%d", i+1), YRange: [2]float64{0, 1}, NoGrid: true,
			Lines: []chart.Line{{X: x, Y: t.valAcc}, {X: x, Y: t.trainAcc, Dashed: true}}})
	}
	if len(figs) == 0 {
		return nil
	}
	if err := os.MkdirAll(c.Out, 0o755); err != nil {
		return err
	}
	path := filepath.Join(c.Out, "best.png")
	if err := chart.Tiles(path, min(5, len(figs)), 2.4, 2, figs...); err != nil {
		return err
	}
	mnistrun.Wrote(w, path, "validation (solid) and training (dashed) accuracy of the best trials")
	return nil
}
