package parallel

import (
	"runtime"
	"sync/atomic"
	"testing"
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
	// testing.AllocsPerRun would set GOMAXPROCS to 1 and skip the parallel path.
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	const runs = 100
	for range runs {
		For(len(c.hits), MinWork, c)
	}
	runtime.ReadMemStats(&after)
	if n := float64(after.Mallocs-before.Mallocs) / runs; n >= 1 {
		t.Errorf("%.1f allocations per loop", n)
	}
}
