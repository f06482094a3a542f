package main

import (
	"math/rand/v2"
	"regexp"
	"strconv"
	"testing"

	"github.com/zerograd/zerograd/examples/internal/extest"
	"github.com/zerograd/zerograd/nn"
)

func input(rows, nodes int, rng *rand.Rand) []float64 {
	v := make([]float64, rows*nodes)
	for i := range v {
		v[i] = rng.NormFloat64()
	}
	return v
}

// fractionBetween is the share of values in (lo, hi).
func fractionBetween(v []float64, lo, hi float64) float64 {
	n := 0
	for _, x := range v {
		if x > lo && x < hi {
			n++
		}
	}
	return float64(n) / float64(len(v))
}

// With weights of std 1 the sigmoid saturates: in every layer most activations lie near 0
// or 1 (figure 6-10). With Xavier's scale almost none do (figure 6-13).
func TestSigmoidSaturation(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	x := input(1000, 100, rng)
	std1, err := activations(x, 1000, 100, 5, "sigmoid", nn.Normal(1), rng)
	if err != nil {
		t.Fatal(err)
	}
	xavier, err := activations(x, 1000, 100, 5, "sigmoid", nn.Xavier(), rng)
	if err != nil {
		t.Fatal(err)
	}
	for i := range 5 {
		if f := fractionBetween(std1[i], 0.1, 0.9); f > 0.4 {
			t.Errorf("std 1, layer %d: %.2f of the activations lie in (0.1, 0.9); want most saturated", i+1, f)
		}
		if f := fractionBetween(xavier[i], 0.1, 0.9); f < 0.95 {
			t.Errorf("Xavier, layer %d: only %.2f of the activations lie in (0.1, 0.9)", i+1, f)
		}
	}
}

// The program prints a standard deviation per layer for each of the six settings, with
// the book's pattern (std 0.01 sigmoid collapses near 0.5: tiny spread; He keeps ReLU's
// spread while 0.01 lets it die), and writes and names six pictures.
func TestRun(t *testing.T) {
	dir := t.TempDir()
	out := extest.Run(t, run, "-n", "300", "-out", dir)
	re := regexp.MustCompile(`(?m)^(sigmoid|relu) +(std 1|std 0\.01|xavier|he) +(\S+) (\S+) (\S+) (\S+) (\S+)$`)
	rows := re.FindAllStringSubmatch(out, -1)
	if len(rows) != 6 {
		t.Fatalf("printed\n%s", out)
	}
	last := map[string]float64{}
	for _, r := range rows {
		last[r[1]+" "+r[2]], _ = strconv.ParseFloat(r[7], 64)
	}
	if last["sigmoid std 0.01"] > 0.05 || last["sigmoid std 1"] < 0.3 || last["relu std 0.01"] > 0.01 || last["relu he"] < 0.3 {
		t.Errorf("layer-5 spreads %v", last)
	}
	for _, s := range settings {
		extest.Pictures(t, out, "\n", dir, s.file)
	}
}
