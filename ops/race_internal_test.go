//go:build race

package ops

// raceOn skips allocation counts under the race detector, which allocates on its own.
const raceOn = true
