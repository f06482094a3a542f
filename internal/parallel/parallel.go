package parallel

import (
	"runtime"
	"sync"
)

// Task is a loop body over the items [lo, hi).
type Task interface{ Run(lo, hi int) }

// MinWork is the number of inner-loop steps below which a loop runs on its caller: waking
// a worker costs about as much as a few thousand steps.
const MinWork = 1 << 15

// workers are Cores()-1 goroutines, started on first use, that run the chunks of one loop
// at a time. A job is sent by value and the wait group is the pool's, so a loop allocates
// nothing.
var workers struct {
	once sync.Once
	mu   sync.Mutex // held by the loop running on the workers
	n    int
	jobs chan job
	wg   sync.WaitGroup
}

type job struct {
	t      Task
	lo, hi int
}

func start() {
	// NumCPU, not GOMAXPROCS, which may be 1 just now (testing.AllocsPerRun sets it so);
	// each loop uses at most GOMAXPROCS of them.
	workers.n = max(runtime.NumCPU(), runtime.GOMAXPROCS(0)) - 1
	workers.jobs = make(chan job, max(workers.n, 1))
	for range workers.n {
		go func() {
			for j := range workers.jobs {
				j.t.Run(j.lo, j.hi)
				workers.wg.Done()
			}
		}()
	}
}

// Cores returns the most chunks For cuts a loop into: one for each worker and one for the
// caller. A loop whose result must not depend on how many cores are free (a sum in a fixed
// order) can cut its work into Cores() parts itself and run them with For.
func Cores() int {
	workers.once.Do(start)
	return workers.n + 1
}

// For runs t over the items [0, n) and returns when it is done. When the loop is worth it
// (work, its number of inner-loop steps, is at least MinWork) and the workers are free, it
// runs in min(n, Cores(), GOMAXPROCS) contiguous chunks of about n/p items, the first on
// the caller; otherwise t.Run(0, n) runs on the caller. A loop that t starts runs on its
// caller: the workers are taken.
func For(n, work int, t Task) {
	workers.once.Do(start)
	p := min(n, workers.n+1, runtime.GOMAXPROCS(0))
	if p < 2 || work < MinWork || !workers.mu.TryLock() {
		t.Run(0, n)
		return
	}
	defer workers.mu.Unlock()
	for w := 1; w < p; w++ {
		workers.wg.Add(1)
		workers.jobs <- job{t, w * n / p, (w + 1) * n / p}
	}
	t.Run(0, n/p)
	workers.wg.Wait()
}
