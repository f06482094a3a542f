package onnx_test

import (
	"encoding/binary"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"gorgonia.org/tensor"

	"github.com/zerograd/zerograd/graph"
)

// The referees: ONNX Runtime (the npm package onnxruntime-node, run by testdata/ort/run.js)
// and onnx.checker (Debian's python3-onnx, run by testdata/checker.py). Tests that need
// one skip with the command that installs it when it is absent; .ci/run installs both.

const ortHint = "ONNX Runtime absent: apt-get install nodejs npm && (cd onnx/testdata/ort && npm install --ignore-scripts)"

func needORT(t testing.TB) {
	t.Helper()
	if _, err := exec.LookPath("node"); err != nil {
		t.Skip(ortHint)
	}
	if _, err := os.Stat("testdata/ort/node_modules/onnxruntime-node/package.json"); err != nil {
		t.Skip(ortHint)
	}
}

// python finds a python3 that imports onnx: Debian's first.
func python(t testing.TB, module string) string {
	t.Helper()
	for _, p := range []string{"/usr/bin/python3", "python3"} {
		if exec.Command(p, "-c", "import "+module).Run() == nil {
			return p
		}
	}
	t.Skipf("no python3 with %s: apt-get install python3-%s", module, module)
	return ""
}

// checkModel runs onnx.checker.check_model on each file.
func checkModel(t testing.TB, paths ...string) {
	t.Helper()
	py := python(t, "onnx")
	out, err := exec.Command(py, append([]string{"testdata/checker.py"}, paths...)...).CombinedOutput()
	if err != nil {
		t.Fatalf("onnx.checker: %v\n%s", err, out)
	}
}

// ortRun runs the model file with ONNX Runtime on the named inputs.
func ortRun(t testing.TB, model string, names []string, vals []*tensor.Dense) []*tensor.Dense {
	t.Helper()
	needORT(t)
	dir := t.TempDir()
	args := []string{"testdata/ort/run.js", model, dir}
	for i, v := range vals {
		file := filepath.Join(dir, fmt.Sprintf("in%d.bin", i))
		if err := os.WriteFile(file, rawBytes(v), 0o644); err != nil {
			t.Fatal(err)
		}
		dims := make([]string, len(v.Shape()))
		for j, d := range v.Shape() {
			dims[j] = fmt.Sprint(d)
		}
		if v.IsScalar() {
			dims = nil
		}
		args = append(args, fmt.Sprintf("%s:%s:%s:%s", names[i], v.Dtype(), strings.Join(dims, "x"), file))
	}
	cmd := exec.Command("node", args...)
	out, err := cmd.Output()
	if err != nil {
		msg := ""
		if ee, ok := err.(*exec.ExitError); ok {
			msg = string(ee.Stderr)
		}
		t.Fatalf("onnxruntime: %v: %s", err, msg)
	}
	var meta []struct {
		Name string
		Type string
		Dims []int
	}
	if err := json.Unmarshal(out, &meta); err != nil {
		t.Fatalf("onnxruntime output %q: %v", out, err)
	}
	res := make([]*tensor.Dense, len(meta))
	for i, m := range meta {
		raw, err := os.ReadFile(filepath.Join(dir, fmt.Sprintf("%d.bin", i)))
		if err != nil {
			t.Fatal(err)
		}
		res[i] = fromRaw(t, m.Type, m.Dims, raw)
	}
	return res
}

func rawBytes(v *tensor.Dense) []byte {
	var b []byte
	switch x := v.Data().(type) {
	case []float32:
		for _, f := range x {
			b = binary.LittleEndian.AppendUint32(b, math.Float32bits(f))
		}
	case []float64:
		for _, f := range x {
			b = binary.LittleEndian.AppendUint64(b, math.Float64bits(f))
		}
	case []int32:
		for _, f := range x {
			b = binary.LittleEndian.AppendUint32(b, uint32(f))
		}
	case []int64:
		for _, f := range x {
			b = binary.LittleEndian.AppendUint64(b, uint64(f))
		}
	}
	return b
}

func fromRaw(t testing.TB, typ string, dims []int, raw []byte) *tensor.Dense {
	n := graph.Shape(dims).Size()
	vals := make([]float64, n)
	dt := graph.Float64
	switch typ {
	case "float32":
		dt = graph.Float32
		for i := range vals {
			vals[i] = float64(math.Float32frombits(binary.LittleEndian.Uint32(raw[4*i:])))
		}
	case "float64":
		for i := range vals {
			vals[i] = math.Float64frombits(binary.LittleEndian.Uint64(raw[8*i:]))
		}
	case "int64":
		dt = graph.Int64
		for i := range vals {
			vals[i] = float64(int64(binary.LittleEndian.Uint64(raw[8*i:])))
		}
	default:
		t.Fatalf("onnxruntime output type %s", typ)
	}
	return graph.FromFloat64s(dt, dims, vals)
}

// closeTo reports the largest error of got against want relative to max(|want|, 1), and
// whether it is within tol.
func closeTo(got, want *tensor.Dense, tol float64) (float64, bool) {
	a, b := graph.Float64s(got), graph.Float64s(want)
	if len(a) != len(b) {
		return math.Inf(1), false
	}
	worst := 0.0
	for i := range a {
		e := math.Abs(a[i]-b[i]) / math.Max(math.Abs(b[i]), 1)
		if math.IsNaN(e) || math.IsNaN(a[i]) != math.IsNaN(b[i]) {
			e = math.Inf(1)
		}
		worst = math.Max(worst, e)
	}
	return worst, worst <= tol
}
