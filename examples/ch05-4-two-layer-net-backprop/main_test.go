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

// 400 iterations on 2000 images: an accuracy line per epoch of 20 iterations, rising well
// above chance, and both pictures written and named.
func TestShortTraining(t *testing.T) {
	dir := t.TempDir()
	var out strings.Builder
	if err := run(context.Background(), &out, io.Discard, []string{"-iters", "400", "-train", "2000", "-test", "500", "-out", dir}); err != nil {
		t.Fatal(err)
	}
	lines := regexp.MustCompile(`(?m)^train acc, test acc \| (0\.\d{4}), (0\.\d{4})$`).FindAllStringSubmatch(out.String(), -1)
	if len(lines) != 20 || strings.Count(out.String(), "\n") != 22 {
		t.Fatalf("want 20 accuracy lines (iterations 0, 20, ..., 380), printed\n%s", out.String())
	}
	first, _ := strconv.ParseFloat(lines[0][2], 64)
	last, _ := strconv.ParseFloat(lines[19][2], 64)
	if first > 0.3 || last < 0.8 {
		t.Fatalf("test accuracy went from %v to %v", first, last)
	}
	t.Logf("test accuracy %v -> %v", first, last)
	for _, f := range []string{"accuracy.png", "loss.png"} {
		if !strings.Contains(out.String(), "\n"+filepath.Join(dir, f)+"\n") {
			t.Errorf("the output does not name %s:\n%s", f, out.String())
		}
		r, err := os.Open(filepath.Join(dir, f))
		if err != nil {
			t.Fatal(err)
		}
		_, _, err = image.Decode(r)
		r.Close()
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
	}
}
