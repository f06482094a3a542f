package chart

import (
	"image"
	"path/filepath"
	"testing"

	"github.com/zerograd/zerograd/examples/internal/extest"
)

func gray(img image.Image, x, y int) uint32 {
	r, _, _, _ := img.At(x, y).RGBA()
	return r >> 8
}

// Five 2x2 tiles in 3 columns of 8-pixel cells: each value is a 4x4 block, scaled to the
// tile's own range, inverted; captions put ink under the tiles.
func TestGrid(t *testing.T) {
	var tiles []Tile
	for i := range 5 {
		tiles = append(tiles, Tile{Pixels: []float32{0, float32(i + 1), 0, 0}, H: 2, W: 2, Caption: "7"})
	}
	opt := GridOptions{Cols: 3, Cell: 8, Gap: 2, Invert: true, Title: "grid"}
	path := filepath.Join(t.TempDir(), "grid.png")
	if err := Grid(path, tiles, opt); err != nil {
		t.Fatal(err)
	}
	img := extest.PNG(t, path)
	w, h := GridSize(tiles, opt)
	if b := img.Bounds(); b.Dx() != w || b.Dy() != h {
		t.Fatalf("picture is %v, GridSize says %dx%d", b, w, h)
	}
	if wantW, wantH := 2+3*(8+2), (16+8)+2+2*(8+12+4+2); w != wantW || h != wantH {
		t.Fatalf("GridSize %dx%d, want %dx%d", w, h, wantW, wantH)
	}
	top := 16 + 8 + 2
	for i := range 5 {
		x0 := 2 + (i%3)*10
		y0 := top + (i/3)*26
		// Top right block is each tile's maximum: black; the others white.
		if g := gray(img, x0+5, y0+1); g != 0 {
			t.Errorf("tile %d top right: gray %d, want 0", i, g)
		}
		if g := gray(img, x0+1, y0+6); g != 255 {
			t.Errorf("tile %d bottom left: gray %d, want 255", i, g)
		}
		ink := false
		for y := y0 + 8; y < y0+8+16; y++ {
			for x := x0; x < x0+8; x++ {
				ink = ink || gray(img, x, y) < 128
			}
		}
		if !ink {
			t.Errorf("tile %d: no caption under it", i)
		}
	}
}

// A fixed range maps values to the same grays in every tile.
func TestGridFixedRange(t *testing.T) {
	tiles := []Tile{{Pixels: []float32{-1, 0, 0.5, 1}, H: 2, W: 2}}
	path := filepath.Join(t.TempDir(), "g.png")
	if err := Grid(path, tiles, GridOptions{Cell: 2, Gap: 1, Min: -1, Max: 1}); err != nil {
		t.Fatal(err)
	}
	img := extest.PNG(t, path)
	if b := img.Bounds(); b.Dx() != 4 || b.Dy() != 4 {
		t.Fatalf("bounds %v, want 4x4", b)
	}
	for i, want := range []uint32{0, 128, 191, 255} {
		if g := gray(img, 1+i%2, 1+i/2); g != want {
			t.Errorf("value %d: gray %d, want %d", i, g, want)
		}
	}
}

func TestGridErrors(t *testing.T) {
	dir := t.TempDir()
	if err := Grid(filepath.Join(dir, "a.png"), nil, GridOptions{}); err == nil {
		t.Error("no tiles: no error")
	}
	if err := Grid(filepath.Join(dir, "b.png"), []Tile{{Pixels: make([]float32, 3), H: 2, W: 2}}, GridOptions{}); err == nil {
		t.Error("short tile: no error")
	}
}
