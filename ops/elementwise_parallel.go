package ops

import (
	"unsafe"

	"gorgonia.org/tensor"

	"github.com/zerograd/zerograd/internal/parallel"
)

// The hot elementwise kernels (ReLU and its gradient, sigmoid, add, sub, mul) run over both
// cores when the tensors are big. Each op passes its own kernel to elementwise, as a plain
// function (not a closure), so that a call allocates nothing.

// ewKernel computes y from a, and b for a binary kernel (nil for a unary one), over a chunk
// of the tensors; c is the op's constant, the slope of the ReLU kernels.
type ewKernel[T float] func(y, a, b []T, c T)

// ewTask is one call of an elementwise kernel, split over the elements by parallel.For.
type ewTask[T float] struct {
	k       ewKernel[T]
	c       T
	y, a, b []T
}

func (t *ewTask[T]) Run(lo, hi int) {
	var b []T
	if t.b != nil {
		b = t.b[lo:hi]
	}
	t.k(t.y[lo:hi], t.a[lo:hi], b, t.c)
}

// ewSlots hold the task of a parallel elementwise loop (taskSlot).
var ewSlots typeSlots[ewTask[float32], ewTask[float64]]

// runEW runs k over y, a and b (b may be nil), on all cores when they are big. A small
// loop, or one that finds its slot taken by another goroutine's, runs on the caller.
func runEW[T float](k ewKernel[T], c T, y, a, b []T) {
	t := ewTask[T]{k: k, c: c, y: y, a: a, b: b}
	s := slotFor[ewTask[T]](&ewSlots)
	n := len(y)
	if n < parallel.MinWork || !s.mu.TryLock() {
		t.Run(0, n)
		return
	}
	defer s.mu.Unlock()
	s.t = t
	parallel.For(n, n, &s.t)
	s.t = ewTask[T]{} // drop the caller's slices
}

// elementwise runs the kernel of the tensors' element type, k32 or k64, over y, a and b
// (b may be nil), with the constant c.
func elementwise(y, a, b *tensor.Dense, c float64, k32 ewKernel[float32], k64 ewKernel[float64]) {
	if is32(y) {
		var b32 []float32
		if b != nil {
			b32 = b.Float32s()
		}
		runEW(k32, float32(c), y.Float32s(), a.Float32s(), b32)
		return
	}
	var b64 []float64
	if b != nil {
		b64 = b.Float64s()
	}
	runEW(k64, c, y.Float64s(), a.Float64s(), b64)
}

func f32s[T float](v []T) []float32 {
	return unsafe.Slice((*float32)(unsafe.Pointer(unsafe.SliceData(v))), len(v))
}

func f64s[T float](v []T) []float64 {
	return unsafe.Slice((*float64)(unsafe.Pointer(unsafe.SliceData(v))), len(v))
}
