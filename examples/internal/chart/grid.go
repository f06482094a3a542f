package chart

import (
	"fmt"
	"image"
	"image/color"
	"image/png"
	"math"
	"os"
	"path/filepath"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
)

// Tile is one grayscale picture of a grid: H x W values in row-major order, with an
// optional caption drawn under it.
type Tile struct {
	Pixels  []float32
	H, W    int
	Caption string
}

// GridOptions lay out a grid of tiles. The zero value works: as many columns as make a
// square, cells of at least 64 pixels, each tile scaled to its own range.
type GridOptions struct {
	Cols  int    // tiles per row; 0: ceil(sqrt(n))
	Cell  int    // pixels per tile side; 0: the smallest whole multiple of the tile size >= 64
	Gap   int    // pixels between tiles and around the grid; 0: Cell/8
	Title string // drawn above the grid
	// Invert draws large values dark, small ones light: matplotlib's gray_r, which the book
	// uses for its filters and digits.
	Invert bool
	// Min and Max map values to black and white (white and black with Invert). When both are
	// zero each tile uses its own smallest and largest value, as imshow does.
	Min, Max float64
}

const (
	gridFont  = 12 // caption size in pixels (points at 72 dpi)
	titleFont = 16
)

// layout fills in the defaults for n tiles of h x w.
func (o GridOptions) layout(n, h, w int) GridOptions {
	if o.Cols <= 0 {
		o.Cols = max(1, int(math.Ceil(math.Sqrt(float64(n)))))
	}
	if o.Cell <= 0 {
		side := max(h, w, 1)
		o.Cell = side * ((64 + side - 1) / side)
	}
	if o.Gap <= 0 {
		o.Gap = max(1, o.Cell/8)
	}
	return o
}

// GridSize is the size in pixels of the picture Grid draws for tiles with opt.
func GridSize(tiles []Tile, opt GridOptions) (width, height int) {
	o, capH, titleH := gridLayout(tiles, opt)
	rows := (len(tiles) + o.Cols - 1) / o.Cols
	width = o.Gap + o.Cols*(o.Cell+o.Gap)
	height = titleH + o.Gap + rows*(o.Cell+capH+o.Gap)
	return width, height
}

func gridLayout(tiles []Tile, opt GridOptions) (o GridOptions, captionH, titleH int) {
	h, w := 1, 1
	for _, t := range tiles {
		h, w = max(h, t.H), max(w, t.W)
		if t.Caption != "" {
			captionH = gridFont + 4
		}
	}
	if opt.Title != "" {
		titleH = titleFont + 8
	}
	return opt.layout(len(tiles), h, w), captionH, titleH
}

// Grid draws tiles left to right, top to bottom, on white, each scaled to a square cell
// with nearest-neighbour sampling (every value stays a crisp block), with its caption
// under it and opt.Title above all, into a PNG file at path.
func Grid(path string, tiles []Tile, opt GridOptions) error {
	if len(tiles) == 0 {
		return fmt.Errorf("chart: %s: no tiles", filepath.Base(path))
	}
	for i, t := range tiles {
		if t.H < 1 || t.W < 1 || len(t.Pixels) != t.H*t.W {
			return fmt.Errorf("chart: %s: tile %d has %d values, not %dx%d", filepath.Base(path), i, len(t.Pixels), t.H, t.W)
		}
	}
	o, capH, titleH := gridLayout(tiles, opt)
	width, height := GridSize(tiles, opt)
	c := vgimg.NewWith(vgimg.UseWH(vg.Length(width), vg.Length(height)), vgimg.UseDPI(72)) // 1 point = 1 pixel
	dc := draw.New(c)
	style := func(size vg.Length) draw.TextStyle {
		return draw.TextStyle{Color: color.Black, Font: font.From(plot.DefaultFont, size),
			XAlign: draw.XCenter, YAlign: draw.YTop, Handler: plot.DefaultTextHandler}
	}
	if o.Title != "" {
		dc.FillText(style(titleFont), vg.Point{X: vg.Length(width) / 2, Y: vg.Length(height - 4)}, o.Title)
	}
	type cell struct{ x, y int }
	cells := make([]cell, len(tiles))
	for i, t := range tiles {
		x := o.Gap + (i%o.Cols)*(o.Cell+o.Gap)
		y := titleH + o.Gap + (i/o.Cols)*(o.Cell+capH+o.Gap)
		cells[i] = cell{x, y}
		if t.Caption != "" {
			pt := vg.Point{X: vg.Length(x) + vg.Length(o.Cell)/2, Y: vg.Length(height - (y + o.Cell + 2))}
			dc.FillText(style(gridFont), pt, t.Caption)
		}
	}
	img, ok := c.Image().(*image.RGBA)
	if !ok {
		return fmt.Errorf("chart: %s: canvas is a %T, not an RGBA image", filepath.Base(path), c.Image())
	}
	for i, t := range tiles {
		paintTile(img, cells[i].x, cells[i].y, o, t)
	}
	return writePNG(path, img)
}

// paintTile writes tile t into the o.Cell-sized square at (x0, y0).
func paintTile(img *image.RGBA, x0, y0 int, o GridOptions, t Tile) {
	lo, hi := o.Min, o.Max
	if lo == 0 && hi == 0 {
		lo, hi = math.Inf(1), math.Inf(-1)
		for _, v := range t.Pixels {
			lo, hi = min(lo, float64(v)), max(hi, float64(v))
		}
	}
	scale := 0.0
	if hi > lo {
		scale = 1 / (hi - lo)
	}
	for py := range o.Cell {
		r := py * t.H / o.Cell
		for px := range o.Cell {
			v := (float64(t.Pixels[r*t.W+px*t.W/o.Cell]) - lo) * scale
			v = min(1, max(0, v))
			if o.Invert {
				v = 1 - v
			}
			g := uint8(math.Round(255 * v))
			img.SetRGBA(x0+px, y0+py, color.RGBA{g, g, g, 255})
		}
	}
}

func writePNG(path string, img image.Image) error {
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("chart: %w", err)
	}
	if err := png.Encode(f, img); err != nil {
		f.Close()
		return fmt.Errorf("chart: %s: %w", filepath.Base(path), err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("chart: %w", err)
	}
	return nil
}
