package main

import (
	"path/filepath"
	"testing"

	"github.com/zerograd/zerograd/examples/internal/extest"
)

// short runs 60 epochs with 1000 test images and returns train acc, test acc and gap.
func short(t *testing.T, lambda, dir string) (train, test, gap float64) {
	t.Helper()
	out := extest.Run(t, run, "-weight-decay", lambda, "-epochs", "60", "-test", "1000", "-out", dir)
	return extest.Gap(t, out, "weight decay "+lambda, 60)
}

// Without weight decay the 300 images are learned far better than the test images; the
// decay holds the training accuracy back and narrows the gap.
func TestWeightDecayNarrowsGap(t *testing.T) {
	dir := t.TempDir()
	train0, _, gap0 := short(t, "0", dir)
	train1, _, gap1 := short(t, "0.1", dir)
	t.Logf("lambda 0: train %v gap %v; lambda 0.1: train %v gap %v", train0, gap0, train1, gap1)
	if gap0 < 0.15 || train0 < 0.8 {
		t.Errorf("without decay: train acc %v, gap %v: want overfitting", train0, gap0)
	}
	if train1 >= train0 || gap1 >= gap0 {
		t.Errorf("with decay 0.1: train acc %v, gap %v, not below %v, %v", train1, gap1, train0, gap0)
	}
	extest.PNG(t, filepath.Join(dir, "accuracy.png"))
}
