//go:build race

package gemm

// Under the race detector sync.Pool drops items on purpose, so allocation
// counts mean nothing there.
const raceEnabled = true
