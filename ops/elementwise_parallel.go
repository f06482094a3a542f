package ops

import (
	"math"
	"unsafe"

	"gorgonia.org/tensor"
)

// The hot elementwise kernels (ReLU and its gradient, sigmoid, add, sub, mul) run over both
// cores when the tensors are big, on the worker pool of im2col.go. A task names its kernel
// by kind instead of holding a closure, so a call allocates nothing.

type ewKind uint8

const (
	ewLeaky     ewKind = iota // y = a > 0 ? a : c*a
	ewReLUGrad                // y = b > 0 ? a : c*a  (a = gy, b = x)
	ewSigmoid                 // y = 1 / (1 + e^-a)
	ewSigmoidGr               // y = a * b * (1 - b)  (a = gy, b = y)
	ewAdd
	ewSub
	ewMul
)

type ewTask[T float] struct {
	kind    ewKind
	c       T
	y, a, b []T
}

func (t *ewTask[T]) run(lo, hi int) {
	y, a := t.y[lo:hi], t.a[lo:hi]
	var b []T
	if t.b != nil {
		b = t.b[lo:hi]
	}
	switch t.kind {
	case ewLeaky:
		leakyK(y, a, t.c)
	case ewReLUGrad:
		reluGradK(y, a, b, t.c)
	case ewSigmoid:
		sigmoidK(y, a)
	case ewSigmoidGr:
		sigmoidGradK(y, a, b)
	case ewAdd:
		addK(y, a, b)
	case ewSub:
		subK(y, a, b)
	case ewMul:
		mulK(y, a, b)
	}
}

var sharedEW struct {
	f32 ewTask[float32]
	f64 ewTask[float64]
}

func runEW[T float](kind ewKind, c T, y, a, b []T) {
	t := ewTask[T]{kind: kind, c: c, y: y, a: a, b: b}
	n := len(y)
	p := acquireWorkers(n, n)
	if p < 2 {
		t.run(0, n)
		return
	}
	shared, ok := any(&sharedEW.f32).(*ewTask[T])
	if !ok {
		shared = any(&sharedEW.f64).(*ewTask[T])
	}
	*shared = t
	fanOut(shared, n, p)
	*shared = ewTask[T]{}
	workers.mu.Unlock()
}

// elementwise runs the kernel kind on tensors of either element type (b may be nil).
func elementwise(kind ewKind, c float64, y, a, b *tensor.Dense) {
	if is32(y) {
		var b32 []float32
		if b != nil {
			b32 = b.Float32s()
		}
		runEW(kind, float32(c), y.Float32s(), a.Float32s(), b32)
		return
	}
	var b64 []float64
	if b != nil {
		b64 = b.Float64s()
	}
	runEW(kind, c, y.Float64s(), a.Float64s(), b64)
}

// leakyK is branch-free: max and min compile to vector-friendly code, where a data-dependent
// branch on random signs mispredicts half the time.
func leakyK[T float](y, x []T, slope T) {
	y = y[:len(x)]
	if slope == 0 {
		var z T
		if unsafe.Sizeof(z) == 4 { // AVX2 where there is (vec_amd64.s)
			n := relu32Vec(f32s(y), f32s(x))
			y, x = y[n:], x[n:]
		}
		for i, v := range x {
			y[i] = max(v, 0)
		}
		return
	}
	for i, v := range x {
		y[i] = max(v, 0) + slope*min(v, 0)
	}
}

// reluGradK passes gy where x > 0 and slope*gy elsewhere, selecting by the sign bits of x
// rather than by a branch.
func reluGradK[T float](out, gy, x []T, slope T) {
	x = x[:len(gy)]
	out = out[:len(gy)]
	var z T
	if unsafe.Sizeof(z) == 4 {
		reluGrad32(f32s(out), f32s(gy), f32s(x), float32(slope))
		return
	}
	reluGrad64(f64s(out), f64s(gy), f64s(x), float64(slope))
}

func reluGrad32(out, gy, x []float32, slope float32) {
	x = x[:len(gy)]
	out = out[:len(gy)]
	n := reluGrad32Vec(out, gy, x, slope) // AVX2 where there is (vec_amd64.s)
	out, gy, x = out[n:], gy[n:], x[n:]
	for i, g := range gy {
		b := math.Float32bits(x[i])
		m := uint32(int32(b-1)>>31) | uint32(int32(b)>>31) // all ones where x <= 0 (or -0)
		out[i] = math.Float32frombits(math.Float32bits(g)&^m | math.Float32bits(slope*g)&m)
	}
}

func reluGrad64(out, gy, x []float64, slope float64) {
	x = x[:len(gy)]
	out = out[:len(gy)]
	for i, g := range gy {
		b := math.Float64bits(x[i])
		m := uint64(int64(b-1)>>63) | uint64(int64(b)>>63)
		out[i] = math.Float64frombits(math.Float64bits(g)&^m | math.Float64bits(slope*g)&m)
	}
}

func f32s[T float](v []T) []float32 {
	return unsafe.Slice((*float32)(unsafe.Pointer(unsafe.SliceData(v))), len(v))
}

func f64s[T float](v []T) []float64 {
	return unsafe.Slice((*float64)(unsafe.Pointer(unsafe.SliceData(v))), len(v))
}
