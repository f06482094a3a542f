package main

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/zerograd/zerograd/examples/internal/cli"
	"github.com/zerograd/zerograd/examples/internal/extest"
)

var accuracyLine = regexp.MustCompile(`(?m)^test accuracy (0|1)\.\d{4} \(on 50 test images\)\n$`)

// A few augmented steps on a tiny slice: the run writes and names its files, and -weights
// evaluates the saved parameters to the same accuracy.
func TestShortTrainingAndWeights(t *testing.T) {
	dir := t.TempDir()
	out := extest.Run(t, run, "-train", "100", "-batch", "25", "-epochs", "1", "-test", "50", "-eval-sample", "25", "-out", dir)
	m := accuracyLine.FindString(out)
	if m == "" {
		t.Fatalf("printed %q", out)
	}
	for _, f := range []string{"params.safetensors", "loss.png", "accuracy.png", "augmented.png"} {
		path := filepath.Join(dir, f)
		if st, err := os.Stat(path); err != nil || st.Size() == 0 || !strings.Contains(out, "wrote "+path+": ") {
			t.Fatalf("%s: %v; printed %q", f, err, out)
		}
	}
	if again := extest.Run(t, run, "-weights", filepath.Join(dir, "params.safetensors"), "-test", "50"); again != m {
		t.Fatalf("-weights printed %q, training printed %q", again, m)
	}
}

// Ctrl-C after the second step saves a checkpoint and exits 130; -resume does the
// remaining two steps.
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
	var logw bytes.Buffer
	if code := cli.Exit(ctx, name, run, io.Discard, &logw, args); code != 130 || steps != 2 {
		t.Fatalf("exit %d after %d steps:\n%s", code, steps, logw.String())
	}
	if _, err := os.Stat(filepath.Join(dir, "checkpoint.safetensors")); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, "params.safetensors")); err == nil {
		t.Fatal("an interrupted run saved its final parameters")
	}
	steps = 0
	var out bytes.Buffer
	if err := run(context.Background(), &out, io.Discard, append(args, "-resume")); err != nil {
		t.Fatal(err)
	}
	if !accuracyLine.MatchString(out.String()) || steps != 2 {
		t.Fatalf("resumed for %d steps, printed %q", steps, out.String())
	}
}

// The book's deep_convnet_params.pkl loads by name (here a file of the same names and
// shapes with made-up values).
func TestBookPickle(t *testing.T) {
	pkl := filepath.Join(t.TempDir(), "deep_convnet_params.pkl")
	extest.Gunzip(t, "../../nn/paramfile/testdata/book_deep_convnet_params.pkl.gz", pkl)
	if out := extest.Run(t, run, "-weights", pkl, "-test", "50"); !accuracyLine.MatchString(out) {
		t.Fatalf("printed %q", out)
	}
}
