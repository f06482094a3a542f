package viz

import (
	"fmt"
	"math"
	"strings"

	"gorgonia.org/tensor"

	"github.com/zerograd/zerograd/graph"
)

// Values gives the value a node had after a run, or nil when it is not known.
//
// A *Recording (from Record) is the safe choice: it keeps a copy of every value the
// moment it is computed. A *graph.Program is a Values too, through Program.Value, but a
// program reuses the buffers of values it no longer needs, so after a run only its outputs
// (and inputs, parameters, constants) are sure to be right; intermediate nodes may show a
// later node's value. Use Merge to combine several sources.
//
// Parameters and constants need no source: their values are read from the graph.
type Values interface {
	Value(n *graph.Node) *tensor.Dense
}

// ValueMap is a Values held in a map, for values computed by other means.
type ValueMap map[*graph.Node]*tensor.Dense

// Value returns m[n].
func (m ValueMap) Value(n *graph.Node) *tensor.Dense { return m[n] }

// Merge returns a Values that asks each source in turn and answers with the first value found.
func Merge(sources ...Values) Values { return merged(sources) }

type merged []Values

func (m merged) Value(n *graph.Node) *tensor.Dense {
	for _, s := range m {
		if s == nil {
			continue
		}
		if v := s.Value(n); v != nil {
			return v
		}
	}
	return nil
}

// Step is one node of a recorded run and a copy of the value it produced.
type Step struct {
	Node  *graph.Node
	Value *tensor.Dense
}

// Recording is what one run of a program computed: every node it evaluated, in the order it
// evaluated them (inputs, parameters and constants first), each with a copy of its value.
// It is the Values to draw with, and the script of the step-through page (HTML).
type Recording struct {
	Steps []Step
	index map[*graph.Node]int
}

// Record runs p with feeds through Program.Trace and keeps a copy of every value.
// The error is the run's, wrapped.
func Record(p *graph.Program, feeds graph.Feeds) (*Recording, error) {
	if p == nil {
		return nil, fmt.Errorf("viz: Record: nil program")
	}
	r := &Recording{index: map[*graph.Node]int{}}
	_, err := p.Trace(feeds, func(n *graph.Node, v *tensor.Dense) {
		var cp *tensor.Dense
		if v != nil {
			cp = v.Clone().(*tensor.Dense)
		}
		if i, ok := r.index[n]; ok { // not expected; keep the latest value
			r.Steps[i].Value = cp
			return
		}
		r.index[n] = len(r.Steps)
		r.Steps = append(r.Steps, Step{Node: n, Value: cp})
	})
	if err != nil {
		return nil, fmt.Errorf("viz: record run: %w", err)
	}
	return r, nil
}

// Value returns the recorded value of n, or nil when the run did not compute it.
func (r *Recording) Value(n *graph.Node) *tensor.Dense {
	if r == nil {
		return nil
	}
	if i, ok := r.index[n]; ok {
		return r.Steps[i].Value
	}
	return nil
}

// valueOf asks vals, then the graph for parameters and constants.
func valueOf(vals Values, n *graph.Node) *tensor.Dense {
	if vals != nil {
		if v := vals.Value(n); v != nil {
			return v
		}
	}
	if n.Kind() == graph.KindParam || n.Kind() == graph.KindConst {
		return n.Value()
	}
	return nil
}

// Sizes that decide how a value is printed.
const (
	fullMax   = 6   // at most this many elements: every one printed
	abbrevMax = 100 // at most this many: the first few and the last
)

// formatValue prints a value as pictures show it: scalars as numbers, small tensors
// whole, middling ones abbreviated, large ones summarised by mean, min and max. The
// result has one or two lines.
func formatValue(v *tensor.Dense) []string {
	if v == nil {
		return nil
	}
	xs := graph.Float64s(v)
	if xs == nil {
		return []string{"?"}
	}
	shape := []int(v.Shape())
	if v.IsScalar() {
		shape = nil
	}
	switch {
	case len(xs) == 1 && len(shape) == 0:
		return []string{num(xs[0])}
	case len(xs) <= fullMax:
		return []string{nested(xs, shape)}
	case len(xs) <= abbrevMax:
		return []string{"[" + num(xs[0]) + " " + num(xs[1]) + " " + num(xs[2]) + " … " + num(xs[len(xs)-1]) + "]"}
	}
	mean, lo, hi, bad := summary(xs)
	if math.Abs(mean) <= 1e-9*math.Max(math.Abs(lo), math.Abs(hi)) {
		// Rounding noise around an exact 0 (the mean of a softmax gradient, say): its digits
		// depend on the order of summation, which parallel kernels do not fix.
		mean = 0
	}
	out := []string{"mean " + num(mean), "min " + num(lo) + " max " + num(hi)}
	if bad > 0 {
		out[1] += fmt.Sprintf(" (%d NaN/Inf)", bad)
	}
	return out
}

func num(x float64) string {
	if x == 0 {
		x = 0 // -0 prints as 0
	}
	return fmt.Sprintf("%.4g", x)
}

// nested prints xs with the brackets of shape: [[1 2] [3 4]].
func nested(xs []float64, shape []int) string {
	if len(shape) <= 1 {
		parts := make([]string, len(xs))
		for i, x := range xs {
			parts[i] = num(x)
		}
		return "[" + strings.Join(parts, " ") + "]"
	}
	step := len(xs) / shape[0]
	parts := make([]string, shape[0])
	for i := range parts {
		parts[i] = nested(xs[i*step:(i+1)*step], shape[1:])
	}
	return "[" + strings.Join(parts, " ") + "]"
}

// summary returns the mean, min and max of the finite values and how many are not finite.
func summary(xs []float64) (mean, lo, hi float64, bad int) {
	lo, hi = math.Inf(1), math.Inf(-1)
	var sum float64
	n := 0
	for _, x := range xs {
		if math.IsNaN(x) || math.IsInf(x, 0) {
			bad++
			continue
		}
		sum += x
		n++
		lo = math.Min(lo, x)
		hi = math.Max(hi, x)
	}
	if n == 0 {
		return math.NaN(), math.NaN(), math.NaN(), bad
	}
	return sum / float64(n), lo, hi, bad
}
