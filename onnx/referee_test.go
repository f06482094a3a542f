package onnx_test

import (
	"testing"

	"gorgonia.org/tensor"

	"github.com/zerograd/zerograd/internal/onnxref"
)

// The referees, ONNX Runtime and onnx.checker, are package internal/onnxref's (shared with
// the examples' tests); these are the short names the tests here use.

func needORT(t testing.TB) { t.Helper(); onnxref.NeedORT(t) }

func checkModel(t testing.TB, paths ...string) { t.Helper(); onnxref.CheckModel(t, paths...) }

// ortRun runs the model file with ONNX Runtime on the named inputs.
func ortRun(t testing.TB, model string, names []string, vals []*tensor.Dense) []*tensor.Dense {
	t.Helper()
	return onnxref.Run(t, model, 0, names, vals)
}

// ortRunBatches runs it in batches of the given size through one session.
func ortRunBatches(t testing.TB, model string, batch int, names []string, vals []*tensor.Dense) []*tensor.Dense {
	t.Helper()
	return onnxref.Run(t, model, batch, names, vals)
}

// closeTo reports the largest error of got against want relative to max(|want|, 1), and
// whether it is within tol.
func closeTo(got, want *tensor.Dense, tol float64) (float64, bool) {
	return onnxref.CloseTo(got, want, tol)
}
