package viz

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"strconv"
	"strings"
	"sync"

	"github.com/fogleman/gg"
	"github.com/golang/freetype/truetype"
	"golang.org/x/image/font"
	"golang.org/x/image/font/gofont/goregular"
)

// PNG pictures are painted here from the layout Graphviz computes (its "json" output, whose
// _draw_ operations are xdot's), with github.com/fogleman/gg and the Go fonts. go-graphviz's
// own PNG painter draws edges as filled blobs or not at all (v0.2.10), so it is not used.

// Text outside the Go fonts' repertoire (Japanese, say) is drawn with the first of these
// fonts that exists, or as boxes when none does; SVG pictures use the viewer's fonts.
var fallbackFonts = []string{
	"/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",
	"/usr/share/fonts/truetype/arphic-gkai00mp/gkai00mp.ttf",
	"/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
}

const (
	pngScale = 2     // pixels per point: crisp on high-density screens
	pngMax   = 16000 // longest side in pixels; larger pictures are scaled down
)

type xdotOp struct {
	Op     string       `json:"op"`
	Color  string       `json:"color"`
	Rect   []float64    `json:"rect"`
	Points [][2]float64 `json:"points"`
	Pt     []float64    `json:"pt"`
	Align  string       `json:"align"`
	Text   string       `json:"text"`
	Size   float64      `json:"size"`
	Face   string       `json:"face"`
	Style  string       `json:"style"`
}

type xdotObject struct {
	Draw   []xdotOp `json:"_draw_"`
	LDraw  []xdotOp `json:"_ldraw_"`
	HDraw  []xdotOp `json:"_hdraw_"`
	TDraw  []xdotOp `json:"_tdraw_"`
	HLDraw []xdotOp `json:"_hldraw_"`
	TLDraw []xdotOp `json:"_tldraw_"`
}

type xdotGraph struct {
	xdotObject
	BB      string       `json:"bb"`
	NSub    int          `json:"_subgraph_cnt"` // objects[:NSub] are subgraphs, the rest nodes
	Objects []xdotObject `json:"objects"`
	Edges   []xdotObject `json:"edges"`
}

// paintPNG paints Graphviz's json layout output as a PNG.
func paintPNG(layout []byte) ([]byte, error) {
	var g xdotGraph
	if err := json.Unmarshal(layout, &g); err != nil {
		return nil, fmt.Errorf("viz: png: read layout: %w", err)
	}
	var bb [4]float64
	parts := strings.Split(g.BB, ",")
	if len(parts) != 4 {
		return nil, fmt.Errorf("viz: png: layout has no bounding box (%q)", g.BB)
	}
	for i, p := range parts {
		v, err := strconv.ParseFloat(p, 64)
		if err != nil {
			return nil, fmt.Errorf("viz: png: bounding box %q: %w", g.BB, err)
		}
		bb[i] = v
	}
	const margin = 4
	w, h := bb[2]-bb[0]+2*margin, bb[3]-bb[1]+2*margin
	scale := float64(pngScale)
	if m := math.Max(w, h) * scale; m > pngMax {
		scale *= pngMax / m
	}
	p := &painter{
		dc:    gg.NewContext(int(math.Ceil(w*scale)), int(math.Ceil(h*scale))),
		scale: scale,
		// xdot's y axis points up from the bottom of the bounding box.
		x0: bb[0] - margin, y1: bb[3] + margin,
	}
	p.dc.SetRGB(1, 1, 1)
	p.dc.Clear()
	p.object(g.xdotObject)
	nsub := min(max(g.NSub, 0), len(g.Objects))
	for _, o := range g.Objects[:nsub] { // clusters first, then edges, then nodes on top
		p.object(o)
	}
	for _, o := range g.Edges {
		p.object(o)
	}
	for _, o := range g.Objects[nsub:] {
		p.object(o)
	}
	var buf bytes.Buffer
	if err := p.dc.EncodePNG(&buf); err != nil {
		return nil, fmt.Errorf("viz: png: encode: %w", err)
	}
	return buf.Bytes(), nil
}

type painter struct {
	dc         *gg.Context
	scale      float64
	x0, y1     float64
	pen, fill  [4]float64
	fillSet    bool
	width      float64
	dashed     bool
	dotted     bool
	fontSize   float64
	fontFamily string
}

func (p *painter) xy(x, y float64) (float64, float64) {
	return (x - p.x0) * p.scale, (p.y1 - y) * p.scale
}

func (p *painter) object(o xdotObject) {
	for _, ops := range [][]xdotOp{o.Draw, o.HDraw, o.TDraw, o.LDraw, o.HLDraw, o.TLDraw} {
		p.reset()
		for _, op := range ops {
			p.op(op)
		}
	}
}

func (p *painter) reset() {
	p.pen = [4]float64{0, 0, 0, 1}
	p.fill = [4]float64{0, 0, 0, 0}
	p.fillSet = false
	p.width = 1
	p.dashed, p.dotted = false, false
	p.fontSize = 14
}

