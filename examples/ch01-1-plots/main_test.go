package main

import (
	"context"
	"image"
	_ "image/png"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestArange(t *testing.T) {
	x := arange(0, 6, 0.1)
	if len(x) != 60 || x[0] != 0 || x[59] < 5.89 || x[59] > 5.91 {
		t.Fatalf("arange(0, 6, 0.1): %d values, last %v", len(x), x[len(x)-1])
	}
}

// The program prints only the path, and the path holds a PNG of the book's size with
// both curves drawn in color.
func TestWritesPNG(t *testing.T) {
	dir := t.TempDir()
	var out strings.Builder
	if err := run(context.Background(), &out, io.Discard, []string{"-out", dir}); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "sin_cos.png")
	if out.String() != path+"\n" {
		t.Fatalf("printed %q, want the path %q", out.String(), path)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, format, err := image.Decode(f)
	if err != nil || format != "png" {
		t.Fatalf("decode: %v (format %q)", err, format)
	}
	b := img.Bounds()
	if b.Dx() < 400 || b.Dy() < 250 {
		t.Fatalf("picture is %v", b)
	}
	colored := 0
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			r, g, bl, _ := img.At(x, y).RGBA()
			if max(r, g, bl)-min(r, g, bl) > 0x4000 {
				colored++
			}
		}
	}
	if colored < 500 {
		t.Fatalf("only %d colored pixels: the curves are missing", colored)
	}
}
