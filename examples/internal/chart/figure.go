package chart

import (
	"fmt"
	"image/color"
	"math"
	"os"
	"path/filepath"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/palette"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/plotutil"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// Figure is one plot with more control than Lines gives: fixed axis ranges, dashed lines,
// marked points, histograms over a fixed range, and the contour lines of a function of two
// variables (the book's figures of chapters 1, 3 and 6). Save writes it alone; Tiles puts
// several side by side as the book's subplots.
type Figure struct {
	Title, XLabel, YLabel string
	XRange, YRange        [2]float64 // {0, 0}: fit the data
	Lines                 []Line
	Hists                 []Hist
	Contour               *Contour
	NoGrid                bool
	// The legend sits at the top right unless these move it (to keep it off the lines).
	LegendLeft, LegendBottom bool
}

// Line is a line through the points (X[i], Y[i]).
type Line struct {
	Name   string // shown in the legend when not empty
	X, Y   []float64
	Dashed bool        // the book's '--'
	Points bool        // a dot on every point, as the book's 'o-'
	NoLine bool        // only the dots (a scatter plot, the book's 'o')
	Color  color.Color // nil: the i-th color of plotutil's palette
}

// Hist is a histogram of Values in Bins equal bins over Range (the book's
// plt.hist(a, 30, range=(0, 1))); values outside Range are left out. A zero Range covers
// the values.
type Hist struct {
	Values []float64
	Bins   int
	Range  [2]float64
}

// Contour draws the level lines of F over the rectangle X x Y, sampled on an N x N grid
// (default 100), at Levels (default 10 levels spread over F's range on the grid). Values
// above Clip (when it is not zero) are set to zero first, as the book's
// optimizer_compare_naive.py masks Z > 7.
type Contour struct {
	F      func(x, y float64) float64
	X, Y   [2]float64
	N      int
	Levels []float64
	Clip   float64
}

// Save writes the figure into path (.png or .svg), 6 x 4 inches.
func (f Figure) Save(path string) error {
	p, err := f.plot()
	if err != nil {
		return fmt.Errorf("chart %s: %w", path, err)
	}
	return save(p, path)
}

// Tiles writes the figures into path in a grid of cols columns, each tile w x h inches
// (the book's plt.subplot).
func Tiles(path string, cols int, w, h float64, figs ...Figure) error {
	if cols < 1 || len(figs) == 0 {
		return fmt.Errorf("chart %s: %d figures in %d columns", path, len(figs), cols)
	}
	rows := (len(figs) + cols - 1) / cols
	plots := make([][]*plot.Plot, rows)
	for r := range plots {
		plots[r] = make([]*plot.Plot, cols)
		for c := range plots[r] {
			i := r*cols + c
			if i >= len(figs) {
				continue
			}
			p, err := figs[i].plot()
			if err != nil {
				return fmt.Errorf("chart %s: figure %d: %w", path, i, err)
			}
			plots[r][c] = p
		}
	}
	format := strings.TrimPrefix(strings.ToLower(filepath.Ext(path)), ".")
	width, height := vg.Length(w*float64(cols))*vg.Inch, vg.Length(h*float64(rows))*vg.Inch
	cw, err := draw.NewFormattedCanvas(width, height, format)
	if err != nil {
		return fmt.Errorf("chart %s: %w", path, err)
	}
	dc := draw.New(cw)
	tiles := draw.Tiles{Rows: rows, Cols: cols, PadX: vg.Millimeter * 4, PadY: vg.Millimeter * 4,
		PadTop: vg.Millimeter * 2, PadBottom: vg.Millimeter * 2, PadLeft: vg.Millimeter * 2, PadRight: vg.Millimeter * 2}
	canvases := plot.Align(plots, tiles, dc)
	for r := range plots {
		for c, p := range plots[r] {
			if p != nil {
				p.Draw(canvases[r][c])
			}
		}
	}
	file, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("chart: %w", err)
	}
	if _, err := cw.WriteTo(file); err != nil {
		file.Close()
		return fmt.Errorf("chart: %s: %w", filepath.Base(path), err)
	}
	return file.Close()
}

