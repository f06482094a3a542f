package train

import (
	"fmt"
	"iter"
	"math/rand/v2"
	"sort"
	"strconv"

	"gorgonia.org/tensor"

	"github.com/zerograd/zerograd/dataset"
	"github.com/zerograd/zerograd/graph"
)

// Data is a set of samples the trainer draws batches from: for each input node it feeds,
// a way to copy any samples into that input's batch tensor.
type Data interface {
	// Len is the number of samples.
	Len() int
	// Inputs are the input nodes a batch feeds; their first axis is the batch.
	Inputs() []*graph.Node
	// Batch copies samples idx into feeds[n] for each input n, rows 0 to len(idx)-1.
	Batch(idx []int, feeds graph.Feeds)
}

// Tensors is Data held in memory: for each input node, a tensor of all samples, whose first
// axis counts the samples and whose other axes are the node's. Any element type works
// (float32 images, int32 labels, ...); each tensor's must be its node's. Check says what
// does not fit.
type Tensors map[*graph.Node]*tensor.Dense

// Check reports the first tensor whose element type or sample shape differs from its
// node's, or whose sample count differs from the others'.
func (d Tensors) Check() error {
	n := -1
	for _, in := range d.Inputs() {
		v := d[in]
		if v == nil {
			return fmt.Errorf("train: data for %s is nil", in.Label())
		}
		dt, err := graph.DTypeOf(v)
		if err != nil || dt != in.DType() {
			return fmt.Errorf("train: data for %s is %v, the input is %s", in.Label(), v.Dtype(), in.DType())
		}
		s := v.Shape()
		if len(in.Shape()) == 0 || len(s) != len(in.Shape()) || !graph.Shape(s[1:]).Equal(in.Shape()[1:]) {
			want := "[N"
			for _, d := range in.Shape()[1:] {
				want += " " + strconv.Itoa(d)
			}
			return fmt.Errorf("train: data for %s has shape %v; want %s] for input %s", in.Label(), graph.Shape(s), want, in.Type())
		}
		if n >= 0 && s[0] != n {
			return fmt.Errorf("train: data for %s holds %d samples, the other inputs' %d", in.Label(), s[0], n)
		}
		n = s[0]
	}
	return nil
}

// Len is the number of samples (the first axis).
func (d Tensors) Len() int {
	for _, v := range d {
		return v.Shape()[0]
	}
	return 0
}

// Inputs lists the nodes, ordered by name.
func (d Tensors) Inputs() []*graph.Node {
	ns := make([]*graph.Node, 0, len(d))
	for n := range d {
		ns = append(ns, n)
	}
	sort.Slice(ns, func(i, j int) bool { return ns[i].Name() < ns[j].Name() })
	return ns
}

// Batch copies the rows idx of each tensor into the batch tensor of its node.
func (d Tensors) Batch(idx []int, feeds graph.Feeds) {
	for n, v := range d {
		dst, row := feeds[n], n.Shape()[1:].Size()
		switch v.Dtype() {
		case tensor.Float32:
			gather(dst.Float32s(), v.Float32s(), idx, row)
		case tensor.Float64:
			gather(dst.Float64s(), v.Float64s(), idx, row)
		case tensor.Int32:
			gather(dst.Int32s(), v.Int32s(), idx, row)
		case tensor.Int64:
			gather(dst.Int64s(), v.Int64s(), idx, row)
		}
	}
}

// gather copies rows idx of src (row values each) to the first rows of dst.
func gather[T any](dst, src []T, idx []int, row int) {
	for j, i := range idx {
		copy(dst[j*row:(j+1)*row], src[i*row:(i+1)*row])
	}
}

// MNIST is a data set of MNIST's images and labels for inputs x (float32 [B 784] or
// [B 1 28 28], as the set was loaded) and t (class labels: int32 or int64 [B], or float32
// [B]). The images are shared with the set, not copied. Images that do not fit x (a
// flattened set for an image input) are reported by Check, which the Trainer calls.
func MNIST(s *dataset.Set, x, t *graph.Node) Tensors {
	shape := s.Shape()
	if graph.Shape(append([]int{s.N}, x.Shape()[1:]...)).Size() == len(s.Images) {
		shape = append([]int{s.N}, x.Shape()[1:]...) // [N 1 28 28] for a [N 784] set, or the reverse
	}
	vals := make([]float64, s.N)
	for i, l := range s.Labels {
		vals[i] = float64(l)
	}
	return Tensors{x: tensor.New(tensor.WithShape(shape...), tensor.WithBacking(s.Images)), t: graph.FromFloat64s(t.DType(), []int{s.N}, vals)}
}

// Batches yields the full batches of d, in the batch size of its inputs (their first axis),
// shuffled by rng (in order when rng is nil); a last partial batch is left out, as shapes
// are static. Each batch is fed by the same tensors, refilled for the next one:
//
//	for feeds := range train.Batches(data, g.Rand()) {
//		step.MustRun(feeds)
//	}
func Batches(d Data, rng *rand.Rand) iter.Seq[graph.Feeds] {
	return func(yield func(graph.Feeds) bool) {
		inputs := d.Inputs()
		if len(inputs) == 0 || len(inputs[0].Shape()) == 0 {
			return
		}
		feeds, b := graph.Feeds{}, inputs[0].Shape()[0]
		for _, n := range inputs {
			feeds[n] = graph.NewTensor(n.DType(), n.Shape()...)
		}
		order := make([]int, d.Len())
		shuffle(order, rng)
		for lo := 0; lo+b <= len(order); lo += b {
			d.Batch(order[lo:lo+b], feeds)
			if !yield(feeds) {
				return
			}
		}
	}
}

// shuffle sets order to 0, 1, ... and shuffles it with rng (leaves it in order when rng is
// nil): the order in which the trainer and Batches visit the samples.
func shuffle(order []int, rng *rand.Rand) {
	for i := range order {
		order[i] = i
	}
	if rng != nil {
		rng.Shuffle(len(order), func(i, j int) { order[i], order[j] = order[j], order[i] })
	}
}