func (p *painter) op(op xdotOp) {
	dc := p.dc
	switch op.Op {
	case "c":
		p.pen = parseColor(op.Color)
	case "C":
		p.fill = parseColor(op.Color)
		p.fillSet = true
	case "S":
		switch {
		case strings.HasPrefix(op.Style, "setlinewidth("):
			if v, err := strconv.ParseFloat(strings.TrimSuffix(strings.TrimPrefix(op.Style, "setlinewidth("), ")"), 64); err == nil {
				p.width = v
			}
		case op.Style == "dashed":
			p.dashed, p.dotted = true, false
		case op.Style == "dotted":
			p.dashed, p.dotted = false, true
		case op.Style == "solid":
			p.dashed, p.dotted = false, false
		}
	case "F":
		p.fontSize = op.Size
		p.fontFamily = op.Face
	case "E", "e":
		if len(op.Rect) == 4 {
			x, y := p.xy(op.Rect[0], op.Rect[1])
			dc.DrawEllipse(x, y, op.Rect[2]*p.scale, op.Rect[3]*p.scale)
			p.paint(op.Op == "E")
		}
	case "P", "p", "L":
		if len(op.Points) < 2 {
			return
		}
		for i, pt := range op.Points {
			x, y := p.xy(pt[0], pt[1])
			if i == 0 {
				dc.MoveTo(x, y)
			} else {
				dc.LineTo(x, y)
			}
		}
		if op.Op != "L" {
			dc.ClosePath()
		}
		p.paint(op.Op == "P")
	case "B", "b":
		if len(op.Points) < 4 {
			return
		}
		x, y := p.xy(op.Points[0][0], op.Points[0][1])
		dc.MoveTo(x, y)
		for i := 1; i+2 < len(op.Points); i += 3 {
			x1, y1 := p.xy(op.Points[i][0], op.Points[i][1])
			x2, y2 := p.xy(op.Points[i+1][0], op.Points[i+1][1])
			x3, y3 := p.xy(op.Points[i+2][0], op.Points[i+2][1])
			dc.CubicTo(x1, y1, x2, y2, x3, y3)
		}
		// xdot says "b" for a filled B-spline, but this Graphviz writes edges as "b" and
		// filled rounded clusters as "B": a spline is filled when its list set a fill colour.
		if p.fillSet {
			dc.ClosePath()
		}
		p.paint(p.fillSet)
	case "T":
		if len(op.Pt) != 2 || op.Text == "" {
			return
		}
		x, y := p.xy(op.Pt[0], op.Pt[1])
		ax := 0.5
		switch op.Align {
		case "l":
			ax = 0
		case "r":
			ax = 1
		}
		// The json output keeps the label's doubled backslashes ("\\" for one).
		text := strings.ReplaceAll(op.Text, `\\`, `\`)
		dc.SetFontFace(faceFor(text, p.fontSize*p.scale))
		dc.SetRGBA(p.pen[0], p.pen[1], p.pen[2], p.pen[3])
		dc.DrawStringAnchored(text, x, y, ax, 0)
	}
}

// paint fills (with the fill colour) when asked, then strokes the outline with the pen.
func (p *painter) paint(filled bool) {
	dc := p.dc
	if filled {
		dc.SetRGBA(p.fill[0], p.fill[1], p.fill[2], p.fill[3])
		dc.FillPreserve()
	}
	dc.SetRGBA(p.pen[0], p.pen[1], p.pen[2], p.pen[3])
	dc.SetLineWidth(p.width * p.scale)
	switch {
	case p.dashed:
		dc.SetDash(5*p.scale, 2*p.scale)
	case p.dotted:
		dc.SetDash(1*p.scale, 5*p.scale)
	default:
		dc.SetDash()
	}
	dc.Stroke()
}

// parseColor reads "#rrggbb" or "#rrggbbaa" (xdot writes every colour so).
func parseColor(s string) [4]float64 {
	s = strings.TrimPrefix(s, "#")
	if len(s) != 6 && len(s) != 8 {
		return [4]float64{0, 0, 0, 1}
	}
	var c [4]float64
	c[3] = 1
	for i := 0; i < len(s)/2; i++ {
		v, err := strconv.ParseUint(s[2*i:2*i+2], 16, 8)
		if err != nil {
			return [4]float64{0, 0, 0, 1}
		}
		c[i] = float64(v) / 255
	}
	return c
}

var (
	fontsOnce sync.Once
	goFont    *truetype.Font
	fallback  *truetype.Font
	facesMu   sync.Mutex
	faces     = map[[2]float64]font.Face{}
)

func loadFonts() {
	goFont, _ = truetype.Parse(goregular.TTF)
	for _, path := range fallbackFonts {
		if b, err := os.ReadFile(path); err == nil {
			if f, err := truetype.Parse(b); err == nil {
				fallback = f
				return
			}
		}
	}
}

// faceFor returns a face of the given pixel size that can draw s: the Go font when it has
// every glyph, else the fallback font when there is one.
func faceFor(s string, size float64) font.Face {
	fontsOnce.Do(loadFonts)
	f, which := goFont, 0.0
	if fallback != nil {
		for _, r := range s {
			if goFont.Index(r) == 0 && fallback.Index(r) != 0 {
				f, which = fallback, 1
				break
			}
		}
	}
	key := [2]float64{size, which}
	facesMu.Lock()
	defer facesMu.Unlock()
	if face, ok := faces[key]; ok {
		return face
	}
	face := truetype.NewFace(f, &truetype.Options{Size: size, Hinting: font.HintingFull})
	faces[key] = face
	return face
}
