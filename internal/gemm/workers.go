package gemm

import (
	"sync"
	"sync/atomic"

	"github.com/zerograd/zerograd/internal/parallel"
)

// A small pool of long-lived helper goroutines runs the tasks of parallel
// gemm calls. Keeping them alive, instead of starting goroutines per call,
// makes a parallel call cost a channel send per helper and allocate nothing.

// tasks is a set of independent tasks, numbered from 0.
type tasks interface{ run(i int) }

// forJob is one parallelFor in flight: helpers and the caller take task
// numbers from next until they run out.
type forJob struct {
	t    tasks
	n    int64
	next atomic.Int64
	wg   sync.WaitGroup // one count per helper asked to join
	left atomic.Int32   // helpers asked to join that have not finished
}

func (j *forJob) work() {
	for {
		i := j.next.Add(1) - 1
		if i >= j.n {
			return
		}
		j.t.run(int(i))
	}
}

var (
	helpersMu sync.Mutex
	helpers   int                        // helper goroutines started so far
	helpCh    = make(chan *forJob, 1024) // jobs waiting for a helper
	forJobs   stash[*forJob]
)

// helper runs jobs forever, polling for the next one a while before it blocks
// (parallel.SpinFor).
func helper() {
	for {
		var j *forJob
		parallel.SpinUntil(func() bool {
			select {
			case j = <-helpCh:
				return true
			default:
				return false
			}
		})
		if j == nil {
			j = <-helpCh
		}
		j.work()
		j.wg.Done()
		j.left.Add(-1)
	}
}

// startHelpers makes sure at least n helper goroutines exist.
func startHelpers(n int) {
	helpersMu.Lock()
	for helpers < n {
		helpers++
		go helper()
	}
	helpersMu.Unlock()
}

// parallelFor runs t.run(0) ... t.run(n-1) on the calling goroutine and up to
// workers-1 helpers, handing out tasks one by one so that a worker slowed
// down by something else on the machine simply takes fewer of them. It
// returns when all tasks are done.
func parallelFor(t tasks, n, workers int) {
	h := min(workers, n) - 1
	if h <= 0 {
		for i := range n {
			t.run(i)
		}
		return
	}
	startHelpers(h)
	j, ok := forJobs.take()
	if !ok {
		j = new(forJob)
	}
	j.t, j.n = t, int64(n)
	j.next.Store(0)
	j.wg.Add(h)
	j.left.Store(int32(h))
	for range h {
		select {
		case helpCh <- j:
		default: // every helper is busy and the queue is full: do it ourselves
			j.wg.Done()
			j.left.Add(-1)
		}
	}
	j.work()
	// Helpers mark themselves done in the wait group before they count down left: once
	// left is 0, Wait returns at once.
	parallel.SpinUntil(func() bool { return j.left.Load() == 0 })
	j.wg.Wait()
	j.t = nil
	forJobs.put(j)
}
