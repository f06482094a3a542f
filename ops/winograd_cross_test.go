package ops_test

import (
	"testing"

	"github.com/zerograd/zerograd/ops"
)

// TestWinogradGradCheckAndGorgonia runs the gradient-check table (float64) and the
// gorgonia cross-checks (float64 and float32) with Winograd forced for every 3x3 stride-1
// convolution, which by default runs it only in float32 on 16 channels or more.
func TestWinogradGradCheckAndGorgonia(t *testing.T) {
	defer ops.ForceWinograd(1)()
	t.Run("gradcheck", TestGradCheck)
	t.Run("gorgonia", TestCNNGorgoniaCrossCheck)
}
