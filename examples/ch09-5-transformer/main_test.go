package main

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/zerograd/zerograd/examples/internal/cli"
)

var lossLine = regexp.MustCompile(`(?m)^validation loss (\d+\.\d{4}) after 30 steps of 8 x 32 bytes`)

// Thirty small steps on the first 300 KB of Go's sources take the validation loss well
// under a uniform guess's ln 256 = 5.545, the weights save under PyTorch's names, and the
// sample is as long as asked.
func TestShortTraining(t *testing.T) {
	dir := t.TempDir()
	var out bytes.Buffer
	args := []string{"-steps", "30", "-eval-every", "30", "-eval-batches", "2", "-batch", "8", "-ctx", "32", "-dim", "32",
		"-layers", "1", "-bytes", "300000", "-sample", "40", "-save", filepath.Join(dir, "gpt.safetensors")}
	if code := cli.Exit(context.Background(), name, run, &out, io.Discard, args); code != 0 {
		t.Fatalf("exit %d", code)
	}
	m := lossLine.FindStringSubmatch(out.String())
	if m == nil {
		t.Fatalf("printed %q", out.String())
	}
	if l, _ := strconv.ParseFloat(m[1], 64); l > 4.5 {
		t.Errorf("validation loss %v after 30 steps", l)
	}
	if _, err := os.Stat(filepath.Join(dir, "gpt.safetensors")); err != nil {
		t.Error(err)
	}
	_, sample, ok := strings.Cut(out.String(), "bytes of a held-out file):\n")
	if !ok || len(sample) < 72 {
		t.Errorf("sample %q", sample)
	}
}

// A GOROOT without sources is an error, and -h prints the usage.
func TestNoSourcesAndHelp(t *testing.T) {
	if err := run(context.Background(), io.Discard, io.Discard, []string{"-root", t.TempDir()}); err == nil {
		t.Error("an empty root did not fail")
	}
	var logw bytes.Buffer
	if code := cli.Exit(context.Background(), name, run, io.Discard, &logw, []string{"-h"}); code != 0 || !strings.HasPrefix(logw.String(), "usage: "+name+" [flags]") {
		t.Fatalf("exit %d, %q", code, logw.String())
	}
}
