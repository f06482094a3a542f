//go:build race

package optim_test

// Under the race detector sync.Pool drops items on purpose (the GEMM pools its packing
// buffers), so allocation counts mean nothing there.
const raceEnabled = true
