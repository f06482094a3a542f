// Package chart draws the examples' pictures with gonum/plot: lines (loss and accuracy
// curves, optimizer comparisons) and histograms, written as PNG or SVG by file extension.
package chart

import (
	"fmt"
	"image/color"
	"math"
	"path/filepath"
	"strconv"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/plotutil"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// Series is one named line.
type Series struct {
	Name string
	Y    []float64
	X    []float64 // nil: 0, 1, 2, ...
}

// Lines draws the series against their index from 0 (or X) into path (.png or .svg). A
// series of few points (markerMax or fewer) gets a dot on every point, so that one point
// shows too: a line through a single point draws nothing.
func Lines(path, title, xLabel, yLabel string, series ...Series) error {
	p, err := linesPlot(title, xLabel, yLabel, series)
	if err != nil {
		return fmt.Errorf("chart %s: %w", path, err)
	}
	return save(p, path)
}

// Epochs draws values measured once per epoch (accuracies, mean losses) against the epoch,
// counted from 1 as training logs count them: Y[i] is drawn at x = i+1 unless the series has
// its own X. The x axis is labelled "epoch", with a tick on every epoch when they are few;
// the legend sits at the bottom right.
func Epochs(path, title, yLabel string, series ...Series) error {
	series, n := fromOne(series), 0
	for _, s := range series {
		n = max(n, len(s.Y))
	}
	p, err := linesPlot(title, "epoch", yLabel, series)
	if err != nil {
		return fmt.Errorf("chart %s: %w", path, err)
	}
	if n <= 12 {
		p.X.Tick.Marker = integerTicks{}
	}
	// Room around the data, so that the first and last points' markers are whole; the
	// legend at the bottom right, off curves that rise (accuracies).
	p.X.Min, p.X.Max = p.X.Min-0.25, p.X.Max+0.25
	pad := max((p.Y.Max-p.Y.Min)*0.05, 0.005)
	p.Y.Min, p.Y.Max = p.Y.Min-pad, p.Y.Max+pad
	p.Legend.Top = false
	p.Legend.XOffs, p.Legend.YOffs = vg.Millimeter*-2, vg.Millimeter*2
	return save(p, path)
}

// fromOne returns a copy of series in which those without X have X = 1, 2, 3, ...
func fromOne(series []Series) []Series {
	out := append([]Series(nil), series...)
	for i, s := range out {
		if s.X == nil {
			out[i].X = make([]float64, len(s.Y))
			for j := range s.Y {
				out[i].X[j] = float64(j + 1)
			}
		}
	}
	return out
}

// markerMax is the most points a series may have for Lines to mark each one.
const markerMax = 30

func linesPlot(title, xLabel, yLabel string, series []Series) (*plot.Plot, error) {
	p := plot.New()
	p.Title.Text = title
	p.X.Label.Text = xLabel
	p.Y.Label.Text = yLabel
	p.Add(plotter.NewGrid())
	for i, s := range series {
		if s.X != nil && len(s.X) != len(s.Y) {
			return nil, fmt.Errorf("series %q: %d x values and %d y values", s.Name, len(s.X), len(s.Y))
		}
		pts := make(plotter.XYs, len(s.Y))
		for j, y := range s.Y {
			pts[j].X = float64(j)
			if s.X != nil {
				pts[j].X = s.X[j]
			}
			pts[j].Y = y
		}
		l, err := plotter.NewLine(pts)
		if err != nil {
			return nil, fmt.Errorf("series %q: %w", s.Name, err)
		}
		l.Color = plotutil.Color(i)
		l.Width = vg.Points(1.5)
		p.Add(l)
		thumbs := []plot.Thumbnailer{l}
		if len(pts) <= markerMax {
			sc, err := plotter.NewScatter(pts)
			if err != nil {
				return nil, fmt.Errorf("series %q: %w", s.Name, err)
			}
			sc.GlyphStyle = draw.GlyphStyle{Color: l.Color, Radius: vg.Points(2.5), Shape: draw.CircleGlyph{}}
			p.Add(sc)
			thumbs = append(thumbs, sc)
		}
		if s.Name != "" {
			p.Legend.Add(s.Name, thumbs...)
		}
	}
	p.Legend.Top = true
	return p, nil
}

// integerTicks puts a labelled tick on every whole number of the axis range.
type integerTicks struct{}

func (integerTicks) Ticks(lo, hi float64) []plot.Tick {
	var ts []plot.Tick
	for v := math.Ceil(lo); v <= hi; v++ {
		ts = append(ts, plot.Tick{Value: v, Label: strconv.Itoa(int(v))})
	}
	return ts
}

// Histogram draws the distribution of values in bins into path.
func Histogram(path, title string, values []float64, bins int) error {
	p := plot.New()
	p.Title.Text = title
	h, err := plotter.NewHist(plotter.Values(values), bins)
	if err != nil {
		return fmt.Errorf("chart %s: %w", path, err)
	}
	h.FillColor = color.RGBA{R: 70, G: 130, B: 180, A: 255}
	p.Add(h)
	return save(p, path)
}

func save(p *plot.Plot, path string) error {
	if err := p.Save(6*vg.Inch, 4*vg.Inch, path); err != nil {
		return fmt.Errorf("chart: %s: %w", filepath.Base(path), err)
	}
	return nil
}
