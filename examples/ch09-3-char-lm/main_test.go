package main

import (
	"bytes"
	"context"
	"io"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/zerograd/zerograd/examples/internal/cli"
	"github.com/zerograd/zerograd/examples/internal/extest"
)

var (
	epochLine = regexp.MustCompile(`(?m)^epoch (\d+): training (\d+\.\d{3}), validation (\d+\.\d{3}) bits per character`)
	alphaLine = regexp.MustCompile(`(?m)^(\d+) characters to choose from \(uniform guess (\d+\.\d{3}) bits\)`)
)

// bits returns the uniform guess and every epoch's training and validation bits per
// character that run printed.
func bits(t *testing.T, out string, epochs int) (uniform float64, train, val []float64) {
	t.Helper()
	a := alphaLine.FindStringSubmatch(out)
	ms := epochLine.FindAllStringSubmatch(out, -1)
	if a == nil || len(ms) != epochs {
		t.Fatalf("printed %q", out)
	}
	uniform, _ = strconv.ParseFloat(a[2], 64)
	for _, m := range ms {
		tr, _ := strconv.ParseFloat(m[2], 64)
		v, _ := strconv.ParseFloat(m[3], 64)
		train, val = append(train, tr), append(val, v)
	}
	return uniform, train, val
}

// One small epoch over the first 150 KB of Go's sources takes the held-out files well
// under a uniform guess, samples as it trains, and ends with a sample as long as asked.
func TestGoSources(t *testing.T) {
	var out, logw bytes.Buffer
	args := []string{"-bytes", "150000", "-epochs", "1", "-batch", "16", "-steps", "16", "-hidden", "32",
		"-sample", "40", "-sample-every", "100", "-lr", "0.01"}
	if code := cli.Exit(context.Background(), name, run, &out, &logw, args); code != 0 {
		t.Fatalf("exit %d\n%s", code, logw.String())
	}
	uniform, _, val := bits(t, out.String(), 1)
	if val[0] > uniform-2 {
		t.Errorf("validation %.3f bits per character, uniform %.3f", val[0], uniform)
	}
	if !strings.Contains(logw.String(), "step 100: training ") {
		t.Errorf("no sample while training: %q", logw.String())
	}
	_, sample, ok := strings.Cut(out.String(), "sample (after 16 held-out characters):\n")
	if !ok || len(sample) < 56 {
		t.Errorf("sample %q", sample)
	}
}

// Fifteen passes over the built-in text take its training loss under 1.6 bits per
// character (perplexity 3), and the sample is in the text's characters.
func TestBuiltinText(t *testing.T) {
	var out bytes.Buffer
	args := []string{"-text", "builtin", "-epochs", "15", "-batch", "8", "-steps", "12", "-hidden", "64", "-lr", "0.01", "-sample", "50"}
	if code := cli.Exit(context.Background(), name, run, &out, io.Discard, args); code != 0 {
		t.Fatalf("exit %d", code)
	}
	_, train, _ := bits(t, out.String(), 15)
	if train[14] > 1.6 {
		t.Errorf("training %.3f bits per character after 15 epochs", train[14])
	}
	if !strings.Contains(out.String(), "29 characters to choose from") {
		t.Errorf("printed %q", out.String())
	}
	_, sample, _ := strings.Cut(out.String(), "held-out characters):\n")
	for _, r := range sample {
		if !strings.ContainsRune(corpus, r) {
			t.Errorf("sample has %q, not in the text", r)
		}
	}
}

// A text shorter than one batch of streams, or a GOROOT without sources, is an error, and
// -h prints the usage.
func TestErrorsAndHelp(t *testing.T) {
	if err := run(context.Background(), io.Discard, io.Discard, []string{"-text", "builtin", "-steps", "1000"}); err == nil {
		t.Error("-steps 1000 on a 1244-character text did not fail")
	}
	if err := run(context.Background(), io.Discard, io.Discard, []string{"-root", t.TempDir()}); err == nil {
		t.Error("an empty root did not fail")
	}
	extest.Help(t, name, run)
}
