package main

import (
	"context"
	"io"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// A briefly trained SimpleConvNet: both accuracies print, and rounding to float16 moves
// the accuracy by at most a few images.
func TestHalfPrecisionAccuracy(t *testing.T) {
	var out strings.Builder
	if err := run(context.Background(), &out, io.Discard, []string{"-net", "simple", "-train", "1000", "-test", "500"}); err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`^test accuracy \(float32\) (0\.\d{4})\ntest accuracy \(float16\) (0\.\d{4})\n(\d+) parameters rounded: largest relative change (\S+) \(\d+ tiny ones below 2\^-14 lose more\)\n$`).
		FindStringSubmatch(out.String())
	if m == nil {
		t.Fatalf("printed %q", out.String())
	}
	a32, _ := strconv.ParseFloat(m[1], 64)
	a16, _ := strconv.ParseFloat(m[2], 64)
	if a32 < 0.3 || a16 < a32-0.01 || a16 > a32+0.01 {
		t.Errorf("float32 accuracy %v, float16 %v", a32, a16)
	}
	if m[3] != "433890" { // SimpleConvNet: 750+30 + 432000+100 + 1000+10
		t.Errorf("%s parameters", m[3])
	}
	if rel, _ := strconv.ParseFloat(m[4], 64); rel <= 0 || rel > 0.0005 { // 2^-11 = 0.000488, printed with 2 digits
		t.Errorf("largest relative change %v, want in (0, 2^-11]", rel)
	}
}
