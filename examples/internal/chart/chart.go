// Package chart draws the examples' pictures with gonum/plot: lines (loss and accuracy
// curves, optimizer comparisons) and histograms, written as PNG or SVG by file extension.
package chart

import (
	"fmt"
	"image/color"
	"path/filepath"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/plotutil"
	"gonum.org/v1/plot/vg"
)

// Series is one named line.
type Series struct {
	Name string
	Y    []float64
	X    []float64 // nil: 0, 1, 2, ...
}

// Lines draws the series against their index (or X) into path (.png or .svg).
func Lines(path, title, xLabel, yLabel string, series ...Series) error {
	p := plot.New()
	p.Title.Text = title
	p.X.Label.Text = xLabel
	p.Y.Label.Text = yLabel
	p.Add(plotter.NewGrid())
	for i, s := range series {
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
			return fmt.Errorf("chart %s: %w", path, err)
		}
		l.Color = plotutil.Color(i)
		l.Width = vg.Points(1.5)
		p.Add(l)
		if s.Name != "" {
			p.Legend.Add(s.Name, l)
		}
	}
	p.Legend.Top = true
	return save(p, path)
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
