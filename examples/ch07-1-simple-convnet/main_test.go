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

// A few hundred images train the net well past chance; -weights evaluates the saved
// parameters to the same accuracy.
func TestShortTrainingAndWeights(t *testing.T) {
	dir := t.TempDir()
	var out bytes.Buffer
	args := []string{"-train", "600", "-test", "500", "-epochs", "2", "-lr", "0.005", "-eval-sample", "200", "-out", dir}
	if code := cli.Exit(context.Background(), name, run, &out, io.Discard, args); code != 0 {
		t.Fatalf("exit %d", code)
	}
	m := accuracyLine.FindStringSubmatch(out.String())
	if m == nil {
		t.Fatalf("printed %q", out.String())
	}
	if acc, _ := strconv.ParseFloat(m[1], 64); acc < 0.6 {
		t.Fatalf("test accuracy %v after 600 images", acc)
	}
	params := filepath.Join(dir, "params.safetensors")
	if !strings.Contains(out.String(), "wrote "+params) {
		t.Fatalf("printed %q", out.String())
	}
	var again bytes.Buffer
	if err := run(context.Background(), &again, io.Discard, []string{"-weights", params, "-test", "500"}); err != nil {
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
