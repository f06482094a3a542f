// Command ch08-1-deep-convnet trains the book's DeepConvNet (chapter 8.1, train_deepnet.py)
// on MNIST with Adam (lr 0.001 decaying by -lr-decay 0.85 per epoch, batch 100, 20 epochs;
// the book keeps the rate constant: -lr-decay 1) and data augmentation: every training
// batch is moved on the fly, image by image, by a random shift of up to 2 pixels and a
// rotation of up to ±10 degrees, drawn from a seeded rng (package examples/internal/augment).
// It prints the test accuracy, saves the parameters (params.safetensors) and draws the loss
// and accuracy curves and a sample of augmented images (augmented.png) into -out.
//
//	go run ./examples/ch08-1-deep-convnet                            # 20 epochs: 0.9953 in 25 minutes (the book: 99.3% and up)
//	go run ./examples/ch08-1-deep-convnet -epochs 1                  # one epoch: 0.9810
//	go run ./examples/ch08-1-deep-convnet -weights deep_convnet_params.pkl   # evaluate the book's trained network
//
// One epoch is 600 steps of about an eighth of a second each on 2 cores, augmentation and
// the per-epoch accuracies included (75 s; 25 minutes for the book's 20). Ctrl-C finishes
// the current step and saves a checkpoint; -resume continues from it with the same
// batches, augmentations, dropout masks (the checkpoint keeps the dropout layers' random
// state) and learning rates, so it ends with the parameters an uninterrupted run would.
// Training is nn.Trainer's; the augmentation is its TrainConfig.Augment hook, the decay
// its BeforeEpoch hook.
package main

import (
	"context"
	"io"
	"math"
	"math/rand/v2"
	"path/filepath"

	"github.com/zerograd/zerograd/dataset"
	"github.com/zerograd/zerograd/examples/internal/augment"
	"github.com/zerograd/zerograd/examples/internal/chart"
	"github.com/zerograd/zerograd/examples/internal/cli"
	"github.com/zerograd/zerograd/examples/internal/mnistrun"
	"github.com/zerograd/zerograd/graph"
	"github.com/zerograd/zerograd/nn/book"
	"github.com/zerograd/zerograd/nn/train"
	"github.com/zerograd/zerograd/optim"
)

const name = "ch08-1-deep-convnet"

func main() { cli.Main(name, run) }

// afterStep, when set (by tests), is called after every training step with the steps done.
var afterStep func(steps int)

func run(ctx context.Context, w, logw io.Writer, args []string) error {
	fs := cli.Flags(name, "Trains the book's DeepConvNet on MNIST with Adam and data augmentation.", logw)
	c := mnistrun.Register(fs, mnistrun.Config{Epochs: 20, Batch: 100, LR: 0.001, EvalSample: 1000, Out: name, Seed: 1})
	decay := fs.Float64("lr-decay", 0.85, "learning rate multiplier per epoch (1: the book's constant rate)")
	shift := fs.Int("shift", 2, "augmentation: largest shift in pixels (0 with -rotate 0: no augmentation)")
	rotate := fs.Float64("rotate", 10, "augmentation: largest rotation in degrees")
	keep := fs.Float64("keep", 0, "augmentation: share of the training images left as they are")
	g, err := c.Parse(fs, args)
	if err != nil {
		return err
	}
	// 6 convs 3x3 (16 16 32 32 64 64) with ReLU and a max pool after every two, Affine
	// 1024-50, ReLU, dropout, Affine 50-10, dropout (W1 b1 ... W8 b8)
	net := book.NewDeepConvNet(g.Root(), book.DeepConvNetConfig{})
	adam := optim.NewAdam(c.LR, 0.9, 0.999)
	setup := func(tr *train.Trainer, x *graph.Node, set *dataset.Set) error {
		// epoch e trains at lr * decay^e (a resumed run sets the same rate again)
		tr.BeforeEpoch = func(e int) { adam.LR = c.LR * math.Pow(*decay, float64(e)) }
		if *shift <= 0 && *rotate <= 0 {
			return nil
		}
		// Each batch, image by image, before the step; the trainer seeds the rng by the
		// step's position, so a resumed run sees the same augmented batches.
		aug := augment.New(set.Rows, set.Cols, *shift, *rotate)
		aug.Keep = *keep
		tr.Augment = func(batch graph.Feeds, rng *rand.Rand) { aug.Apply(batch[x].Float32s(), rng) }
		path := filepath.Join(c.Out, "augmented.png")
		if err := drawAugmented(path, set, aug.Apply, c.Seed); err != nil {
			return err
		}
		mnistrun.Wrote(w, path, "training images and randomly augmented versions of them")
		return nil
	}
	_, err = mnistrun.Run(ctx, w, logw, c, mnistrun.Model{Title: "DeepConvNet", Net: net, Optimizer: adam,
		Setup: setup, OnStep: afterStep})
	return err
}

// drawAugmented shows what augmentation does: the first 8 training images on top, three
// random versions of each below.
func drawAugmented(path string, train *dataset.Set, aug func([]float32, *rand.Rand), seed uint64) error {
	n := min(8, train.N)
	orig := train.Images[:n*train.ImageSize()]
	var tiles []chart.Tile
	add := func(images []float32) {
		for i := range n {
			tiles = append(tiles, chart.Tile{Pixels: images[i*train.ImageSize() : (i+1)*train.ImageSize()], H: train.Rows, W: train.Cols})
		}
	}
	add(orig)
	rng := rand.New(rand.NewPCG(seed, 1<<62))
	for range 3 {
		batch := append([]float32(nil), orig...)
		aug(batch, rng)
		add(batch)
	}
	return chart.Grid(path, tiles, chart.GridOptions{Cols: n, Title: "originals on top, randomly shifted and rotated below",
		Invert: true, Min: 0, Max: 1})
}
