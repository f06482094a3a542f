package viz

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/goccy/go-graphviz"

	"github.com/zerograd/zerograd/graph"
)

// Format is an image format Render produces.
type Format string

// The formats.
const (
	SVGFormat Format = "svg"
	PNGFormat Format = "png"
)

// Graphviz runs in-process, compiled to WebAssembly (github.com/goccy/go-graphviz on the
// wazero runtime): no program needs to be installed. The WebAssembly module is compiled
// when the go-graphviz package initialises (about 2 s the first time on a laptop-class core,
// 0.1 s once wazero's compilation cache in os.TempDir()/go-graphviz holds it). One
// Graphviz context is made per process on first use and shared; the module is a single
// instance, so renders take turns under a lock.
var (
	gvOnce sync.Once
	gv     *graphviz.Graphviz
	gvErr  error
	gvMu   sync.Mutex
)

func renderer() (*graphviz.Graphviz, error) {
	gvOnce.Do(func() {
		gv, gvErr = graphviz.New(context.Background())
		if gvErr != nil {
			gvErr = fmt.Errorf("viz: start graphviz: %w", gvErr)
		}
	})
	return gv, gvErr
}

// Render lays out DOT source with Graphviz's dot and returns the picture in the given format.
// It is safe to call from several goroutines (they take turns).
func Render(dot []byte, format Format) ([]byte, error) {
	switch format {
	case SVGFormat, PNGFormat:
	default:
		return nil, fmt.Errorf("viz: render: unknown format %q (want svg or png)", format)
	}
	r, err := renderer()
	if err != nil {
		return nil, err
	}
	gvMu.Lock()
	defer gvMu.Unlock()
	g, err := graphviz.ParseBytes(dot)
	if err != nil {
		return nil, fmt.Errorf("viz: render: parse DOT: %w", err)
	}
	if g == nil {
		return nil, errors.New("viz: render: parse DOT: no graph")
	}
	defer g.Close()
	out := graphviz.Format(format)
	if format == PNGFormat {
		out = "json" // the layout, painted by paintPNG
	}
	var buf bytes.Buffer
	if err := r.Render(context.Background(), g, out, &buf); err != nil {
		return nil, fmt.Errorf("viz: render %s: %w", format, err)
	}
	if buf.Len() == 0 {
		return nil, fmt.Errorf("viz: render %s: Graphviz produced nothing", format)
	}
	if format == PNGFormat {
		return paintPNG(buf.Bytes())
	}
	return buf.Bytes(), nil
}

// SVG draws the picture Dot describes as SVG. Each DOT node and edge keeps its id as the
// id of its SVG group (fw_t0003, bw_e0004_1, ...), for pages that highlight them.
func SVG(opt Options, outputs ...*graph.Node) ([]byte, error) {
	dot, err := Dot(opt, outputs...)
	if err != nil {
		return nil, err
	}
	return Render(dot, SVGFormat)
}

// PNG draws the picture Dot describes as a PNG image.
func PNG(opt Options, outputs ...*graph.Node) ([]byte, error) {
	dot, err := Dot(opt, outputs...)
	if err != nil {
		return nil, err
	}
	return Render(dot, PNGFormat)
}
