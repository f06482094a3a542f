package ops

import "sync"

// taskSlot holds the task of a parallel loop, which must outlive the call that hands it to
// the workers (internal/parallel's doc says why): one per kind of task and element type,
// taken with TryLock for the loop's duration. A caller that finds it taken runs its loop on
// its own goroutine with a task on the stack.
type taskSlot[K any] struct {
	mu sync.Mutex
	t  K
}

// typeSlots are a kind of task's slots, one per element type.
type typeSlots[F32, F64 any] struct {
	f32 taskSlot[F32]
	f64 taskSlot[F64]
}

// slotFor returns the slot of s that holds a K: the float32 task's or the float64 one's.
func slotFor[K, F32, F64 any](s *typeSlots[F32, F64]) *taskSlot[K] {
	if p, ok := any(&s.f32).(*taskSlot[K]); ok {
		return p
	}
	return any(&s.f64).(*taskSlot[K])
}
