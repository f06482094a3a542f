package main

import (
	"compress/gzip"
	"context"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

var accuracyLine = regexp.MustCompile(`^test accuracy (0|1)\.\d{4}\n$`)

// A few augmented steps on a tiny slice: the run writes its files, and -weights evaluates
// the saved parameters to the same accuracy.
func TestShortTrainingAndWeights(t *testing.T) {
	dir := t.TempDir()
	var out strings.Builder
	args := []string{"-train", "100", "-batch", "25", "-epochs", "1", "-test", "50", "-eval-sample", "25", "-out", dir}
	if err := run(context.Background(), &out, args); err != nil {
		t.Fatal(err)
	}
	if !accuracyLine.MatchString(out.String()) {
		t.Fatalf("printed %q", out.String())
	}
	for _, f := range []string{"params.safetensors", "checkpoint.safetensors", "loss.png", "accuracy.png", "augmented.png"} {
		if st, err := os.Stat(filepath.Join(dir, f)); err != nil || st.Size() == 0 {
			t.Fatalf("%s: %v", f, err)
		}
	}
	var again strings.Builder
	if err := run(context.Background(), &again, []string{"-weights", filepath.Join(dir, "params.safetensors"), "-test", "50"}); err != nil {
		t.Fatal(err)
	}
	if again.String() != out.String() {
		t.Fatalf("-weights printed %q, training printed %q", again.String(), out.String())
	}
}

// Ctrl-C after the second step saves a checkpoint; -resume does the remaining two steps.
func TestInterruptAndResume(t *testing.T) {
	dir := t.TempDir()
	args := []string{"-train", "100", "-batch", "25", "-epochs", "1", "-test", "50", "-eval-sample", "25", "-out", dir}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	steps := 0
	afterStep = func(n int) {
		steps++
		if n == 2 {
			cancel()
		}
	}
	defer func() { afterStep = nil }()
	var out strings.Builder
	if err := run(ctx, &out, args); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(out.String(), "interrupted; run again with -resume") || steps != 2 {
		t.Fatalf("after %d steps printed %q", steps, out.String())
	}
	if _, err := os.Stat(filepath.Join(dir, "params.safetensors")); err == nil {
		t.Fatal("an interrupted run saved its final parameters")
	}
	steps = 0
	out.Reset()
	if err := run(context.Background(), &out, append(args, "-resume")); err != nil {
		t.Fatal(err)
	}
	if !accuracyLine.MatchString(out.String()) || steps != 2 {
		t.Fatalf("resumed for %d steps, printed %q", steps, out.String())
	}
}

// The book's deep_convnet_params.pkl loads by name (here a file of the same names and
// shapes with made-up values).
func TestBookPickle(t *testing.T) {
	src, err := os.Open("../../nn/testdata/book_deep_convnet_params.pkl.gz")
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	zr, err := gzip.NewReader(src)
	if err != nil {
		t.Fatal(err)
	}
	pkl := filepath.Join(t.TempDir(), "deep_convnet_params.pkl")
	f, err := os.Create(pkl)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(f, zr); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	var out strings.Builder
	if err := run(context.Background(), &out, []string{"-weights", pkl, "-test", "50"}); err != nil {
		t.Fatal(err)
	}
	if !accuracyLine.MatchString(out.String()) {
		t.Fatalf("printed %q", out.String())
	}
}
