package main

import (
	"bytes"
	"context"
	"io"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/zerograd/zerograd/examples/internal/cli"
)

var accuracyLine = regexp.MustCompile(`(?m)^test accuracy (0\.\d{4}) \(on 500 test images\)\n$`)

// A small LSTM reading 2000 images row by row learns well past chance in a few seconds;
// -weights evaluates the saved parameters to the same accuracy.
func TestShortTrainingAndWeights(t *testing.T) {
	dir := t.TempDir()
	var out bytes.Buffer
	args := []string{"-train", "2000", "-test", "500", "-epochs", "3", "-hidden", "32", "-lr", "0.01", "-eval-sample", "200", "-out", dir}
	if code := cli.Exit(context.Background(), name, run, &out, io.Discard, args); code != 0 {
		t.Fatalf("exit %d", code)
	}
	m := accuracyLine.FindStringSubmatch(out.String())
	if m == nil {
		t.Fatalf("printed %q", out.String())
	}
	if acc, _ := strconv.ParseFloat(m[1], 64); acc < 0.5 {
		t.Fatalf("test accuracy %v after 3 epochs of 2000 images", acc)
	}
	params := filepath.Join(dir, "params.safetensors")
	if !strings.Contains(out.String(), "wrote "+params) {
		t.Fatalf("printed %q", out.String())
	}
	var again bytes.Buffer
	if err := run(context.Background(), &again, io.Discard, []string{"-weights", params, "-test", "500", "-hidden", "32"}); err != nil {
		t.Fatal(err)
	}
	if again.String() != m[0] {
		t.Fatalf("-weights printed %q, training printed %q", again.String(), m[0])
	}
}

// -h prints the usage and exits 0.
func TestHelp(t *testing.T) {
	var logw bytes.Buffer
	if code := cli.Exit(context.Background(), name, run, io.Discard, &logw, []string{"-h"}); code != 0 || !strings.HasPrefix(logw.String(), "usage: "+name+" [flags]") {
		t.Fatalf("exit %d, %q", code, logw.String())
	}
}
