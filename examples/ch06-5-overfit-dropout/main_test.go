package main

import (
	"context"
	"io"
	"path/filepath"
	"testing"

	"github.com/zerograd/zerograd/examples/internal/extest"
)

// short runs 60 epochs with 1000 test images and returns train acc and gap.
func short(t *testing.T, ratio, dir string) (train, gap float64) {
	t.Helper()
	out := extest.Run(t, run, "-dropout", ratio, "-epochs", "60", "-test", "1000", "-out", dir)
	train, _, gap = extest.Gap(t, out, "dropout "+ratio, 60)
	return train, gap
}

// Without dropout the 300 images are soon learned much better than the test images; with
// dropout 0.2 the training accuracy is held back and the gap stays small.
func TestDropoutNarrowsGap(t *testing.T) {
	dir := t.TempDir()
	train0, gap0 := short(t, "0", dir)
	train2, gap2 := short(t, "0.2", dir)
	t.Logf("dropout 0: train %v gap %v; dropout 0.2: train %v gap %v", train0, gap0, train2, gap2)
	if train0 < 0.8 || gap0 < 0.15 {
		t.Errorf("without dropout: train acc %v, gap %v: want overfitting", train0, gap0)
	}
	if train2 >= train0 || gap2 >= gap0/2 {
		t.Errorf("dropout 0.2: train acc %v, gap %v; without: %v, %v", train2, gap2, train0, gap0)
	}
	extest.PNG(t, filepath.Join(dir, "accuracy.png"))
}

func TestBadRatio(t *testing.T) {
	if err := run(context.Background(), io.Discard, io.Discard, []string{"-dropout", "1"}); err == nil {
		t.Fatal("dropout 1 accepted")
	}
}
