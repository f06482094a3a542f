package gemm

import (
	"sync/atomic"

	"github.com/zerograd/zerograd/internal/parallel"
)

// Parallel gemm calls run their tasks on internal/parallel's workers, the same goroutines
// that run the ops' loops: one pool, whose idle workers poll a while for the next loop
// before they sleep, so that a product after a convolution finds a worker awake. (With a
// pool of its own, gemm's helper, woken while the other pool's worker polled on the second
// core, waited behind it for up to the polling time: inference ran 11% slower.)

// tasks is a set of independent tasks, numbered from 0.
type tasks interface{ run(i int) }

// forJob is one parallelFor in flight: the workers and the caller take task numbers from
// next until they run out.
type forJob struct {
	t    tasks
	n    int64
	next atomic.Int64
}

// Run is the body each worker (and the caller) runs: it takes tasks one by one, so that a
// worker slowed down by something else on the machine simply takes fewer of them. The
// range parallel.For gives it does not matter.
func (j *forJob) Run(lo, hi int) {
	for {
		i := j.next.Add(1) - 1
		if i >= j.n {
			return
		}
		j.t.run(int(i))
	}
}

var forJobs stash[*forJob]

// parallelFor runs t.run(0) ... t.run(n-1) on the calling goroutine and up to workers-1
// of parallel's workers (fewer when GOMAXPROCS or the machine has fewer cores, none when
// they are busy with another loop, such as the one this call runs inside), and returns
// when all tasks are done.
func parallelFor(t tasks, n, workers int) {
	w := min(workers, n)
	if w <= 1 {
		for i := range n {
			t.run(i)
		}
		return
	}
	j, ok := forJobs.take()
	if !ok {
		j = new(forJob)
	}
	j.t, j.n = t, int64(n)
	j.next.Store(0)
	parallel.For(w, parallel.MinWork, j)
	j.t = nil
	forJobs.put(j)
}
