package nn

import (
	"math"
	"math/rand/v2"

	"gorgonia.org/tensor"

	"github.com/zerograd/zerograd/graph"
)

// Init gives the standard deviation of a weight's initial normal distribution from the
// number of inputs feeding each unit (for a conv filter, C*FH*FW).
type Init func(fanIn int) float64

// Normal is a fixed standard deviation, the book's weight_init_std (0.01 by default).
func Normal(std float64) Init { return func(int) float64 { return std } }

// Xavier is sqrt(1/fanIn), for sigmoid and tanh (the book's "xavier" or "sigmoid").
func Xavier() Init { return func(n int) float64 { return math.Sqrt(1 / float64(n)) } }

// He is sqrt(2/fanIn), for ReLU (the book's "he" or "relu").
func He() Init { return func(n int) float64 { return math.Sqrt(2 / float64(n)) } }

// InitByName maps the book's weight_init_std strings to an Init: "he" or "relu" is He,
// "xavier" or "sigmoid" is Xavier. ok is false for other names.
func InitByName(name string) (Init, bool) {
	switch name {
	case "he", "relu":
		return He(), true
	case "xavier", "sigmoid":
		return Xavier(), true
	}
	return nil, false
}

// RandomTensor draws a tensor of the given shape from N(0, std^2) with rng.
func RandomTensor(rng *rand.Rand, dt graph.DType, std float64, shape ...int) *tensor.Dense {
	t := graph.NewTensor(dt, shape...)
	switch dt {
	case graph.Float32:
		v := t.Float32s()
		for i := range v {
			v[i] = float32(std * rng.NormFloat64())
		}
	default:
		v := t.Float64s()
		for i := range v {
			v[i] = std * rng.NormFloat64()
		}
	}
	return t
}
