package dataset

import (
	"math/rand/v2"
	"slices"
	"testing"
)

// tinySet is a Set of n images of 2 x 3 pixels whose pixels all equal the
// image's index (mod 256), labels index mod 4.
func tinySet(n int) *Set {
	s := &Set{N: n, Rows: 2, Cols: 3, Classes: 4, Flatten: true}
	for i := range n {
		for range 6 {
			s.Pixels = append(s.Pixels, byte(i))
			s.Images = append(s.Images, float32(byte(i)))
		}
		s.Labels = append(s.Labels, i%4)
	}
	return s
}

// epochs runs k epochs and returns each epoch's concatenated indices and
// batch sizes.
func epochs(it *Batches, k int) (order [][]int, sizes [][]int) {
	for range k {
		var o, sz []int
		for it.Next() {
			o = append(o, it.Indices()...)
			sz = append(sz, len(it.Indices()))
		}
		order, sizes = append(order, o), append(sizes, sz)
	}
	return order, sizes
}

func TestBatchesCoverEachIndexOnce(t *testing.T) {
	s := tinySet(103)
	it := s.Batches(10, rand.New(rand.NewPCG(1, 2)))
	order, sizes := epochs(it, 3)
	for e := range order {
		if !slices.Equal(sizes[e], []int{10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 3}) {
			t.Errorf("epoch %d: batch sizes %v", e, sizes[e])
		}
		sorted := slices.Sorted(slices.Values(order[e]))
		for i, v := range sorted {
			if v != i {
				t.Fatalf("epoch %d: indices %v are not a permutation of 0..102", e, sorted)
			}
		}
	}
	if slices.Equal(order[0], order[1]) || slices.Equal(order[1], order[2]) {
		t.Error("two epochs in the same order: no reshuffle")
	}
	if it.Epoch() != 3 {
		t.Errorf("Epoch() = %d, want 3", it.Epoch())
	}
}

func TestBatchesReproducible(t *testing.T) {
	s := tinySet(50)
	a, _ := epochs(s.Batches(7, rand.New(rand.NewPCG(42, 0))), 2)
	b, _ := epochs(s.Batches(7, rand.New(rand.NewPCG(42, 0))), 2)
	c, _ := epochs(s.Batches(7, rand.New(rand.NewPCG(43, 0))), 2)
	for e := range a {
		if !slices.Equal(a[e], b[e]) {
			t.Errorf("epoch %d differs under the same seed", e)
		}
	}
	if slices.Equal(a[0], c[0]) {
		t.Error("seeds 42 and 43 give the same order")
	}
	// nil rng: in order.
	in, _ := epochs(s.Batches(7, nil), 1)
	for i, v := range in[0] {
		if v != i {
			t.Fatalf("nil rng: order %v, want 0..49", in[0])
		}
	}
}

func TestBatchesContent(t *testing.T) {
	s := tinySet(20)
	it := s.Batches(6, rand.New(rand.NewPCG(3, 4)))
	for it.Next() {
		idx, x, tt, labels := it.Indices(), it.X(), it.T(), it.Labels()
		if len(x) != len(idx)*6 || len(tt) != len(idx)*4 || len(labels) != len(idx) {
			t.Fatalf("lengths %d %d %d for %d indices", len(x), len(tt), len(labels), len(idx))
		}
		for j, i := range idx {
			if !slices.Equal(x[j*6:(j+1)*6], s.Image(i)) {
				t.Errorf("X row %d = %v, want image %d = %v", j, x[j*6:(j+1)*6], i, s.Image(i))
			}
			want := make([]float32, 4)
			want[s.Labels[i]] = 1
			if !slices.Equal(tt[j*4:(j+1)*4], want) || labels[j] != s.Labels[i] {
				t.Errorf("T row %d = %v, label %d; want %v, %d", j, tt[j*4:(j+1)*4], labels[j], want, s.Labels[i])
			}
		}
	}
}

func TestBatchesAllocateNothing(t *testing.T) {
	s := tinySet(100)
	it := s.Batches(32, rand.New(rand.NewPCG(5, 6)))
	epoch := func() {
		for it.Next() {
			_, _, _ = it.X(), it.T(), it.Labels()
		}
	}
	epoch() // the first epoch makes the buffers
	if allocs := testing.AllocsPerRun(10, epoch); allocs != 0 {
		t.Errorf("%v allocations per epoch, want 0", allocs)
	}
}

func TestBatchesPanics(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("no panic for batch size 0")
		}
	}()
	tinySet(3).Batches(0, nil)
}

func TestSlice(t *testing.T) {
	s := tinySet(10)
	s.OneHot = s.OneHotLabels()
	sub := s.Slice(3, 5)
	if sub.N != 2 || sub.Labels[0] != 3 || sub.Image(1)[0] != 4 || !slices.Equal(sub.OneHot, []float32{0, 0, 0, 1, 1, 0, 0, 0}) {
		t.Errorf("Slice(3, 5) = N %d labels %v image 1 %v one-hot %v", sub.N, sub.Labels, sub.Image(1), sub.OneHot)
	}
	defer func() {
		if recover() == nil {
			t.Error("no panic for Slice(5, 11)")
		}
	}()
	s.Slice(5, 11)
}
