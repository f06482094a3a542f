package main

import (
	"testing"

	"github.com/zerograd/zerograd/examples/internal/graphtest"
)

// The book's numbers, then the pictures of the graph.
func TestBuyAppleOrange(t *testing.T) {
	graphtest.Check(t, run, "buy-apple-orange",
		"price: 715\ndApple: 2.2\ndApple_num: 110\ndOrange: 3.3\ndOrange_num: 165\ndTax: 650\n")
}
