package nn_test

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/zerograd/zerograd/graph"
	"github.com/zerograd/zerograd/internal/fixture"
	"github.com/zerograd/zerograd/nn"
	"github.com/zerograd/zerograd/nn/paramfile"
	"github.com/zerograd/zerograd/ops"
)

// bnModel is an affine layer and a batch norm in scope "model" and another batch norm in
// scope "other" of the same graph, whose buffers are not the model's.
func bnModel(g *graph.Graph) (graph.Scope, *nn.Sequential) {
	s := g.In("model")
	net := nn.Seq(nn.NewAffine(s.In("fc"), nn.AffineOpts{In: 3, Out: 4}), nn.NewBatchNorm(s.In("bn"), nn.BatchNormOpts{C: 4}), nn.ReLU)
	nn.NewBatchNorm(g.In("other"), nn.BatchNormOpts{C: 2})
	return s, net
}

func stateValues(s graph.Scope) map[string][]float64 {
	out := map[string][]float64{}
	for _, nt := range nn.State(s) {
		out[nt.Name] = slices.Clone(graph.Float64s(nt.Value))
	}
	return out
}

// State lists the parameters then the buffers (batch norm's running statistics) of a
// scope, by full name; Save and Load carry both.
func TestStateSaveLoadBatchNormBuffers(t *testing.T) {
	g := graph.New()
	s, net := bnModel(g)
	var got []string
	for _, nt := range nn.State(s) {
		got = append(got, nt.Name)
	}
	if want := "model.fc.W model.fc.b model.bn.gamma model.bn.beta model.bn.running_mean model.bn.running_var"; strings.Join(got, " ") != want {
		t.Fatalf("State\n got %s\nwant %s", strings.Join(got, " "), want)
	}
	if b := nn.Buffers(g.Root()); len(b) != 4 || b[2].Name != "other.running_mean" {
		t.Fatalf("root buffers %v", b)
	}
	// A training run moves the running statistics away from 0 and 1.
	x := g.Input("x", graph.Float32, 5, 3)
	prog := graph.MustCompile(net.Forward(x))
	ops.ModeOf(g).SetTrain(true)
	xs := make([]float32, 15)
	for i := range xs {
		xs[i] = float32(i%7) - 2
	}
	if _, err := prog.Run(graph.Feeds{x: graph.F32(graph.Shape{5, 3}, xs...)}); err != nil {
		t.Fatal(err)
	}
	ops.ModeOf(g).SetTrain(false)
	saved := stateValues(s)
	if m := saved["model.bn.running_mean"]; m[0] == 0 && m[1] == 0 {
		t.Fatalf("running mean did not move: %v", m)
	}
	// State shares the values: the buffer is the layer's statistics.
	bn := net.Layers[1].(*nn.BatchNorm)
	if nn.State(s)[4].Value != bn.Stats.Mean {
		t.Error("State copied the running mean")
	}

	path := filepath.Join(t.TempDir(), "model.safetensors")
	if err := nn.Save(path, s); err != nil {
		t.Fatal(err)
	}
	ts, _, err := paramfile.LoadSafetensors(path)
	if err != nil || len(ts) != 6 {
		t.Fatalf("file holds %d tensors, %v", len(ts), err)
	}
	g2 := graph.New()
	g2.Seed(9)
	s2, _ := bnModel(g2)
	if err := nn.Load(path, s2); err != nil {
		t.Fatal(err)
	}
	if loaded := stateValues(s2); !mapsEqual(saved, loaded) {
		t.Fatalf("loaded state differs:\n%v\n%v", saved, loaded)
	}

	// Another model is refused, every mismatch named, and left untouched.
	g3 := graph.New()
	s3 := g3.In("model")
	nn.NewAffine(s3.In("fc"), nn.AffineOpts{In: 3, Out: 5})
	nn.NewBatchNorm(s3.In("norm"), nn.BatchNormOpts{C: 5})
	before := stateValues(s3)
	err = nn.Load(path, s3)
	for _, want := range []string{"model.fc.W", "model.fc.b", "model.norm.gamma", "model.bn.running_var"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Fatalf("error does not name %s: %v", want, err)
		}
	}
	if !mapsEqual(before, stateValues(s3)) {
		t.Fatal("a refused load changed the model")
	}
}

func mapsEqual(a, b map[string][]float64) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if !slices.Equal(v, b[k]) {
			return false
		}
	}
	return true
}

// gunzipFixture writes paramfile/testdata/name.gz uncompressed into a temporary file:
// the pickle as the book ships it.
func gunzipFixture(t *testing.T, name string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := fixture.Gunzip(filepath.Join("paramfile", "testdata", name+".gz"), path); err != nil {
		t.Fatal(err)
	}
	return path
}

