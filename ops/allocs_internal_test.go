package ops

import "runtime"

// WarmAllocs runs run in batches of runs calls, up to 30 batches, until one batch
// allocates less than limit a call, and returns that batch's allocations per call (or the
// last batch's). It counts with runtime.MemStats because testing.AllocsPerRun sets
// GOMAXPROCS to 1 and so skips the parallel paths. The runtime allocates on its own for a
// while after the workers start: parked goroutines take sudogs from per-P caches, and
// while those caches settle (a worker parks on one P and wakes on another) the runtime
// makes new ones, a few hundred at most. An allocation of ours would show in every batch.
func WarmAllocs(runs int, limit float64, run func()) float64 {
	var n float64
	for range 30 {
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		for range runs {
			run()
		}
		runtime.ReadMemStats(&after)
		if n = float64(after.Mallocs-before.Mallocs) / float64(runs); n < limit {
			break
		}
	}
	return n
}
