package ops

// Index walking shared by broadcasting, sum-to and the reductions: a "big" shape and a
// "small" one of the same rank whose axes are either equal or 1. Adjacent axes of the same
// kind are merged, and the walk hands out runs of the innermost merged axis.

import (
	"math"
	"unsafe"

	"github.com/zerograd/zerograd/graph"
	"github.com/zerograd/zerograd/internal/parallel"
)

type walk struct {
	dims    []int  // merged axis sizes (big)
	bcast   []bool // merged axis is broadcast (small has 1 there)
	sstride []int  // small's stride of each merged axis but the innermost (0 where broadcast)
}

func newWalk(big, small graph.Shape) walk {
	var w walk
	for i, d := range big {
		if d == 1 {
			continue // size-1 axes change nothing
		}
		b := small[i] == 1
		if k := len(w.dims); k > 0 && w.bcast[k-1] == b {
			w.dims[k-1] *= d
			continue
		}
		w.dims = append(w.dims, d)
		w.bcast = append(w.bcast, b)
	}
	if r := len(w.dims); r > 1 {
		w.sstride = make([]int, r-1)
		s := 1
		if !w.bcast[r-1] {
			s = w.dims[r-1]
		}
		for i := r - 2; i >= 0; i-- {
			if !w.bcast[i] {
				w.sstride[i] = s
				s *= w.dims[i]
			}
		}
	}
	return w
}

// runs calls fn for each innermost run: big[bi:bi+n] corresponds to small[si] (step 0)
// or small[si:si+n] (step 1).
func (w walk) runs(fn func(bi, si, n, step int)) {
	r := len(w.dims)
	if r == 0 {
		fn(0, 0, 1, 1)
		return
	}
	n := w.dims[r-1]
	step := 1
	if w.bcast[r-1] {
		step = 0
	}
	if r == 1 {
		fn(0, 0, n, step)
		return
	}
	var idx [8]int // the index on each outer merged axis
	if r-1 > len(idx) {
		// Merged axes alternate kind, so this takes rank 10 or more: recurse on the axes.
		w.deep(fn, 0, 0, 0, n, step)
		return
	}
	outer := 1
	for _, d := range w.dims[:r-1] {
		outer *= d
	}
	si := 0
	for o := 0; o < outer; o++ {
		fn(o*n, si, n, step)
		for i := r - 2; i >= 0; i-- {
			idx[i]++
			si += w.sstride[i]
			if idx[i] < w.dims[i] {
				break
			}
			si -= w.sstride[i] * idx[i]
			idx[i] = 0
		}
	}
}

// deep is runs for any number of merged axes: it calls fn for the runs under outer axis i,
// the first of them run number o at small index si, and returns the next run's number.
func (w walk) deep(fn func(bi, si, n, step int), i, o, si, n, step int) int {
	if i == len(w.sstride) {
		fn(o*n, si, n, step)
		return o + 1
	}
	for k := range w.dims[i] {
		o = w.deep(fn, i+1, o, si+k*w.sstride[i], n, step)
	}
	return o
}

// broadcastK copies small into big along broadcast axes.
func broadcastK[T float](w walk, big, small []T) {
	w.runs(func(bi, si, n, step int) {
		if step == 0 {
			v := small[si]
			b := big[bi : bi+n]
			for i := range b {
				b[i] = v
			}
			return
		}
		copy(big[bi:bi+n], small[si:si+n])
	})
}

// sumToK adds big into small (small is zeroed first). A big sum into several values runs on
// all cores, each summing the values of a range of small (sumTask).
func sumToK[T float](w walk, small, big []T) {
	clear(small)
	t := sumTask[T]{w: w, small: small, big: big}
	sl := slotFor[sumTask[T]](&sumSlots)
	if len(small) < 2 || len(big) < parallel.MinWork || !sl.mu.TryLock() {
		t.Run(0, len(small))
		return
	}
	defer sl.mu.Unlock()
	sl.t = t
	parallel.For(len(small), len(big), &sl.t)
	sl.t = sumTask[T]{} // drop the caller's slices
}

// sumTask is sumToK over the values [lo, hi) of small: each walks all the runs in order and
// adds those that fall in its range, so every value of small gets its terms in the order
// the whole loop adds them, bit for bit however the range is cut.
type sumTask[T float] struct {
	w          walk
	small, big []T
}

// sumSlots hold the task of a parallel sum (taskSlot).
var sumSlots typeSlots[sumTask[float32], sumTask[float64]]

func (t *sumTask[T]) Run(lo, hi int) {
	small, big := t.small, t.big
	t.w.runs(func(bi, si, n, step int) {
		if step == 0 {
			if si >= lo && si < hi {
				small[si] += sumK(big[bi : bi+n])
			}
			return
		}
		if a, b := max(si, lo), min(si+n, hi); a < b {
			addTo(small[a:b], big[bi+a-si:bi+b-si])
		}
	})
}

// sumK returns the sum of v, in eight interleaved partial sums added pairwise at the end:
// eight additions in flight instead of one chain waiting on each, and a smaller rounding
// error than a running sum.
func sumK[T float](v []T) T {
	var s0, s1, s2, s3, s4, s5, s6, s7 T
	if unsafe.Sizeof(s0) == 4 { // float32: the same eight sums in one AVX2 vector
		var s [8]float32
		n := sum8Vec(f32s(v), &s)
		v = v[n:]
		s0, s1, s2, s3, s4, s5, s6, s7 = T(s[0]), T(s[1]), T(s[2]), T(s[3]), T(s[4]), T(s[5]), T(s[6]), T(s[7])
	}
	for ; len(v) >= 8; v = v[8:] {
		s0 += v[0]
		s1 += v[1]
		s2 += v[2]
		s3 += v[3]
		s4 += v[4]
		s5 += v[5]
		s6 += v[6]
		s7 += v[7]
	}
	for _, x := range v {
		s0 += x
	}
	return ((s0 + s1) + (s2 + s3)) + ((s4 + s5) + (s6 + s7))
}

// maxToK reduces big into small by maximum.
func maxToK[T float](w walk, small, big []T) {
	for i := range small {
		small[i] = T(math.Inf(-1))
	}
	w.runs(func(bi, si, n, step int) {
		b := big[bi : bi+n]
		if step == 0 {
			m := small[si]
			for _, v := range b {
				if v > m || v != v {
					m = v
				}
			}
			small[si] = m
			return
		}
		sm := small[si : si+n]
		for i, v := range b {
			if v > sm[i] || v != v {
				sm[i] = v
			}
		}
	})
}

// broadcastShapes applies NumPy's rules: align from the right, sizes equal or 1.
func broadcastShapes(a, b graph.Shape) (graph.Shape, error) {
	r := max(len(a), len(b))
	out := make(graph.Shape, r)
	for i := 0; i < r; i++ {
		da, db := 1, 1
		if j := len(a) - r + i; j >= 0 {
			da = a[j]
		}
		if j := len(b) - r + i; j >= 0 {
			db = b[j]
		}
		switch {
		case da == db || db == 1:
			out[i] = da
		case da == 1:
			out[i] = db
		default:
			return nil, graph.Errorf("shapes %v and %v do not broadcast (axis %d: %d vs %d)", a, b, i, da, db)
		}
	}
	return out, nil
}
