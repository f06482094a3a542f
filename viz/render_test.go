package viz

import (
	"bytes"
	"image"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/zerograd/zerograd/graph"
	"github.com/zerograd/zerograd/ops"
)

// checkPicture decodes a PNG and fails when it is not a picture of several colours.
func checkPicture(t *testing.T, data []byte) image.Image {
	t.Helper()
	img, err := png.Decode(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("PNG does not decode: %v", err)
	}
	b := img.Bounds()
	if b.Dx() < 50 || b.Dy() < 50 {
		t.Fatalf("PNG is %dx%d", b.Dx(), b.Dy())
	}
	colours := map[[4]uint32]bool{}
	for y := b.Min.Y; y < b.Max.Y; y += 3 {
		for x := b.Min.X; x < b.Max.X; x += 3 {
			r, g, bl, a := img.At(x, y).RGBA()
			colours[[4]uint32{r >> 8, g >> 8, bl >> 8, a >> 8}] = true
		}
	}
	if len(colours) < 4 {
		t.Fatalf("PNG has %d colours: blank", len(colours))
	}
	return img
}

func TestPNG(t *testing.T) {
	tg := appleGraph(t)
	data, err := PNG(Options{View: Backward, Values: tg.rec}, tg.outputs...)
	if err != nil {
		t.Fatal(err)
	}
	img := checkPicture(t, data)
	// The gradients are red: some pixels must be clearly red.
	red := 0
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			r, g, bl, _ := img.At(x, y).RGBA()
			if r>>8 > 200 && g>>8 < 60 && bl>>8 < 60 {
				red++
			}
		}
	}
	if red < 20 {
		t.Errorf("%d red pixels: the gradients are not drawn", red)
	}
}

func TestErrors(t *testing.T) {
	tg := appleGraph(t)
	other := graph.New().Input("z", graph.Float64)
	for name, err := range map[string]error{
		"no outputs":   second(Dot(Options{})),
		"nil output":   second(Dot(Options{}, nil)),
		"two graphs":   second(Dot(Options{}, tg.outputs[0], other)),
		"unknown view": second(Dot(Options{View: 1 << 6}, tg.outputs...)),
		"bad format":   second(Render([]byte("digraph{a}"), "gif")),
		"bad DOT":      second(Render([]byte("digraph { a -> }"), SVGFormat)),
		"no recording": second(HTML(Options{Values: ValueMap{}}, tg.outputs...)),
		"nil program":  second(Record(nil, nil)),
	} {
		if err == nil {
			t.Errorf("%s: no error", name)
		} else if !strings.HasPrefix(err.Error(), "viz: ") {
			t.Errorf("%s: error %q does not start with viz:", name, err)
		}
	}
	// A run that fails is reported by Record.
	x := graph.New().Input("x", graph.Float64, 2)
	prog := graph.MustCompile(ops.Exp(x))
	if _, err := Record(prog, graph.Feeds{}); err == nil || !strings.Contains(err.Error(), "missing feeds") {
		t.Errorf("Record with a missing feed: %v", err)
	}
}

func second[T any](_ T, err error) error { return err }

// A program is a Values for its outputs; Merge asks its sources in turn.
func TestProgramValues(t *testing.T) {
	g := graph.New()
	a := g.Input("a", graph.Float64)
	y := ops.Mul(a, a).SetName("y")
	prog := graph.MustCompile(y)
	if _, err := prog.Run(graph.Feeds{a: graph.ScalarValue(graph.Float64, 3)}); err != nil {
		t.Fatal(err)
	}
	dot, err := Dot(Options{Values: Merge(nil, ValueMap{}, prog)}, y)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(dot, []byte(`"y\nscalar float64\n9"`)) {
		t.Errorf("the value of y is not drawn:\n%s", dot)
	}
}

func TestWriteFiles(t *testing.T) {
	tg := appleGraph(t)
	dir := filepath.Join(t.TempDir(), "out")
	paths, err := WriteFiles(dir, "apple", Options{Values: tg.rec}, tg.outputs...)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"apple-forward.dot", "apple-forward.svg", "apple-backward.dot", "apple-backward.svg",
		"apple-full.dot", "apple-full.svg", "apple.html"}
	if len(paths) != len(want) {
		t.Fatalf("wrote %v", paths)
	}
	for i, p := range paths {
		if filepath.Base(p) != want[i] {
			t.Errorf("file %d is %s, want %s", i, p, want[i])
		}
		data, err := os.ReadFile(p)
		if err != nil || len(data) == 0 {
			t.Errorf("%s: %v, %d bytes", p, err, len(data))
		}
		if strings.HasSuffix(p, ".svg") {
			svgTexts(t, data) // parses
		}
	}
}
