package main

import (
	"math"
	"path/filepath"
	"regexp"
	"strconv"
	"testing"

	"github.com/zerograd/zerograd/examples/internal/extest"
)

func TestLogspace(t *testing.T) {
	v := logspace(0, -4, 16)
	if len(v) != 16 || v[0] != 1 || math.Abs(v[15]-1e-4) > 1e-18 || math.Abs(v[1]-0.5411695265464638) > 1e-15 {
		t.Fatalf("logspace(0, -4, 16) = %v", v)
	}
}

// Three scales, 6 epochs: at W = 0.01 the plain net does not learn yet while the one with
// batch norm does (the book's figure 6-18); one line per scale and the picture.
func TestShortComparison(t *testing.T) {
	dir := t.TempDir()
	out := extest.Run(t, run, "-scales", "3", "-epochs", "6", "-out", dir)
	rows := regexp.MustCompile(`(?m)^W:(\S+) +(0\.\d{3}|1\.000)  (0\.\d{3}|1\.000)$`).FindAllStringSubmatch(out, -1)
	if len(rows) != 3 || rows[0][1] != "1" || rows[1][1] != "0.01" || rows[2][1] != "0.0001" {
		t.Fatalf("printed\n%s", out)
	}
	plain, _ := strconv.ParseFloat(rows[1][2], 64)
	bn, _ := strconv.ParseFloat(rows[1][3], 64)
	if plain > 0.3 || bn < 0.6 {
		t.Errorf("W = 0.01: accuracy %v without batch norm, %v with", plain, bn)
	}
	extest.PNG(t, filepath.Join(dir, "batchnorm.png"))
}
