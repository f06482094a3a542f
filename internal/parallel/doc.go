// Package parallel runs the loops of the ops' kernels on all cores, without allocating.
//
// A loop is a Task, a body over a range of items, and For cuts [0, n) into one contiguous
// chunk per core, runs the first on the caller and the others on a small pool of worker
// goroutines, and returns when all are done:
//
//	type scale struct{ y, x []float32 } // kept where it outlives the call (see below)
//
//	func (t *scale) Run(lo, hi int) {
//		for i := lo; i < hi; i++ {
//			t.y[i] = 2 * t.x[i]
//		}
//	}
//
//	parallel.For(len(t.y), len(t.y), t)
//
// The second argument is the loop's work in inner-loop steps: below MinWork a loop runs on
// its caller, where waking a worker would cost more than it saves. One loop at a time uses
// the workers; a loop started while another runs (from another goroutine) runs on its
// caller, so For never waits for another loop and never blocks on itself. The GEMM of
// internal/gemm runs its parallel products on the same workers.
//
// # Waiting
//
// An idle worker polls for its next chunk for up to 200 us, yielding the core between
// polls, before it sleeps; a caller whose chunk is done polls for the workers' likewise.
// Waking a sleeping goroutine on an idle core costs tens of microseconds on a virtual
// machine, as much as a mid-sized loop saves by running on two cores, and a training step
// starts its next loop well within that time.
//
// # Allocation
//
// For allocates nothing, and neither does passing it a pointer that already lives on the
// heap or in a package variable. The workers read the task while For runs, so a pointer to
// a variable on the caller's stack escapes and costs an allocation per call: keep the task
// in state that outlives the call (a kernel's scratch, or a variable guarded by a lock of
// its own) and run small loops directly instead (t.Run(0, n)).
//
// # Error handling
//
// A Task reports nothing: kernels run on checked shapes. Still, a panic in a chunk neither
// ends the program nor leaves the pool taken: For waits for the other chunks, frees the
// workers, and panics on its caller: with the caller's own panic value when the caller's
// chunk panicked, otherwise with a *Panic holding the first worker's value and stack.
package parallel
