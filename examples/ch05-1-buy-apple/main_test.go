package main

import (
	"testing"

	"github.com/zerograd/zerograd/examples/internal/graphtest"
)

// The book's numbers, then the pictures of the graph.
func TestBuyApple(t *testing.T) {
	graphtest.Check(t, run, "buy-apple", "price: 220\ndApple: 2.2\ndApple_num: 110\ndTax: 200\n")
}
