package parallel

import (
	"fmt"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// count adds one to each item it runs and records the chunks.
type count struct {
	hits   []atomic.Int32
	chunks atomic.Int32
}

func (c *count) Run(lo, hi int) {
	c.chunks.Add(1)
	for i := lo; i < hi; i++ {
		c.hits[i].Add(1)
	}
}

func TestForRunsEveryItemOnce(t *testing.T) {
	for _, n := range []int{0, 1, 2, 3, 7, 100, 1001} {
		for _, work := range []int{0, MinWork} {
			c := &count{hits: make([]atomic.Int32, n)}
			For(n, work, c)
			for i := range c.hits {
				if h := c.hits[i].Load(); h != 1 {
					t.Fatalf("n=%d work=%d: item %d ran %d times", n, work, i, h)
				}
			}
			want := int32(1)
			if work >= MinWork {
				want = int32(max(1, min(n, Cores(), runtime.GOMAXPROCS(0))))
			}
			if got := c.chunks.Load(); got != want && n > 0 {
				t.Errorf("n=%d work=%d: %d chunks, want %d", n, work, got, want)
			}
		}
	}
}

// nested starts a loop from inside a loop: the inner one runs on its caller.
type nested struct{ inner *count }

func (o *nested) Run(lo, hi int) {
	for i := lo; i < hi; i++ {
		For(len(o.inner.hits), MinWork, o.inner)
	}
}

func TestNestedForRunsOnCaller(t *testing.T) {
	n := 8
	o := &nested{inner: &count{hits: make([]atomic.Int32, 2)}}
	For(n, MinWork, o)
	for i := range o.inner.hits {
		if h := o.inner.hits[i].Load(); h != int32(n) {
			t.Fatalf("inner item %d ran %d times, want %d", i, h, n)
		}
	}
}

func TestForAllocatesNothing(t *testing.T) {
	c := &count{hits: make([]atomic.Int32, 1000)}
	For(len(c.hits), MinWork, c) // start the workers
	// testing.AllocsPerRun would set GOMAXPROCS to 1 and skip the parallel path. The
	// runtime may allocate for a while as the workers park and wake (sudogs, while its per-P
	// caches settle): the test waits for a quiet batch, which a leak of ours never gives.
	const runs = 100
	var n float64
	for range 30 {
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		for range runs {
			For(len(c.hits), MinWork, c)
		}
		runtime.ReadMemStats(&after)
		if n = float64(after.Mallocs-before.Mallocs) / runs; n < 1 {
			break
		}
	}
	if n >= 1 {
		t.Errorf("%.1f allocations per loop", n)
	}
}

// boom panics in the chunk that holds item at, and counts the items it ran.
type boom struct {
	at  int
	ran atomic.Int32
}

func (b *boom) Run(lo, hi int) {
	for i := lo; i < hi; i++ {
		if i == b.at || b.at < 0 && i == lo {
			panic(fmt.Sprintf("item %d", i))
		}
		b.ran.Add(1)
	}
}

// catch runs f and returns what it panicked with.
func catch(f func()) (r any) {
	defer func() { r = recover() }()
	f()
	return nil
}

// TestPanicReachesCallerAndFreesPool: a panic in any chunk, on the caller or on a worker,
// comes out of For on its caller (a worker's as a *Panic), and the pool serves the next
// loops in parallel.
func TestPanicReachesCallerAndFreesPool(t *testing.T) {
	const n = 64
	p := min(n, Cores(), runtime.GOMAXPROCS(0))
	for _, at := range []int{0, n - 1, -1} { // the caller's chunk, the last worker's, every chunk
		b := &boom{at: at}
		r := catch(func() { For(n, MinWork, b) })
		want := fmt.Sprintf("item %d", max(at, 0)) // the caller's panic wins
		switch v := r.(type) {
		case string:
			if v != want || at == n-1 && p > 1 {
				t.Errorf("at %d: panic %q", at, v)
			}
		case *Panic:
			if v.Value != want || at != n-1 {
				t.Errorf("at %d: panic %v", at, v.Value)
			}
			if !strings.Contains(v.Error(), want) || len(v.Stack) == 0 {
				t.Errorf("at %d: %q", at, v.Error())
			}
		default:
			t.Fatalf("at %d: panic %T %v", at, r, r)
		}
		if !workers.mu.TryLock() {
			t.Fatalf("at %d: the pool is still taken after the panic", at)
		}
		workers.mu.Unlock()
		c := &count{hits: make([]atomic.Int32, n)}
		For(n, MinWork, c)
		if got := c.chunks.Load(); got != int32(p) {
			t.Errorf("at %d: the next loop ran in %d chunks, want %d", at, got, p)
		}
	}
}

// slow sleeps in every chunk but the caller's, so that the caller's polling for its
// workers times out and it sleeps in Wait.
type slow struct {
	count
	pause time.Duration
}

func (s *slow) Run(lo, hi int) {
	if lo > 0 {
		time.Sleep(s.pause)
	}
	s.count.Run(lo, hi)
}

// TestForAfterWorkersSleep: loops run whole whether the workers are polling (back to
// back), asleep (after an idle pause longer than the polling) or slower than the caller
// (whose polling then times out), one after another, in any order.
func TestForAfterWorkersSleep(t *testing.T) {
	if Cores() < 2 || runtime.GOMAXPROCS(0) < 2 {
		t.Skip("needs 2 cores for the workers")
	}
	if got := spinUntil(func() bool { return false }); got {
		t.Fatal("spinUntil of a condition never true returned true")
	}
	const n = 64
	for round, idle := range []time.Duration{0, 0, 2 * spinFor, 0, 5 * spinFor, 0} {
		time.Sleep(idle)
		s := &slow{count: count{hits: make([]atomic.Int32, n)}}
		if round%2 == 1 {
			s.pause = 2 * spinFor
		}
		For(n, MinWork, s)
		for i := range s.hits {
			if h := s.hits[i].Load(); h != 1 {
				t.Fatalf("round %d (idle %v, pause %v): item %d ran %d times", round, idle, s.pause, i, h)
			}
		}
		if l := workers.left.Load(); l != 0 {
			t.Fatalf("round %d: %d chunks still counted after For returned", round, l)
		}
	}
}
