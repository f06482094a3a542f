// Command ch01-1-plots draws the book's figure 1-6 (chapter 1.6.2, "sin & cos"): sin and
// cos over [0, 6) in steps of 0.1, cos dashed, and prints the path of the picture.
//
//	go run ./examples/ch01-1-plots             # writes ch01-1-plots/sin_cos.png
//	go run ./examples/ch01-1-plots -out DIR    # writes DIR/sin_cos.png
package main

import (
	"context"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"

	"github.com/zerograd/zerograd/examples/internal/chart"
	"github.com/zerograd/zerograd/examples/internal/cli"
)

func main() { cli.Main("ch01-1-plots", run) }

// arange is NumPy's np.arange(start, stop, step): start + i*step while below stop.
func arange(start, stop, step float64) []float64 {
	var x []float64
	for i := 0; start+float64(i)*step < stop; i++ {
		x = append(x, start+float64(i)*step)
	}
	return x
}

func apply(f func(float64) float64, x []float64) []float64 {
	y := make([]float64, len(x))
	for i, v := range x {
		y[i] = f(v)
	}
	return y
}

func run(ctx context.Context, w, logw io.Writer, args []string) error {
	fs := cli.Flags("ch01-1-plots", "draws the book's figure 1-6: sin and cos.", logw)
	out := fs.String("out", "ch01-1-plots", "folder for the picture")
	if err := cli.Parse(fs, args); err != nil {
		return err
	}
	x := arange(0, 6, 0.1) // x = np.arange(0, 6, 0.1)
	fig := chart.Figure{
		Title: "sin & cos", XLabel: "x", YLabel: "y", LegendLeft: true, LegendBottom: true,
		Lines: []chart.Line{
			{Name: "sin", X: x, Y: apply(math.Sin, x)},
			{Name: "cos", X: x, Y: apply(math.Cos, x), Dashed: true},
		},
	}
	if err := os.MkdirAll(*out, 0o755); err != nil {
		return err
	}
	path := filepath.Join(*out, "sin_cos.png")
	if err := fig.Save(path); err != nil {
		return err
	}
	fmt.Fprintln(w, path)
	return nil
}
