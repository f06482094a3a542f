package paramfile

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"gorgonia.org/tensor"
)

// want describes one expected tensor of a fixture made by
// testdata/make_pickles.py: element i in row-major order is first + 0.25*i.
type want struct {
	name  string
	dtype tensor.Dtype
	shape []int
	first float64
}

var f32, f64 = tensor.Float32, tensor.Float64

var paramsWant = []want{
	{"W1", f32, []int{2, 3}, -1},
	{"b1", f32, []int{3}, 0.5},
	{"W2", f64, []int{3, 2, 2}, -2},
	{"b2", f64, []int{2}, 3},
	{"s", f64, []int{}, 7.25},
	{"z", f32, []int{0, 3}, 0},
}

var pickleFixtures = map[string][]want{
	"params_p1.pkl": paramsWant,
	"params_p2.pkl": paramsWant,
	"params_p3.pkl": paramsWant,
	"params_p4.pkl": paramsWant,
	"params_p5.pkl": paramsWant,
	"ordered_p2.pkl": {
		{"conv", f32, []int{2, 2}, 1}, {"bias", f32, []int{2}, -0.5}, {"affine", f64, []int{1, 3}, 2},
	},
	"ordered_p4.pkl": {
		{"conv", f32, []int{2, 2}, 1}, {"bias", f32, []int{2}, -0.5}, {"affine", f64, []int{1, 3}, 2},
	},
	"fortran_p3.pkl":   {{"F", f64, []int{2, 3, 4}, -1}, {"G", f32, []int{3, 2}, 0}},
	"fortran_p5.pkl":   {{"F", f64, []int{2, 3, 4}, -1}, {"G", f32, []int{3, 2}, 0}},
	"bigendian_p4.pkl": {{"B8", f64, []int{2, 3}, -1}, {"B4", f32, []int{4}, 2}},
	"bigendian_p5.pkl": {{"B8", f64, []int{2, 3}, -1}, {"B4", f32, []int{4}, 2}},
	"numpy2_p2.pkl":    {{"W1", f32, []int{2, 3}, -1}, {"b2", f64, []int{2}, 3}},
	"numpy2_p5.pkl":    {{"W1", f32, []int{2, 3}, -1}, {"b2", f64, []int{2}, 3}},
}

// values returns a tensor's elements as float64, row-major.
func values(t *testing.T, x *tensor.Dense) []float64 {
	t.Helper()
	switch x.Dtype() {
	case tensor.Float32:
		var out []float64
		for _, v := range x.Float32s() {
			out = append(out, float64(v))
		}
		return out
	case tensor.Float64:
		return slices.Clone(x.Float64s())
	}
	t.Fatalf("dtype %v", x.Dtype())
	return nil
}

func checkTensors(t *testing.T, got []NamedTensor, wants []want) {
	t.Helper()
	if len(got) != len(wants) {
		t.Fatalf("got %d tensors, want %d", len(got), len(wants))
	}
	for i, w := range wants {
		g := got[i]
		if g.Name != w.name || g.Value.Dtype() != w.dtype || !slices.Equal(g.Value.Shape(), w.shape) {
			t.Errorf("tensor %d: got %s %v %v, want %s %v %v", i, g.Name, g.Value.Dtype(), g.Value.Shape(), w.name, w.dtype, w.shape)
			continue
		}
		vals := values(t, g.Value)
		if len(vals) != tensor.Shape(w.shape).TotalSize() {
			t.Errorf("%s: %d elements, want %d", w.name, len(vals), tensor.Shape(w.shape).TotalSize())
		}
		for j, v := range vals {
			if e := w.first + 0.25*float64(j); v != e {
				t.Errorf("%s[%d] = %v, want %v", w.name, j, v, e)
				break
			}
		}
	}
}

func TestLoadPickleFixtures(t *testing.T) {
	for file, wants := range pickleFixtures {
		t.Run(file, func(t *testing.T) {
			path := filepath.Join("testdata", file)
			got, err := LoadPickle(path)
			if err != nil {
				t.Fatal(err)
			}
			checkTensors(t, got, wants)
			data, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			got, err = ReadPickle(bytes.NewReader(data))
			if err != nil {
				t.Fatal(err)
			}
			checkTensors(t, got, wants)
		})
	}
}

func TestLoadPickleListData(t *testing.T) {
	got, err := LoadPickle("testdata/listdata.pkl")
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || !slices.Equal(got[0].Value.Shape(), []int{2, 2}) ||
		!slices.Equal(got[0].Value.Float64s(), []float64{1.5, 2, 1, -0.25}) {
		t.Fatalf("got %v", got)
	}
}

