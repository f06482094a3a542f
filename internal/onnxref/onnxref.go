// Package onnxref runs the referees of zerograd's ONNX files for tests: ONNX Runtime (the
// npm package onnxruntime-node, run by onnx/testdata/ort/run.js) and onnx.checker (Debian's
// python3-onnx, run by onnx/testdata/checker.py). Tests that need one skip with the command
// that installs it when it is absent; .ci/run installs both. The scripts are found from
// this file's place in the repository, so that tests in any folder can use them.
//
// # Error handling
//
// Every function takes the test and fails it (or skips it, for a referee that is not
// installed) rather than returning an error.
package onnxref

import (
	"encoding/binary"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"gorgonia.org/tensor"

	"github.com/zerograd/zerograd/graph"
)

// Hint is the message of tests skipped for want of ONNX Runtime.
const Hint = "ONNX Runtime absent: apt-get install nodejs npm && (cd onnx/testdata/ort && npm install --ignore-scripts)"

// testdata is the onnx package's testdata folder.
func testdata() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..", "onnx", "testdata")
}

// NeedORT skips the test when ONNX Runtime for Node is not installed.
func NeedORT(t testing.TB) {
	t.Helper()
	if _, err := exec.LookPath("node"); err != nil {
		t.Skip(Hint)
	}
	if _, err := os.Stat(filepath.Join(testdata(), "ort", "node_modules", "onnxruntime-node", "package.json")); err != nil {
		t.Skip(Hint)
	}
}

// Python finds a python3 that imports module, Debian's first, and skips the test when
// there is none.
func Python(t testing.TB, module string) string {
	t.Helper()
	for _, p := range []string{"/usr/bin/python3", "python3"} {
		if exec.Command(p, "-c", "import "+module).Run() == nil {
			return p
		}
	}
	t.Skipf("no python3 with %s: apt-get install python3-%s", module, module)
	return ""
}

// CheckModel runs onnx.checker.check_model on each file.
func CheckModel(t testing.TB, paths ...string) {
	t.Helper()
	py := Python(t, "onnx")
	out, err := exec.Command(py, append([]string{filepath.Join(testdata(), "checker.py")}, paths...)...).CombinedOutput()
	if err != nil {
		t.Fatalf("onnx.checker: %v\n%s", err, out)
	}
}

// Run runs the model file with ONNX Runtime on the named inputs, cut into batches of the
// given size along their first axis (all at once when 0) through one session; each output
// joins the batches' outputs. It skips the test when ONNX Runtime is not installed.
func Run(t testing.TB, model string, batch int, names []string, vals []*tensor.Dense) []*tensor.Dense {
	t.Helper()
	NeedORT(t)
	dir := t.TempDir()
	args := []string{filepath.Join(testdata(), "ort", "run.js")}
	if batch > 0 {
		args = append(args, "-batch", fmt.Sprint(batch))
	}
	args = append(args, model, dir)
	for i, v := range vals {
		file := filepath.Join(dir, fmt.Sprintf("in%d.bin", i))
		if err := os.WriteFile(file, RawBytes(v), 0o644); err != nil {
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
	out, err := exec.Command("node", args...).Output()
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

// RawBytes is v's data as raw little-endian bytes, as run.js reads its inputs.
func RawBytes(v *tensor.Dense) []byte {
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
	size := map[string]int{"float32": 4, "float64": 8, "int64": 8}[typ]
	if size == 0 {
		t.Fatalf("onnxruntime output type %s", typ)
	}
	if len(raw) != n*size {
		t.Fatalf("onnxruntime output of %v %s: %d bytes", dims, typ, len(raw))
	}
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
	}
	return graph.FromFloat64s(dt, dims, vals)
}

// CloseTo reports the largest error of got against want relative to max(|want|, 1), and
// whether it is within tol. NaN where the other has none is an infinite error.
func CloseTo(got, want *tensor.Dense, tol float64) (float64, bool) {
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
