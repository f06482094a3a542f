package main

import (
	"regexp"
	"strconv"
	"testing"

	"github.com/zerograd/zerograd/examples/internal/extest"
)

var accuracyLine = regexp.MustCompile(`(?m)^test accuracy (0\.\d{4}) \(on 500 test images\)\n$`)

// A small LSTM reading 2000 images row by row learns well past chance in a few seconds;
// -weights evaluates the saved parameters to the same accuracy.
func TestShortTrainingAndWeights(t *testing.T) {
	dir := t.TempDir()
	out := extest.Exit(t, name, run, "-train", "2000", "-test", "500", "-epochs", "3", "-hidden", "32", "-lr", "0.01", "-eval-sample", "200", "-out", dir)
	m := extest.Match(t, accuracyLine, out)
	if acc, _ := strconv.ParseFloat(m[1], 64); acc < 0.5 {
		t.Fatalf("test accuracy %v after 3 epochs of 2000 images", acc)
	}
	extest.SameWithWeights(t, run, out, dir, m[0], "-test", "500", "-hidden", "32")
}

// -h prints the usage and exits 0.
func TestHelp(t *testing.T) {
	extest.Help(t, name, run)
}
