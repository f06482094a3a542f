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
)

var perplexityLine = regexp.MustCompile(`(?m)^perplexity (\d+\.\d{3}) after 15 epochs \(29 characters to choose from\)$`)

// Fifteen passes over the built-in text take the perplexity from 29 (a uniform guess) to
// under 3, and the sample is as long as asked, in the text's characters.
func TestShortTraining(t *testing.T) {
	var out bytes.Buffer
	if code := cli.Exit(context.Background(), name, run, &out, io.Discard, []string{"-epochs", "15", "-hidden", "64", "-sample", "50"}); code != 0 {
		t.Fatalf("exit %d", code)
	}
	m := perplexityLine.FindStringSubmatch(out.String())
	if m == nil {
		t.Fatalf("printed %q", out.String())
	}
	if ppl, _ := strconv.ParseFloat(m[1], 64); ppl > 3 {
		t.Errorf("perplexity %v after 15 epochs", ppl)
	}
	_, sample, ok := strings.Cut(out.String(), "sample:\n")
	if !ok || len([]rune(strings.TrimSuffix(sample, "\n"))) != 51 {
		t.Fatalf("sample %q", sample)
	}
	for _, r := range sample {
		if !strings.ContainsRune(corpus, r) {
			t.Errorf("sample has %q, not in the text", r)
		}
	}
}

// A text shorter than one batch of streams is an error, and -h prints the usage.
func TestShortTextAndHelp(t *testing.T) {
	if err := run(context.Background(), io.Discard, io.Discard, []string{"-steps", "1000"}); err == nil {
		t.Error("-steps 1000 on a 1244-character text did not fail")
	}
	var logw bytes.Buffer
	if code := cli.Exit(context.Background(), name, run, io.Discard, &logw, []string{"-h"}); code != 0 || !strings.HasPrefix(logw.String(), "usage: "+name+" [flags]") {
		t.Fatalf("exit %d, %q", code, logw.String())
	}
}
