// Command ch08-2-misclassified shows the digits a trained network gets wrong (chapter 8.1.1,
// misclassified_mnist.py): it classifies the test set, prints the accuracy and how many
// images were misclassified, and draws the first of them in a grid, each captioned with its
// label and the network's answer ("6 → 0": a 6 taken for a 0), and prints the picture's
// path. Many are hard for people too. Without -weights it trains briefly first; an
// interrupt (Ctrl-C) stops that training and goes on with what was learnt.
//
//	go run ./examples/ch08-2-misclassified -weights ch08-1-deep-convnet/params.safetensors
//	go run ./examples/ch08-2-misclassified -weights deep_convnet_params.pkl    # the book's trained network
//	go run ./examples/ch08-2-misclassified                                     # train briefly first
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/zerograd/zerograd/examples/internal/chart"
	"github.com/zerograd/zerograd/examples/internal/cli"
	"github.com/zerograd/zerograd/examples/internal/convnet"
)

func main() { cli.Main("ch08-2-misclassified", run) }

func run(ctx context.Context, w, logw io.Writer, args []string) error {
	fs := cli.Flags("ch08-2-misclassified", "draws the test digits a trained network gets wrong (chapter 8.1.1).", logw)
	f := convnet.Register(fs, "classify the first N test images (0: all 10000)")
	maxView := fs.Int("max", 20, "draw at most this many misclassified digits")
	cols := fs.Int("cols", 5, "digits per row")
	out := fs.String("out", "ch08-2-misclassified", "folder for the picture")
	if err := cli.Parse(fs, args); err != nil {
		return err
	}
	if *maxView < 1 {
		return fmt.Errorf("-max %d: want at least 1", *maxView)
	}
	net, test, err := f.Trained(ctx, logw)
	if err != nil {
		return err
	}

	classes, err := convnet.Classes(net, test)
	if err != nil {
		return err
	}
	var wrong []int
	for i, c := range classes {
		if c != test.Labels[i] {
			wrong = append(wrong, i)
		}
	}
	fmt.Fprintf(w, "test accuracy %.4f\n", 1-float64(len(wrong))/float64(test.N))
	fmt.Fprintf(w, "misclassified %d of %d\n", len(wrong), test.N)
	if len(wrong) == 0 {
		return nil
	}

	// The book prints {view index: (label, inference), ...} for the digits it draws.
	shown := wrong[:min(len(wrong), *maxView)]
	tiles := make([]chart.Tile, len(shown))
	pairs := make([]string, len(shown))
	for k, i := range shown {
		label, got := test.Labels[i], classes[i]
		tiles[k] = chart.Tile{Pixels: test.Image(i), H: test.Rows, W: test.Cols, Caption: fmt.Sprintf("%d → %d", label, got)}
		pairs[k] = fmt.Sprintf("%d: (%d, %d)", k+1, label, got)
	}
	fmt.Fprintln(w, "{view index: (label, inference), ...}")
	fmt.Fprintf(w, "{%s}\n", strings.Join(pairs, ", "))

	if err := os.MkdirAll(*out, 0o755); err != nil {
		return err
	}
	path := filepath.Join(*out, "misclassified.png")
	title := fmt.Sprintf("%d of %d misclassified (label → answer)", len(wrong), test.N)
	if err := chart.Grid(path, tiles, chart.GridOptions{Cols: *cols, Title: title, Invert: true, Min: 0, Max: 1}); err != nil {
		return err
	}
	fmt.Fprintf(w, "the first %d drawn in %s\n", len(shown), path)
	return nil
}