func (f Figure) plot() (*plot.Plot, error) {
	p := plot.New()
	p.Title.Text = f.Title
	p.X.Label.Text = f.XLabel
	p.Y.Label.Text = f.YLabel
	if !f.NoGrid {
		p.Add(plotter.NewGrid())
	}
	if c := f.Contour; c != nil {
		p.Add(c.plotter())
	}
	for _, h := range f.Hists {
		hp, err := h.plotter()
		if err != nil {
			return nil, err
		}
		p.Add(hp)
	}
	legend := false
	for i, l := range f.Lines {
		if len(l.X) != len(l.Y) {
			return nil, fmt.Errorf("line %q: %d x values and %d y values", l.Name, len(l.X), len(l.Y))
		}
		pts := make(plotter.XYs, len(l.Y))
		for j := range l.Y {
			pts[j].X, pts[j].Y = l.X[j], l.Y[j]
		}
		col := l.Color
		if col == nil {
			col = plotutil.Color(i)
		}
		line, err := plotter.NewLine(pts)
		if err != nil {
			return nil, fmt.Errorf("line %q: %w", l.Name, err)
		}
		line.Color = col
		line.Width = vg.Points(1.5)
		if l.Dashed {
			line.Dashes = []vg.Length{vg.Points(6), vg.Points(3)}
		}
		var thumbs []plot.Thumbnailer
		if !l.NoLine {
			p.Add(line)
			thumbs = append(thumbs, line)
		}
		if l.Points || l.NoLine {
			sc, err := plotter.NewScatter(pts)
			if err != nil {
				return nil, fmt.Errorf("line %q: %w", l.Name, err)
			}
			sc.GlyphStyle = draw.GlyphStyle{Color: col, Radius: vg.Points(2.5), Shape: draw.CircleGlyph{}}
			p.Add(sc)
			thumbs = append(thumbs, sc)
		}
		if l.Name != "" {
			p.Legend.Add(l.Name, thumbs...)
			legend = true
		}
	}
	if legend {
		p.Legend.Top = !f.LegendBottom
		p.Legend.Left = f.LegendLeft
		p.Legend.XOffs, p.Legend.YOffs = vg.Millimeter*-2, vg.Millimeter*-2
		if f.LegendLeft {
			p.Legend.XOffs = vg.Millimeter * 2
		}
		if f.LegendBottom {
			p.Legend.YOffs = vg.Millimeter * 2
		}
	}
	if f.XRange != [2]float64{} {
		p.X.Min, p.X.Max = f.XRange[0], f.XRange[1]
	}
	if f.YRange != [2]float64{} {
		p.Y.Min, p.Y.Max = f.YRange[0], f.YRange[1]
	}
	return p, nil
}

func (h Hist) plotter() (*plotter.Histogram, error) {
	if h.Bins < 1 {
		return nil, fmt.Errorf("histogram of %d bins", h.Bins)
	}
	lo, hi := h.Range[0], h.Range[1]
	if h.Range == [2]float64{} {
		lo, hi = math.Inf(1), math.Inf(-1)
		for _, v := range h.Values {
			lo, hi = min(lo, v), max(hi, v)
		}
		if lo > hi {
			lo, hi = 0, 1
		}
		if lo == hi {
			hi = lo + 1
		}
	}
	width := (hi - lo) / float64(h.Bins)
	bins := make([]plotter.HistogramBin, h.Bins)
	for i := range bins {
		bins[i].Min, bins[i].Max = lo+float64(i)*width, lo+float64(i+1)*width
	}
	for _, v := range h.Values {
		if v < lo || v > hi || math.IsNaN(v) {
			continue
		}
		i := min(int((v-lo)/width), h.Bins-1)
		bins[i].Weight++
	}
	return &plotter.Histogram{
		Bins: bins, Width: width,
		FillColor: color.RGBA{R: 70, G: 130, B: 180, A: 255},
		LineStyle: plotter.DefaultLineStyle,
	}, nil
}

// grid samples a Contour's function.
type grid struct {
	xs, ys []float64
	z      [][]float64 // z[row][col]
}

func (g grid) Dims() (c, r int)   { return len(g.xs), len(g.ys) }
func (g grid) Z(c, r int) float64 { return g.z[r][c] }
func (g grid) X(c int) float64    { return g.xs[c] }
func (g grid) Y(r int) float64    { return g.ys[r] }
func (c *Contour) plotter() plot.Plotter {
	n := c.N
	if n < 2 {
		n = 100
	}
	g := grid{xs: make([]float64, n), ys: make([]float64, n), z: make([][]float64, n)}
	lo, hi := math.Inf(1), math.Inf(-1)
	for i := range n {
		g.xs[i] = c.X[0] + (c.X[1]-c.X[0])*float64(i)/float64(n-1)
		g.ys[i] = c.Y[0] + (c.Y[1]-c.Y[0])*float64(i)/float64(n-1)
	}
	for r := range n {
		g.z[r] = make([]float64, n)
		for col := range n {
			z := c.F(g.xs[col], g.ys[r])
			if c.Clip != 0 && z > c.Clip {
				z = 0
			}
			g.z[r][col] = z
			lo, hi = min(lo, z), max(hi, z)
		}
	}
	levels := c.Levels
	if levels == nil {
		for i := 1; i <= 10; i++ {
			levels = append(levels, lo+(hi-lo)*float64(i)/11)
		}
	}
	return plotter.NewContour(g, levels, palette.Heat(len(levels), 1))
}
