package main

import (
	"context"
	"io"
	"strings"
	"testing"
)

func TestDescentReachesOrigin(t *testing.T) {
	var out strings.Builder
	if err := run(context.Background(), &out, io.Discard, nil); err != nil {
		t.Fatal(err)
	}
	// The book prints array([-6.1e-10, 8.1e-10]): 0.8^100 times the start.
	want := "numerical gradient descent: x = (-6.11e-10, 8.15e-10)\nbackprop gradient descent:  x = (-6.11e-10, 8.15e-10)\n"
	if out.String() != want {
		t.Fatalf("got\n%s\nwant\n%s", out.String(), want)
	}
}
