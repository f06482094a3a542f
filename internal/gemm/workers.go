package gemm

import "github.com/zerograd/zerograd/internal/parallel"

// Parallel gemm calls run their tasks on internal/parallel's workers, the same goroutines
// that run the ops' loops: one pool, whose idle workers poll a while for the next loop
// before they sleep, so that a product after a convolution finds a worker awake. (With a
// pool of its own, gemm's helper, woken while the other pool's worker polled on the second
// core, waited behind it for up to the polling time: inference ran 11% slower.)

// Run is the body each worker (and the caller) runs for the running phase: it takes task
// numbers from next until they run out, so that a worker slowed down by something else on
// the machine simply takes fewer of them. The range parallel.For gives it does not matter.
func (s *parallelGemm[T]) Run(lo, hi int) {
	for {
		i := s.next.Add(1) - 1
		if i >= s.tasks {
			return
		}
		s.run(int(i))
	}
}

// parallelFor runs s.run(0) ... s.run(n-1) on the calling goroutine and up to workers-1
// of parallel's workers (fewer when GOMAXPROCS or the machine has fewer cores, none when
// they are busy with another loop, such as the one this call runs inside), and returns
// when all tasks are done.
func (s *parallelGemm[T]) parallelFor(n, workers int) {
	w := min(workers, n)
	if w <= 1 {
		for i := range n {
			s.run(i)
		}
		return
	}
	s.tasks = int64(n)
	s.next.Store(0)
	parallel.For(w, parallel.MinWork, s) // s lives in cfg's stash, past the call
}
