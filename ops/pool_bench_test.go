package ops

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// BenchmarkMaxPool2x2 times the book's 2x2 max pooling on one core over 100 float32 planes
// of the networks' sizes (SimpleConvNet's 24x24, DeepConvNet's 28x28, 14x14 and 7x7): the
// forward pass, the gradient's scatter and gather, and the scatter fused with a ReLU's
// gradient (max_pool2d_grad+relu_grad's loop).
func BenchmarkMaxPool2x2(b *testing.B) {
	const planes = 100
	for _, h := range []int{24, 28, 14, 7} {
		g := mustWindow([]int{planes, 1, h, h}, 2, 2, 2, 0)
		in, out := h*h, g.pixels()
		r := rand.New(rand.NewPCG(1, 2))
		x, mask, gx := make([]float32, planes*in), make([]float32, planes*in), make([]float32, planes*in)
		gy, y := make([]float32, planes*out), make([]float32, planes*out)
		for i := range x {
			x[i], mask[i] = float32(r.NormFloat64()), float32(r.NormFloat64())
		}
		for i := range gy {
			gy[i] = float32(r.NormFloat64())
		}
		b.Run(fmt.Sprintf("%dx%d/forward", h, h), func(b *testing.B) {
			for b.Loop() {
				maxPoolPlanes(y, x, g, planes)
			}
		})
		b.Run(fmt.Sprintf("%dx%d/scatter", h, h), func(b *testing.B) {
			for b.Loop() {
				for p := range planes {
					argmaxPlane(gx[p*in:][:in], gy[p*out:][:out], x[p*in:][:in], g, true)
				}
			}
		})
		b.Run(fmt.Sprintf("%dx%d/gather", h, h), func(b *testing.B) {
			for b.Loop() {
				for p := range planes {
					argmaxPlane(gx[p*in:][:in], y[p*out:][:out], x[p*in:][:in], g, false)
				}
			}
		})
		b.Run(fmt.Sprintf("%dx%d/scatter+relu", h, h), func(b *testing.B) {
			t := poolReluLoop[float32]{g: g, gx: gx, gy: gy, x: x, mask: mask}
			for b.Loop() {
				t.Run(0, planes)
			}
		})
	}
}