func TestLoadPickleRefusals(t *testing.T) {
	for _, tc := range []struct {
		file, msg string
		global    string // the refused global, if any
	}{
		{"evil_system.pkl", "global posix.system is not allowed", "posix.system"},
		{"evil_eval.pkl", "global builtins.eval is not allowed", "builtins.eval"},
		{"evil_reconstructor.pkl", "global copy_reg._reconstructor is not allowed", "copy_reg._reconstructor"},
		{"evil_object.pkl", "W1: global __builtin__.object is not allowed", "__builtin__.object"},
		{"npscalar.pkl", "global numpy.core.multiarray.scalar is not allowed", "numpy.core.multiarray.scalar"},
		{"intarray.pkl", "W1: dtype <i8 is not supported (only float32 and float64)", ""},
		{"notarray.pkl", "W1: value is a list, not a numpy array", ""},
		{"shape_lie.pkl", "W1: shape (1000000, 1000000) of <f8 needs 8000000000000 bytes, the file holds 8", ""},
		{"nostate.pkl", "W1: numpy array never received its data", ""},
		{"dupkey.pkl", `"W1": name given twice`, ""},
		{"huge_bytes.pkl", "byte 2: BINBYTES8 claims 1099511627776 bytes, the file has 4 left", ""},
		{"huge_frame.pkl", "byte 2: FRAME claims 1099511627776 bytes", ""},
		{"truncated.pkl", "FRAME claims 513 bytes, the file has 251 left", ""},
	} {
		t.Run(tc.file, func(t *testing.T) {
			path := filepath.Join("testdata", tc.file)
			got, err := LoadPickle(path)
			if err == nil {
				t.Fatalf("no error, got %d tensors", len(got))
			}
			if got != nil {
				t.Errorf("tensors returned with the error")
			}
			if !strings.Contains(err.Error(), tc.msg) || !strings.Contains(err.Error(), path) {
				t.Errorf("error %q does not say %q and name %s", err, tc.msg, path)
			}
			var ug *UnsafeGlobalError
			if isGlobal := errors.As(err, &ug); isGlobal != (tc.global != "") ||
				isGlobal && ug.Module+"."+ug.Name != tc.global {
				t.Errorf("UnsafeGlobalError %v, want %q", ug, tc.global)
			}
		})
	}
}

func TestReadPickleCrafted(t *testing.T) {
	for _, tc := range []struct{ name, data, msg string }{
		{"empty", "", "without a STOP"},
		{"unknown opcode", "\x80\x02\xff.", "byte 2: unknown opcode 0xff"},
		{"protocol 6", "\x80\x06}.", "protocol 6 is not supported"},
		{"not a dict", "\x80\x02]q\x00.", "holds a list, not a dict"},
		{"int key", "\x80\x02}K\x01K\x02s.", "key 0 of the dict is a int"},
		{"odd DICT", "\x80\x02(K\x01d.", "malformed pickle"},
		{"empty stack", "\x80\x02s.", ""},
		{"os.system text", "cos\nsystem\n(S'echo pwned'\ntR.", "global os.system is not allowed"},
		{"INST", "(S'x'\nios\nsystem\n.", "global os.system is not allowed"},
		{"stack global", "\x80\x04\x8c\x02os\x8c\x06system\x93.", "global os.system is not allowed"},
		{"odd name", "\x80\x04\x8c\x03o\ns\x8c\x01x\x93.", `global "o\ns.x" is not allowed`},
		{"long text number", "\x80\x02L" + strings.Repeat("9", 300) + "\n.", "LONG argument longer than 256"},
		{"no newline", "\x80\x02S'abc", "no ending newline"},
		{"persid", "\x80\x02Pabc\n.", "persistent"},
		{"ext", "\x80\x02\x82\x01.", "extension"},
		{"next buffer", "\x80\x05\x97.", "out-of-band"},
		{"frame in frame", "\x80\x04\x95\x0a\x00\x00\x00\x00\x00\x00\x00\x95\x01\x00\x00\x00\x00\x00\x00\x00}.", "frame"},
		{"codecs utf8", "\x80\x02c_codecs\nencode\nX\x01\x00\x00\x00aX\x05\x00\x00\x00utf-8\x86R.", "only encode(str, 'latin1')"},
		{"bytes with args", "\x80\x02c__builtin__\nbytes\nK\x05\x85R.", "only bytes()"},
		{"reconstruct dtype", "\x80\x02cnumpy.core.multiarray\n_reconstruct\ncnumpy\ndtype\nK\x00\x85C\x01b\x87R.", "makes only numpy.ndarray"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ReadPickle(strings.NewReader(tc.data))
			if err == nil || got != nil {
				t.Fatalf("got %v, %v; want an error", got, err)
			}
			if !strings.Contains(err.Error(), tc.msg) {
				t.Errorf("error %q does not say %q", err, tc.msg)
			}
		})
	}
}

// TestReadPickleDamaged cuts every fixture at every byte and overwrites every
// byte with a few values: no panic, and a cut file is always an error.
func TestReadPickleDamaged(t *testing.T) {
	files, _ := filepath.Glob("testdata/*.pkl")
	for _, file := range files {
		data, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		for n := range len(data) {
			if ts, err := ReadPickle(bytes.NewReader(data[:n])); err == nil {
				t.Errorf("%s cut at %d: no error, %d tensors", file, n, len(ts))
			}
		}
		for i := range data {
			for _, b := range []byte{0, 0x7f, 0xff, data[i] ^ 1} {
				d := slices.Clone(data)
				d[i] = b
				ReadPickle(bytes.NewReader(d))
			}
		}
	}
}
