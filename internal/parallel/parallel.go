package parallel

import (
	"fmt"
	"runtime"
	"runtime/debug"
	"sync"
	"sync/atomic"
	"time"
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
	// failed holds the first panic of a chunk run by a worker in the running loop, which
	// For raises again on its caller.
	failed atomic.Pointer[Panic]
	// left counts the running loop's chunks handed to workers and not yet finished.
	left atomic.Int32
}

// spinFor is how long an idle goroutine of a parallel loop polls before it blocks: a worker
// waiting for its next chunk, a caller waiting for its workers. Waking a blocked goroutine
// on an idle core costs tens of microseconds on a virtual machine (the core sleeps too and
// is woken by the host): on 2 cores, a 100 x 50 x 784 product split in two ran in 130 us
// instead of 108 serial when its helper slept between products, and in 57 us when it
// polled. A training step starts its next parallel loop well within this time. OpenMP's
// threads, under PyTorch, wait the same way. The cost: a goroutine of the program queued on
// the caller's core while a worker polls on the other may wait up to this long for it.
const spinFor = 200 * time.Microsecond

// spinUntil polls done, yielding the processor between polls (so a goroutine that has
// work runs first), until done returns true or spinFor has passed, and says which.
func spinUntil(done func() bool) bool {
	start := time.Now()
	for i := 0; ; i++ {
		if done() {
			return true
		}
		if i%16 == 15 && time.Since(start) > spinFor {
			return false
		}
		runtime.Gosched()
	}
}

// Panic is the value For panics with on its caller when a chunk run by a worker goroutine
// panicked: the worker's panic value and its stack. Carried to the caller, a panic in a
// kernel can be recovered where the loop was started instead of ending the program.
type Panic struct {
	Value any
	Stack []byte
}

func (p *Panic) Error() string {
	return fmt.Sprintf("parallel: a worker panicked: %v\n\n%s", p.Value, p.Stack)
}

// Unwrap returns the worker's panic value when it is an error.
func (p *Panic) Unwrap() error {
	err, _ := p.Value.(error)
	return err
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
			for {
				var j job
				got := spinUntil(func() bool {
					select {
					case j = <-workers.jobs:
						return true
					default:
						return false
					}
				})
				if !got {
					j = <-workers.jobs
				}
				j.run()
			}
		}()
	}
}

// run runs the job on a worker: a panic is kept for For to raise on its caller, and the
// job is marked done in any case, so that the pool goes on serving.
func (j job) run() {
	defer workers.left.Add(-1) // after Done: a caller that sees left at 0 waits no more
	defer workers.wg.Done()
	defer func() {
		if r := recover(); r != nil {
			workers.failed.CompareAndSwap(nil, &Panic{Value: r, Stack: debug.Stack()})
		}
	}()
	j.t.Run(j.lo, j.hi)
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
	// Deferred, so that it runs when the caller's chunk panics too: the workers finish
	// their chunks before the pool is free for the next loop.
	defer finish()
	workers.left.Store(int32(p - 1))
	for w := 1; w < p; w++ {
		workers.wg.Add(1)
		workers.jobs <- job{t, w * n / p, (w + 1) * n / p}
	}
	t.Run(0, n/p)
}

// finish waits for the workers' chunks, frees the pool and raises on the caller the
// panic of the caller's chunk, else a worker's as a *Panic.
func finish() {
	r := recover()
	spinUntil(func() bool { return workers.left.Load() == 0 })
	workers.wg.Wait()
	// A worker counts left down just after Done: where Wait returned first (the polling
	// timed out), the count must reach 0 before the next loop sets it.
	for workers.left.Load() != 0 {
		runtime.Gosched()
	}
	failed := workers.failed.Swap(nil)
	workers.mu.Unlock()
	if r != nil {
		panic(r)
	}
	if failed != nil {
		panic(failed)
	}
}
