package main

import (
	"context"
	"image"
	_ "image/png"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// 60 iterations on 1000 images, the sharpness measured every 20 on 200 of them: a line per
// measurement with a positive, finite sharpness, and both pictures written.
func TestShortRun(t *testing.T) {
	dir := t.TempDir()
	var out strings.Builder
	args := []string{"-train", "1000", "-iters", "60", "-every", "20", "-eval", "200", "-power", "8", "-out", dir}
	if err := run(context.Background(), &out, io.Discard, args); err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`(?m)^iter +(\d+) .*sharpness (\S+)`).FindAllStringSubmatch(out.String(), -1)
	if len(m) != 4 || m[3][1] != "60" {
		t.Fatalf("want 4 measurements (iterations 0, 20, 40, 60), printed\n%s", out.String())
	}
	for _, l := range m {
		v, err := strconv.ParseFloat(l[2], 64)
		if err != nil || !(v > 0 && v < 100) {
			t.Errorf("iteration %s: sharpness %q", l[1], l[2])
		}
	}
	for _, f := range []string{"sharpness.png", "loss.png"} {
		p := filepath.Join(dir, f)
		if !strings.Contains(out.String(), "wrote "+p+"\n") {
			t.Errorf("the output does not name %s", p)
		}
		r, err := os.Open(p)
		if err != nil {
			t.Fatal(err)
		}
		_, _, err = image.Decode(r)
		r.Close()
		if err != nil {
			t.Errorf("%s: %v", f, err)
		}
	}
}
