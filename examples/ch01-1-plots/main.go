// Command ch01-1-plots draws the book's figure 1-6 (chapter 1.6.2, "sin & cos"): sin and
// cos over [0, 6) in steps of 0.1, cos dashed, and prints the path of the picture.
//
//	go run ./examples/ch01-1-plots             # writes ch01-1-plots/sin_cos.png
//	go run ./examples/ch01-1-plots -out DIR    # writes DIR/sin_cos.png
package main

import (
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"

	"github.com/zerograd/zerograd/examples/internal/chart"
)

func main() {
	if err := run(os.Stdout, os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "ch01-1-plots:", err)
		os.Exit(1)
	}
}

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

func run(w io.Writer, args []string) error {
	fs := flag.NewFlagSet("ch01-1-plots", flag.ContinueOnError)
	out := fs.String("out", "ch01-1-plots", "folder for the picture")
	if err := fs.Parse(args); err != nil {
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
