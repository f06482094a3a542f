package main

import (
	"context"
	"io"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/zerograd/zerograd/examples/internal/extest"
)

var matchLine = regexp.MustCompile(`(?m)^held-out exact match (\d\.\d{4}) \((\d+) of 300\) after 2 epochs`)

// A small run (3000 dates, two epochs of batches of 20, a few seconds) already rewrites most held-out dates
// exactly, and draws one attention map per shown date.
func TestShortTraining(t *testing.T) {
	dir := t.TempDir()
	out := extest.Exit(t, name, run, "-train", "3000", "-test", "300", "-epochs", "2", "-batch", "20", "-show", "2", "-out", dir)
	m := extest.Match(t, matchLine, out)
	if acc, _ := strconv.ParseFloat(m[1], 64); acc < 0.5 {
		t.Errorf("exact match %v after two small epochs\n%s", acc, out)
	}
	if h := extest.PNG(t, filepath.Join(dir, "attention.png")).Bounds().Dy(); h != cell+2*(margin+tgtLen*cell+cell) {
		t.Errorf("picture %d pixels high for two maps", h)
	}
}

// Training and test dates are distinct, every source fits the vocabulary and the padding,
// and every target is YYYY-MM-DD of the same day.
func TestDates(t *testing.T) {
	train, test := makeDates(newRand(), 3000, 1000)
	seen := map[string]bool{}
	for _, p := range train {
		seen[p.src] = true
	}
	for _, p := range append(train, test...) {
		if err := mustVocab(p.src); err != nil {
			t.Fatal(err)
		}
		if _, err := time.Parse("2006-01-02", p.tgt); err != nil {
			t.Fatal(err)
		}
	}
	for _, p := range test {
		if seen[p.src] {
			t.Fatalf("%q is in both sets", p.src)
		}
	}
	for _, p := range train {
		if strings.Contains(p.src, "/") && len(p.src) <= 8 { // m/d/yy
			parts := strings.Split(p.src, "/")
			if p.tgt[2:4] != parts[2] {
				t.Errorf("%q -> %q", p.src, p.tgt)
			}
		}
	}
}

// Too few training dates for one batch is an error, and -h prints the usage.
func TestFlags(t *testing.T) {
	if err := run(context.Background(), io.Discard, io.Discard, []string{"-train", "10"}); err == nil {
		t.Error("-train 10 with -batch 100 did not fail")
	}
	extest.Help(t, name, run)
}
