package main

import (
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"os"
	"path/filepath"

	"golang.org/x/image/font"
	"golang.org/x/image/font/basicfont"
	"golang.org/x/image/math/fixed"
)

// heatmap is one date's attention: w [T S] (rows: target characters, columns: source).
type heatmap struct {
	rows, cols string
	w          []float32
}

const (
	cell   = 16 // pixels per weight
	margin = 20 // room for the labels
)

// drawHeatmaps stacks the maps into one PNG, each with its characters along the top and
// the left, weights from white (0) to black (1).
func drawHeatmaps(path string, maps []heatmap) error {
	cols := 1
	for _, m := range maps {
		cols = max(cols, len(m.cols))
	}
	width, height := margin+cols*cell+cell, cell
	for range maps {
		height += margin + tgtLen*cell + cell
	}
	img := image.NewRGBA(image.Rect(0, 0, width, height))
	draw.Draw(img, img.Bounds(), image.White, image.Point{}, draw.Src)
	d := &font.Drawer{Dst: img, Src: image.NewUniform(color.RGBA{0x30, 0x30, 0x90, 0xff}), Face: basicfont.Face7x13}
	label := func(x, y int, ch byte) {
		d.Dot = fixed.P(x+cell/2-3, y+cell/2+5)
		d.DrawString(string(ch))
	}
	y0 := cell
	for _, m := range maps {
		for j := range len(m.cols) {
			label(margin+j*cell, y0, m.cols[j])
		}
		for i := range tgtLen {
			if i < len(m.rows) {
				label(0, y0+margin+i*cell, m.rows[i])
			}
			for j := range cols {
				v := uint8(255 * (1 - min(max(m.w[i*srcLen+j], 0), 1)))
				r := image.Rect(margin+j*cell, y0+margin+i*cell, margin+(j+1)*cell-1, y0+margin+(i+1)*cell-1)
				draw.Draw(img, r, image.NewUniform(color.Gray{v}), image.Point{}, draw.Src)
			}
		}
		y0 += margin + tgtLen*cell + cell
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := png.Encode(f, img); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
