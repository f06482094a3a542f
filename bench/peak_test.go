package bench

import (
	"sync"
	"testing"
	"time"

	"github.com/zerograd/zerograd/graph"
	"github.com/zerograd/zerograd/internal/gemm"
	"github.com/zerograd/zerograd/optim"
)

// The training-step benchmarks report their speed as a fraction of the machine's FMA peak:
// the step's matrix work counted as direct convolutions and plain matrix products
// (2 FLOP per multiply-add, whatever algorithm ran: Winograd does fewer), divided by the
// time, divided by the rate our float32 GEMM reaches on a 1024 cube on both cores in the
// same process (the best of a few products). On a shared machine both figures move with
// the load; their ratio moves less.

// peak is the GEMM rate, measured once per process.
var peak struct {
	once   sync.Once
	gflops float64
}

// gemmPeak returns the float32 GEMM's rate on a 1024 cube in GFLOP/s, the best of 5.
func gemmPeak() float64 {
	peak.once.Do(func() {
		const n = 1024
		a, b, c := make([]float32, n*n), make([]float32, n*n), make([]float32, n*n)
		for i := range a {
			a[i], b[i] = float32(i%7)-3, float32(i%5)-2
		}
		gemm.Sgemm(false, false, n, n, n, 1, a, n, b, n, 0, c, n)
		best := time.Duration(1 << 62)
		for range 5 {
			t0 := time.Now()
			gemm.Sgemm(false, false, n, n, n, 1, a, n, b, n, 0, c, n)
			best = min(best, time.Since(t0))
		}
		peak.gflops = 2 * n * n * n / best.Seconds() / 1e9
	})
	return peak.gflops
}

// convFlops is the direct convolution's work on one image: fn filters fh x fw over c
// channels at oh x ow output positions.
func convFlops(c, oh, ow, fn, fh, fw int) float64 {
	return 2 * float64(oh*ow*fn*c*fh*fw)
}

// stepFlops is a training step's work per image from its layers' forward work: the
// forward pass, the filter (weight) gradient of every layer, and the input gradient of all
// but the first, which reads the data.
func stepFlops(first float64, rest ...float64) float64 {
	sum := first
	for _, f := range rest {
		sum += f
	}
	return 3*sum - first
}

// reportPeak reports the effective rate of a benchmark that ran b.N steps of flops per
// image on batches of batch, and its fraction of the GEMM peak (measured before the timer
// started: call gemmPeak first).
func reportPeak(b *testing.B, flops float64) {
	gf := flops * batch * float64(b.N) / b.Elapsed().Seconds() / 1e9
	b.ReportMetric(gf, "GFLOP/s")
	b.ReportMetric(gf/gemmPeak(), "peak-frac")
}

// The nets' step work per image.
var (
	// DeepConvNet: six 3x3 convolutions, affine 1024-50 and 50-10: about 52 MFLOP.
	deepConvNetFlops = stepFlops(convFlops(1, 28, 28, 16, 3, 3),
		convFlops(16, 28, 28, 16, 3, 3), convFlops(16, 14, 14, 32, 3, 3), convFlops(32, 16, 16, 32, 3, 3),
		convFlops(32, 8, 8, 64, 3, 3), convFlops(64, 8, 8, 64, 3, 3), 2*1024*50, 2*50*labels)
	// SimpleConvNet: 30 filters 5x5, affine 4320-100 and 100-10: about 4.3 MFLOP.
	simpleConvNetFlops = stepFlops(convFlops(1, 24, 24, convFilters, convSize, convSize),
		2*pooledFlat*convHidden, 2*convHidden*labels)
	// TwoLayerNet: affine 784-50 and 50-10: about 0.16 MFLOP.
	twoLayerNetFlops = stepFlops(2*inputs*hidden, 2*hidden*labels)
)

// timeSteps runs step b.N times, with allocations counted and the GEMM peak measured
// before the timer starts, and reports samples/s, GFLOP/s and the fraction of the peak.
func timeSteps(b *testing.B, step func(), flops float64) {
	gemmPeak()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		step()
	}
	b.ReportMetric(float64(b.N*batch)/b.Elapsed().Seconds(), "samples/s")
	reportPeak(b, flops)
}

// stepOf is one training step of ts on feeds, failing the benchmark on error.
func stepOf(b *testing.B, ts *optim.Step, feeds graph.Feeds) func() {
	return func() {
		if _, err := ts.Run(feeds); err != nil {
			b.Fatal(err)
		}
	}
}
