package ops

// ForceWinograd sets the choice between Winograd and im2col for 3x3 stride-1
// convolutions (1: Winograd wherever it applies, -1: never, 0: by shape) for the
// external tests, and returns the function that restores it.
func ForceWinograd(mode int) (restore func()) {
	old := winoMode
	winoMode = mode
	return func() { winoMode = old }
}
