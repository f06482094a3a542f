// Command ch07-2-visualize-filters draws the 30 first-layer 5x5 filters of the book's
// SimpleConvNet (chapter 7.6, visualize_filter.py) as a grayscale grid, before training and
// after: random noise first, then edges and blobs that respond to strokes. Like the book,
// large weights are dark (gray_r) and each filter is scaled to its own range.
//
//	go run ./examples/ch07-2-visualize-filters                     # train one epoch, then draw
//	go run ./examples/ch07-2-visualize-filters -weights params.pkl # the book's trained network
//
// It prints, for both sets of filters, the mean absolute weight and the correlation of
// neighbouring weights (near 0 for noise, well above 0 for smooth patterns), and the path
// of each picture. An interrupt (Ctrl-C) during training stops it and draws the filters as
// far as they got.
package main

import (
	"context"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"

	"github.com/zerograd/zerograd/examples/internal/chart"
	"github.com/zerograd/zerograd/examples/internal/cli"
	"github.com/zerograd/zerograd/examples/internal/convnet"
	"github.com/zerograd/zerograd/examples/internal/mnistrun"
	"github.com/zerograd/zerograd/graph"
	"github.com/zerograd/zerograd/nn"
	"github.com/zerograd/zerograd/nn/book"
)

func main() { cli.Main("ch07-2-visualize-filters", run) }

// Columns of the grid, as the book's filter_show(filters, nx=8).
const cols = 8

func run(ctx context.Context, w, logw io.Writer, args []string) error {
	fs := cli.Flags("ch07-2-visualize-filters", "draws the first-layer filters of the book's SimpleConvNet before and after training (chapter 7.6).", logw)
	epochs := fs.Int("epochs", 1, "training epochs before drawing the trained filters")
	lr := fs.Float64("lr", 0.001, "Adam learning rate")
	trainN := fs.Int("train", 0, "train on the first N images only (0: all 60000)")
	weights := fs.String("weights", "", "draw these trained parameters (zerograd .safetensors or the book's params.pkl) instead of training")
	out := fs.String("out", "ch07-2-visualize-filters", "folder for the pictures")
	data := fs.String("data", "", "folder holding the MNIST files (default: found automatically)")
	seed := fs.Uint64("seed", 1, "random seed")
	if err := cli.Parse(fs, args); err != nil {
		return err
	}
	if err := os.MkdirAll(*out, 0o755); err != nil {
		return err
	}
	g := graph.New()
	net := book.NewSimpleConvNet(g.Root(), book.SimpleConvNetConfig{Options: book.Options{Rand: rand.New(rand.NewPCG(*seed, 1))}})
	W1 := g.ParamNode("W1") // [30 1 5 5]
	before := slices.Clone(W1.Value().Float32s())
	if err := draw(w, filepath.Join(*out, "filters_before.png"), "W1 before training", W1.Value().Shape(), before); err != nil {
		return err
	}

	if *weights != "" {
		if err := nn.LoadWeights(*weights, g.Root()); err != nil {
			return err
		}
	} else {
		trainSet, testSet, err := mnistrun.Load(*data, false, *trainN, 0)
		if err != nil {
			return err
		}
		if err := convnet.TrainBriefly(ctx, net, trainSet, testSet, *epochs, *lr, *seed, logw); err != nil {
			return err
		}
	}
	title := "W1 after training"
	if *weights != "" {
		title = "W1 of " + filepath.Base(*weights)
	}
	return draw(w, filepath.Join(*out, "filters_after.png"), title, W1.Value().Shape(), W1.Value().Float32s())
}

// draw writes the filters [FN C FH FW] (first channel) as a grid and prints their numbers.
func draw(w io.Writer, path, title string, shape []int, v []float32) error {
	fn, fh, fw := shape[0], shape[2], shape[3]
	per := len(v) / fn
	tiles := make([]chart.Tile, fn)
	for i := range tiles {
		tiles[i] = chart.Tile{Pixels: v[i*per : i*per+fh*fw], H: fh, W: fw}
	}
	if err := chart.Grid(path, tiles, chart.GridOptions{Cols: cols, Title: title, Invert: true}); err != nil {
		return err
	}
	meanAbs := 0.0
	for _, x := range v {
		meanAbs += math.Abs(float64(x))
	}
	fmt.Fprintf(w, "%s: mean |w| %.4f, neighbour correlation %.2f -> %s\n", title, meanAbs/float64(len(v)), smoothness(tiles), path)
	return nil
}

// smoothness is the correlation between horizontally and vertically neighbouring weights,
// each filter taken about its own mean: about 0 for independent random weights, near 1
// for smooth patterns, negative for checkerboards.
func smoothness(tiles []chart.Tile) float64 {
	var sab, saa, sbb float64
	for _, t := range tiles {
		mean := 0.0
		for _, x := range t.Pixels {
			mean += float64(x)
		}
		mean /= float64(len(t.Pixels))
		at := func(r, c int) float64 { return float64(t.Pixels[r*t.W+c]) - mean }
		pair := func(a, b float64) { sab, saa, sbb = sab+a*b, saa+a*a, sbb+b*b }
		for r := range t.H {
			for c := range t.W {
				if c+1 < t.W {
					pair(at(r, c), at(r, c+1))
				}
				if r+1 < t.H {
					pair(at(r, c), at(r+1, c))
				}
			}
		}
	}
	if saa == 0 || sbb == 0 {
		return 0
	}
	return sab / math.Sqrt(saa*sbb)
}
