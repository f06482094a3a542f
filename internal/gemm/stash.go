package gemm

import (
	"sync"
	"sync/atomic"
)

// stash is a free list of reusable values (packing buffers, job records) shared by all
// goroutines. Unlike a sync.Pool, whose caches are per processor and emptied by the
// garbage collector, a value put back on one core is found by a call on any other, and
// stays until it is taken: with many more Ps than cores (GOMAXPROCS=16 on 2 cores, or 16
// real cores) a sync.Pool kept missing and allocating fresh buffers run after run. A
// stash holds at most stashMax values; more are dropped for the collector.
type stash[V any] struct {
	mu    sync.Mutex
	items []V
}

// stashMax bounds a stash: more values than this are never in use at once unless the
// caller runs that many products concurrently, and a burst of those leaves no more than
// this many behind.
const stashMax = 64

// take removes and returns the last value put back, or ok false when there is none.
func (s *stash[V]) take() (v V, ok bool) {
	s.mu.Lock()
	if n := len(s.items); n > 0 {
		v, ok = s.items[n-1], true
		var zero V
		s.items[n-1] = zero
		s.items = s.items[:n-1]
	}
	s.mu.Unlock()
	return v, ok
}

// put gives v back for reuse.
func (s *stash[V]) put(v V) {
	s.mu.Lock()
	if len(s.items) < stashMax {
		s.items = append(s.items, v)
	}
	s.mu.Unlock()
}

// getBuf returns a buffer of length n from s: the smallest kept one whose capacity is
// enough, else a new one. Give it back with s.put.
func getBuf[T scalar](s *stash[*[]T], n int) *[]T {
	s.mu.Lock()
	best := -1
	for i, p := range s.items {
		if c := cap(*p); c >= n && (best < 0 || c < cap(*s.items[best])) {
			best = i
		}
	}
	if best >= 0 {
		p := s.items[best]
		last := len(s.items) - 1
		s.items[best] = s.items[last]
		s.items[last] = nil
		s.items = s.items[:last]
		s.mu.Unlock()
		*p = (*p)[:n]
		return p
	}
	s.mu.Unlock()
	freshBufs.Add(1)
	buf := make([]T, n)
	return &buf
}

// freshBufs counts the buffers getBuf has made, for the tests.
var freshBufs atomic.Int64
