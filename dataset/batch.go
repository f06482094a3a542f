package dataset

import (
	"fmt"
	"math/rand/v2"
)

// Batches walks a Set in mini-batches, one epoch at a time, in the style of
// bufio.Scanner:
//
//	it := train.Batches(100, rng)
//	for epoch := range 10 {
//		for it.Next() {
//			x, t := it.X(), it.T() // 100 x 784 and 100 x 10, reused buffers
//			...
//		}
//	}
//
// Each epoch visits every index exactly once, in an order shuffled by rng
// (in order when rng is nil); the last batch of an epoch is shorter when the
// batch size does not divide N. After the first epoch nothing is allocated.
type Batches struct {
	set   *Set
	size  int
	rng   *rand.Rand
	order []int // this epoch's permutation of 0..N-1
	pos   int   // start of the next batch in order
	idx   []int // the current batch: a window of order
	epoch int   // epochs begun

	x, t       []float32
	xOK, tOK   bool
	labels     []int
	labelsOK   bool
	epochEnded bool
}

// Batches returns an iterator over s in batches of size indices, shuffled by
// rng. It panics if size < 1.
func (s *Set) Batches(size int, rng *rand.Rand) *Batches {
	if size < 1 {
		panic(fmt.Sprintf("dataset: batch size %d < 1", size))
	}
	return &Batches{set: s, size: size, rng: rng, epochEnded: true}
}

// Next moves to the next batch and reports whether there is one. It
// returns false once at the end of each epoch; the call after that starts
// the next epoch with a fresh shuffle.
func (b *Batches) Next() bool {
	if b.epochEnded {
		b.epochEnded = false
		b.startEpoch()
	}
	if b.pos >= len(b.order) {
		b.epochEnded = true
		b.idx = b.idx[:0]
		return false
	}
	end := min(b.pos+b.size, len(b.order))
	b.idx = b.order[b.pos:end:end]
	b.pos = end
	b.xOK, b.tOK, b.labelsOK = false, false, false
	return true
}

func (b *Batches) startEpoch() {
	n := b.set.N
	if len(b.order) != n {
		b.order = make([]int, n)
	}
	for i := range b.order {
		b.order[i] = i
	}
	if b.rng != nil {
		b.rng.Shuffle(n, func(i, j int) { b.order[i], b.order[j] = b.order[j], b.order[i] })
	}
	b.pos = 0
	b.epoch++
}

// Epoch is the number of epochs begun: 1 during the first.
func (b *Batches) Epoch() int { return b.epoch }

// Indices returns the current batch's indices into the Set. The slice is
// the iterator's: do not change it, and copy it to keep it past Next.
func (b *Batches) Indices() []int { return b.idx }

// X returns the current batch's images, len(Indices())*ImageSize() float32s
// in a buffer that the next batch overwrites.
func (b *Batches) X() []float32 {
	if !b.xOK {
		b.x, _ = b.set.Batch(b.idx, b.x, nil)
		b.xOK = true
	}
	return b.x
}

// T returns the current batch's one-hot labels, len(Indices())*Classes
// float32s in a buffer that the next batch overwrites.
func (b *Batches) T() []float32 {
	if !b.tOK {
		b.t = oneHotAt(b.t, b.set.Labels, b.idx, b.set.Classes)
		b.tOK = true
	}
	return b.t
}

// Labels returns the current batch's labels as integers, in a buffer that
// the next batch overwrites.
func (b *Batches) Labels() []int {
	if !b.labelsOK {
		if cap(b.labels) < len(b.idx) {
			b.labels = make([]int, len(b.idx), b.size)
		}
		b.labels = b.labels[:len(b.idx)]
		for j, i := range b.idx {
			b.labels[j] = b.set.Labels[i]
		}
		b.labelsOK = true
	}
	return b.labels
}
