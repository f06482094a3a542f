package nn_test

import (
	"compress/gzip"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/zerograd/zerograd/graph"
	"github.com/zerograd/zerograd/nn"
)

// gunzipFixture writes testdata/name.gz uncompressed into a temporary file: the pickle as
// the book ships it.
func gunzipFixture(t *testing.T, name string) string {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", name+".gz"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), name)
	out, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(out, zr); err != nil {
		t.Fatal(err)
	}
	if err := out.Close(); err != nil {
		t.Fatal(err)
	}
	return path
}

// bookPattern is the value make_book_pickles.py stores at element i of the array named name.
func bookPattern(name string, i int) float64 {
	return float64((i*7+len(name)*13+int(name[len(name)-1]))%101-50) / 1000
}

func checkPattern(t *testing.T, params []*graph.Node) {
	t.Helper()
	for _, p := range params {
		v := graph.Float64s(p.Value())
		for i, x := range v {
			if want := bookPattern(p.Name(), i); math.Abs(x-want) > 1e-7 {
				t.Fatalf("%s[%d] = %v, want %v", p.Name(), i, x, want)
			}
		}
	}
}

func TestLoadBookSampleWeight(t *testing.T) {
	path := gunzipFixture(t, "book_sample_weight.pkl")
	g := graph.New()
	net := nn.NewInferenceNet(g, graph.Float32, rand.New(rand.NewPCG(1, 1)))
	if err := nn.LoadBookPickle(path, net); err != nil {
		t.Fatal(err)
	}
	checkPattern(t, net.Params())

	// The same file does not fit a TwoLayerNet: every mismatch is named.
	two := nn.NewTwoLayerNet(graph.New(), 784, 50, 10, 0.01, graph.Float32, rand.New(rand.NewPCG(1, 1)))
	err := nn.LoadBookPickle(path, two)
	if err == nil || !strings.Contains(err.Error(), "W2") || !strings.Contains(err.Error(), "W3") {
		t.Fatalf("got %v", err)
	}
}
