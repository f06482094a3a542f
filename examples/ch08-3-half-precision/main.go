// Command ch08-3-half-precision measures how little a trained network cares about the
// precision of its numbers (chapter 8.3.4, half_float_network.py): it prints the test
// accuracy of a DeepConvNet with its float32 parameters, then with every parameter (and,
// as the book does, every input pixel) rounded to IEEE half precision, float16, which keeps
// about 3 decimal digits. The accuracy barely moves.
//
//	go run ./examples/ch08-3-half-precision -weights ch08-1-deep-convnet/params.safetensors
//	go run ./examples/ch08-3-half-precision -weights deep_convnet_params.pkl   # the book's trained network
//	go run ./examples/ch08-3-half-precision                                     # train briefly first
//
// The rounding float32 -> float16 -> float32 is written out over the bits in half.go
// (round to nearest, ties to even, as NumPy's astype(np.float16)). The arithmetic then runs
// in float32 on the rounded values: this measures storing the network in 16 bits, which is
// what the book's point is about; NumPy also computes in float16 and may lose a little more.
// Without -weights the network is trained briefly first; an interrupt (Ctrl-C) stops that
// training and goes on with what was learnt. The program writes no files.
package main

import (
	"context"
	"fmt"
	"io"
	"math"

	"github.com/zerograd/zerograd/examples/internal/cli"
	"github.com/zerograd/zerograd/examples/internal/convnet"
)

func main() { cli.Main("ch08-3-half-precision", run) }

func run(ctx context.Context, w, logw io.Writer, args []string) error {
	fs := cli.Flags("ch08-3-half-precision", "measures a trained network's test accuracy with its parameters rounded to float16 (chapter 8.3.4).", logw)
	f := convnet.Register(fs, "measure on the first N test images (0: all 10000)")
	if err := cli.Parse(fs, args); err != nil {
		return err
	}
	net, test, err := f.Trained(ctx, logw)
	if err != nil {
		return err
	}

	acc32, err := convnet.Accuracy(net, test)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "test accuracy (float32) %.4f\n", acc32)

	// The book: x_test.astype(np.float16), and param[...] = param.astype(np.float16).
	// Normal halves keep 11 significant bits: a relative error of at most 2^-11. Below 2^-14
	// they thin out (subnormals) and the tiniest weights become 0.
	maxRel, n, tiny := 0.0, 0, 0
	for _, p := range net.Params() {
		v := p.Value().Float32s()
		for i, x := range v {
			y := fromFloat16(toFloat16(x))
			if math.Abs(float64(x)) >= 1.0/(1<<14) {
				maxRel = max(maxRel, math.Abs(float64(y-x)/float64(x)))
			} else {
				tiny++
			}
			v[i] = y
		}
		n += len(v)
	}
	half := *test
	half.Images = append([]float32(nil), test.Images...)
	roundFloat16(half.Images)
	acc16, err := convnet.Accuracy(net, &half)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "test accuracy (float16) %.4f\n", acc16)
	fmt.Fprintf(w, "%d parameters rounded: largest relative change %.2g (%d tiny ones below 2^-14 lose more)\n", n, maxRel, tiny)
	return nil
}