// sampleWeightNet has the parameters of the book's sample_weight.pkl (chapter 3) at the root.
func sampleWeightNet(g *graph.Graph, dt graph.DType) {
	for i, size := range [][2]int{{784, 50}, {50, 100}, {100, 10}} {
		s := g.Root()
		s.Param("W"+string(rune('1'+i)), graph.NewTensor(dt, size[0], size[1]))
		s.Param("b"+string(rune('1'+i)), graph.NewTensor(dt, size[1]))
	}
}

// LoadWeights takes a pickle or a safetensors file, and names what it cannot read.
func TestLoadWeights(t *testing.T) {
	pkl := gunzipFixture(t, "book_sample_weight.pkl")
	g := graph.New()
	sampleWeightNet(g, graph.Float32)
	if err := nn.LoadWeights(pkl, g.Root()); err != nil {
		t.Fatal(err)
	}
	want := stateValues(g.Root())
	if w := want["W1"]; w[0] == 0 && w[1] == 0 {
		t.Fatal("the pickle left W1 at zero")
	}
	// The same through LoadBookPickle, into float64 parameters.
	g64 := graph.New()
	sampleWeightNet(g64, graph.Float64)
	if err := nn.LoadBookPickle(pkl, g64.Root()); err != nil {
		t.Fatal(err)
	}
	if got := stateValues(g64.Root())["b3"]; float32(got[4]) != float32(want["b3"][4]) {
		t.Fatalf("b3[4] float64 %v, float32 %v", got[4], want["b3"][4])
	}

	st := filepath.Join(t.TempDir(), "w.safetensors")
	if err := nn.Save(st, g.Root()); err != nil {
		t.Fatal(err)
	}
	g2 := graph.New()
	sampleWeightNet(g2, graph.Float32)
	if err := nn.LoadWeights(st, g2.Root()); err != nil {
		t.Fatal(err)
	}
	if !mapsEqual(want, stateValues(g2.Root())) {
		t.Fatal("safetensors round trip differs")
	}

	txt := filepath.Join(t.TempDir(), "notes.txt")
	if err := os.WriteFile(txt, []byte("W1 = [0.1, 0.2]\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := nn.LoadWeights(txt, g2.Root()); err == nil || !strings.Contains(err.Error(), "neither a safetensors file nor a pickle") {
		t.Fatalf("text file: got %v", err)
	}
	if err := nn.LoadWeights(filepath.Join(t.TempDir(), "missing"), g2.Root()); err == nil {
		t.Fatal("a missing file loaded")
	}
	// A pickle whose names do not fit says which.
	g3 := graph.New()
	g3.Param("W1", graph.NewTensor(graph.Float32, 784, 50))
	g3.Param("W4", graph.NewTensor(graph.Float32, 3))
	if err := nn.LoadWeights(pkl, g3.Root()); err == nil || !strings.Contains(err.Error(), "W4") || !strings.Contains(err.Error(), "b3") {
		t.Fatalf("got %v", err)
	}
}

// Dropout and batch norm follow the graph's Mode, which starts at inference.
func TestModeSwitchesDropoutAndBatchNorm(t *testing.T) {
	g := graph.New()
	if ops.ModeOf(g).Train() || ops.ModeOf(g) != ops.ModeOf(g) {
		t.Fatal("a new graph's mode is not one switch set to inference")
	}
	drop := nn.NewDropout(g, nn.DropoutOpts{})
	inv := nn.NewDropout(g, nn.DropoutOpts{Ratio: 0.25, Inverted: true})
	if drop.Ratio != 0.5 {
		t.Errorf("default ratio %v", drop.Ratio)
	}
	x := g.Input("x", graph.Float64, 1000)
	prog := graph.MustCompile(drop.Forward(x), inv.Forward(x))
	ones := graph.F64(graph.Shape{1000}, slices.Repeat([]float64{1}, 1000)...)
	out, err := prog.Run(graph.Feeds{x: ones})
	if err != nil {
		t.Fatal(err)
	}
	for i := range 1000 {
		if a, b := out[0].Float64s()[i], out[1].Float64s()[i]; a != 0.5 || b != 1 {
			t.Fatalf("inference: %v %v, want 0.5 (the book's scaling) and 1 (inverted)", a, b)
		}
	}
	ops.ModeOf(g).SetTrain(true)
	out, err = prog.Run(graph.Feeds{x: ones})
	if err != nil {
		t.Fatal(err)
	}
	zeros := 0
	for i := range 1000 {
		a, b := out[0].Float64s()[i], out[1].Float64s()[i]
		if a == 0 {
			zeros++
		} else if a != 1 {
			t.Fatalf("training: dropout passed %v", a)
		}
		if b != 0 && b != 1/0.75 {
			t.Fatalf("training: inverted dropout passed %v", b)
		}
	}
	if zeros < 400 || zeros > 600 {
		t.Fatalf("training dropped %d of 1000", zeros)
	}
	var _ *ops.Mode = ops.ModeOf(g)
}
