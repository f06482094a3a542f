package main

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/zerograd/zerograd/examples/internal/graphtest"
)

// The book's numbers, then the pictures of the graph.
func TestBuyApple(t *testing.T) {
	graphtest.Check(t, run, "buy-apple", "price: 220\ndApple: 2.2\ndApple_num: 110\ndTax: 200\n"+
		"forward mode, apple +1: apple_price +2, price +2.2\n")
}

// Forward mode: the tangents 1, 2 and 2.2 flow forward in blue, and the page plays them.
func TestBuyAppleForwardMode(t *testing.T) {
	dir := t.TempDir()
	if err := run(context.Background(), io.Discard, io.Discard, []string{"-out", dir}); err != nil {
		t.Fatal(err)
	}
	svg, err := os.ReadFile(filepath.Join(dir, "buy-apple-tangents.svg"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`fill="blue">1</text>`, `fill="blue">2</text>`, `fill="blue">2.2</text>`} {
		if !strings.Contains(string(svg), want) {
			t.Errorf("buy-apple-tangents.svg has no %s", want)
		}
	}
	page, err := os.ReadFile(filepath.Join(dir, "buy-apple-forward-mode.html"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(page), `data-mode="forward"`) || !strings.Contains(string(page), "tangent 2.2") {
		t.Error("buy-apple-forward-mode.html is not the forward-mode page of the run")
	}
}
