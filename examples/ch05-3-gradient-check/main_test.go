package main

import (
	"bufio"
	"context"
	"io"
	"strconv"
	"strings"
	"testing"
)

// The book's check prints differences around 1e-10 to 1e-13; every one must be below 1e-7.
func TestGradientCheckOnMNIST(t *testing.T) {
	var out strings.Builder
	if err := run(context.Background(), &out, io.Discard, []string{"-hidden", "10"}); err != nil {
		t.Fatal(err)
	}
	sc := bufio.NewScanner(strings.NewReader(out.String()))
	names := []string{}
	for sc.Scan() {
		name, v, ok := strings.Cut(sc.Text(), ":")
		if !ok {
			t.Fatalf("line %q", sc.Text())
		}
		d, err := strconv.ParseFloat(v, 64)
		if err != nil || d >= 1e-7 {
			t.Errorf("%s: mean abs difference %v (want < 1e-7)", name, v)
		}
		names = append(names, name)
	}
	if strings.Join(names, " ") != "W1 b1 W2 b2" {
		t.Fatalf("printed %q", out.String())
	}
}
