package ops

import (
	"gorgonia.org/tensor"

	"github.com/zerograd/zerograd/internal/parallel"
)

// Row kernels, the loops of ops that treat each row (the last axis, or a slice along
// an axis) on its own: softmax, layer norm and its gradient, cross entropy's gradient.
// Rows are independent, so splitting them over the cores gives the same bits as one loop.
// Each op defines its kernel as an empty struct next to it, so passing one allocates nothing.

// rowArgs are the operands of a row kernel: y from x, and a, b, t where it reads more.
type rowArgs[T float] struct {
	y, x, a, b []T
	t          *tensor.Dense // class labels
	ignore     *int
	d          int // elements per row (softmax: the axis' size)
	inner      int // softmax: the stride of the axis
	eps        float64
	flag       bool // softmax: log
}

type rowKernel[T float] interface {
	run(a rowArgs[T], lo, hi int)
}

type rowTask[T float] struct {
	k rowKernel[T]
	rowArgs[T]
}

func (t *rowTask[T]) Run(lo, hi int) { t.k.run(t.rowArgs, lo, hi) }

// rowSlots hold the task of a parallel row loop (taskSlot).
var rowSlots typeSlots[rowTask[float32], rowTask[float64]]

// runRows runs k over rows [0, rows), on all cores when work (inner-loop steps) is big. A
// small loop, or one that finds its slot taken, runs on the caller.
func runRows[T float](k rowKernel[T], args rowArgs[T], rows, work int) {
	t := rowTask[T]{k: k, rowArgs: args}
	s := slotFor[rowTask[T]](&rowSlots)
	if work < parallel.MinWork || !s.mu.TryLock() {
		t.Run(0, rows)
		return
	}
	defer s.mu.Unlock()
	s.t = t
	parallel.For(rows, work, &s.t)
	s.t = rowTask[T]{} // drop the caller's slices
}
