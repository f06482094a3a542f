//go:build amd64 && !purego && !(openblas && cgo)

package gemm

import (
	"fmt"
	"math/rand/v2"
	"os"
	"slices"
	"testing"
	"time"
)

// TestCompareKernels times the kernels against each other on the products
// of the networks, alternating them call by call so that both see the same
// load, and prints the best and median time of each. It runs only when
// ZEROGRAD_GEMM_COMPARE is set (to the seconds per shape): on a shared
// machine the best of many alternated calls is the figure that holds.
func TestCompareKernels(t *testing.T) {
	secs := os.Getenv("ZEROGRAD_GEMM_COMPARE")
	if secs == "" {
		t.Skip("set ZEROGRAD_GEMM_COMPARE=seconds to run")
	}
	var budget float64
	fmt.Sscan(secs, &budget)
	cases := []struct {
		name           string
		m, n, k        int
		transA, transB bool
	}{
		{"256", 256, 256, 256, false, false},
		{"1024", 1024, 1024, 1024, false, false},
		{"conv_fwd", 57600, 30, 25, false, false},
		{"affine", 100, 100, 4320, false, false},
		{"conv_dW", 25, 30, 57600, true, false},
		{"conv_dcol", 57600, 25, 30, false, true},
		{"img_fwd", 30, 576, 26, false, false},
		{"img_dcol", 25, 576, 30, true, false},
		{"img_dW", 30, 25, 576, false, true},
		{"deep_fwd", 784, 16, 145, true, true},
		{"deep_dW", 144, 16, 784, false, true},
	}
	cfgs := sgemmConfigs()
	cfgs = cfgs[:len(cfgs)-1] // not the portable one
	r := rand.New(rand.NewPCG(1, 2))
	for _, c := range cases {
		lda, ldb := c.k, c.n
		if c.transA {
			lda = c.m
		}
		if c.transB {
			ldb = c.k
		}
		a, b, out := make([]float32, c.m*c.k), make([]float32, c.k*c.n), make([]float32, c.m*c.n)
		for i := range a {
			a[i] = float32(r.NormFloat64())
		}
		for i := range b {
			b[i] = float32(r.NormFloat64())
		}
		for _, mode := range []string{"serial", "parallel"} {
			times := make([][]float64, len(cfgs))
			start := time.Now()
			for time.Since(start).Seconds() < budget {
				for i, cfg := range cfgs {
					p := call[float32]{c.transA, c.transB, c.m, c.n, c.k, 1, a, lda, b, ldb, 0, out, c.n}
					t0 := time.Now()
					if mode == "serial" {
						cfg.serial(&p)
					} else {
						cfg.gemm(&p)
					}
					times[i] = append(times[i], time.Since(t0).Seconds())
				}
			}
			line := fmt.Sprintf("%-10s %-8s", c.name, mode)
			flop := 2 * float64(c.m) * float64(c.n) * float64(c.k)
			for i, cfg := range cfgs {
				slices.Sort(times[i])
				line += fmt.Sprintf("  %s best %6.1f med %6.1f GFLOP/s", cfg.name, flop/times[i][0]/1e9, flop/times[i][len(times[i])/2]/1e9)
			}
			t.Log(line)
		}
	}
}
