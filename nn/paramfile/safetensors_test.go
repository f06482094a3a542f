package paramfile

import (
	"bytes"
	"encoding/binary"
	"errors"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"gorgonia.org/tensor"
)

func dense(shape []int, backing any) *tensor.Dense { return newDense(shape, backing) }

// sameTensors reports whether two lists hold the same names, dtypes, shapes
// and bit-identical elements in the same order.
func sameTensors(a, b []NamedTensor) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		x, y := a[i].Value, b[i].Value
		if a[i].Name != b[i].Name || x.Dtype() != y.Dtype() || !slices.Equal(x.Shape(), y.Shape()) {
			return false
		}
		dx, _ := floatData(x)
		dy, _ := floatData(y)
		switch dx := dx.(type) {
		case []float32:
			dy := dy.([]float32)
			for j := range dx {
				if math.Float32bits(dx[j]) != math.Float32bits(dy[j]) {
					return false
				}
			}
		case []float64:
			dy := dy.([]float64)
			for j := range dx {
				if math.Float64bits(dx[j]) != math.Float64bits(dy[j]) {
					return false
				}
			}
		}
	}
	return true
}

func sampleTensors() []NamedTensor {
	tr := dense([]int{2, 3}, []float32{1, 2, 3, 4, 5, 6})
	tr.T() // a transposed view, saved as its elements in row-major order
	return []NamedTensor{
		{"W1", dense([]int{2, 3}, []float32{-1, 0.5, float32(math.Inf(1)), float32(math.NaN()), float32(math.Copysign(0, -1)), 1e-40})},
		{"b1", dense([]int{3}, []float64{math.Pi, -math.MaxFloat64, math.SmallestNonzeroFloat64})},
		{"scalar32", dense([]int{}, []float32{7.25})},
		{"scalar64", dense([]int{}, []float64{-2})},
		{"empty", dense([]int{0, 4}, []float32{})},
		{"empty64", dense([]int{3, 0}, []float64{})},
		{"transposed", tr},
		{"conv.W <&> ü", dense([]int{1, 2, 1, 1}, []float64{1, 2})},
	}
}

func TestSafetensorsRoundTrip(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "model.safetensors")
	ts := sampleTensors()
	meta := map[string]string{"epoch": "3", "note": `"quoted" <html> & ünicode`}
	if err := SaveSafetensors(path, ts, meta); err != nil {
		t.Fatal(err)
	}
	got, gotMeta, err := LoadSafetensors(path)
	if err != nil {
		t.Fatal(err)
	}
	if !sameTensors(got, ts) {
		t.Errorf("loaded tensors differ from saved ones")
	}
	if tr := got[6].Value.Float32s(); !slices.Equal(tr, []float32{1, 4, 2, 5, 3, 6}) {
		t.Errorf("transposed view saved as %v", tr)
	}
	if len(gotMeta) != 2 || gotMeta["epoch"] != "3" || gotMeta["note"] != meta["note"] {
		t.Errorf("metadata %v, want %v", gotMeta, meta)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	again, _, err := ReadSafetensors(data)
	if err != nil || !sameTensors(again, ts) {
		t.Errorf("ReadSafetensors disagrees with LoadSafetensors: %v", err)
	}
	// Deterministic: saving the loaded tensors gives the same bytes.
	path2 := filepath.Join(dir, "again.safetensors")
	if err := SaveSafetensors(path2, got, gotMeta); err != nil {
		t.Fatal(err)
	}
	if data2, _ := os.ReadFile(path2); !bytes.Equal(data, data2) {
		t.Errorf("saving twice gave different bytes")
	}
	if fi, _ := os.Stat(path); fi.Mode().Perm() != 0o644 {
		t.Errorf("mode %v, want 0644", fi.Mode().Perm())
	}
}

func TestSafetensorsNoMetadata(t *testing.T) {
	var b bytes.Buffer
	if err := writeSafetensors(&b, nil, nil); err != nil {
		t.Fatal(err)
	}
	ts, meta, err := ReadSafetensors(b.Bytes())
	if err != nil || len(ts) != 0 || meta == nil || len(meta) != 0 {
		t.Fatalf("empty file: %v %v %v", ts, meta, err)
	}
}

// TestSafetensorsLayout pins the exact bytes written: header in the given
// order, padded to 8 bytes, data little-endian.
func TestSafetensorsLayout(t *testing.T) {
	var b bytes.Buffer
	ts := []NamedTensor{{"b", dense([]int{2}, []float32{1, -2})}, {"a", dense([]int{}, []float64{0.5})}}
	if err := writeSafetensors(&b, ts, map[string]string{"k": "v"}); err != nil {
		t.Fatal(err)
	}
	header := `{"__metadata__":{"k":"v"},"b":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},` +
		`"a":{"dtype":"F64","shape":[],"data_offsets":[8,16]}}`
	header += strings.Repeat(" ", (8-(8+len(header))%8)%8)
	want := binary.LittleEndian.AppendUint64(nil, uint64(len(header)))
	want = append(want, header...)
	want = binary.LittleEndian.AppendUint32(want, math.Float32bits(1))
	want = binary.LittleEndian.AppendUint32(want, math.Float32bits(-2))
	want = binary.LittleEndian.AppendUint64(want, math.Float64bits(0.5))
	if !bytes.Equal(b.Bytes(), want) {
		t.Errorf("wrote\n%q\nwant\n%q", b.Bytes(), want)
	}
}

// TestSafetensorsReference reads the file make_pickles.py builds by hand
// after the format's specification and the reference writer's layout.
func TestSafetensorsReference(t *testing.T) {
	ts, meta, err := LoadSafetensors("testdata/ref.safetensors")
	if err != nil {
		t.Fatal(err)
	}
	checkTensors(t, ts, []want{
		{"a64", f64, []int{2, 2}, -1}, {"b32", f32, []int{3}, 0.5},
		{"empty", f32, []int{0, 4}, 0}, {"scalar", f32, []int{}, 7.25},
	})
	if meta["format"] != "np" || meta["source"] != "make_pickles.py" || len(meta) != 2 {
		t.Errorf("metadata %v", meta)
	}
}

func TestSaveSafetensorsRefuses(t *testing.T) {
	x := dense([]int{1}, []float32{1})
	for _, tc := range []struct {
		name string
		ts   []NamedTensor
		meta map[string]string
		msg  string
	}{
		{"duplicate", []NamedTensor{{"a", x}, {"a", x}}, nil, `tensor "a" given twice`},
		{"reserved", []NamedTensor{{"__metadata__", x}}, nil, `may not be named "__metadata__"`},
		{"nil", []NamedTensor{{"a", nil}}, nil, `tensor "a" is nil`},
		{"int", []NamedTensor{{"a", tensor.New(tensor.WithShape(2), tensor.WithBacking([]int{1, 2}))}}, nil, "dtype int is not supported"},
		{"bad utf8 name", []NamedTensor{{"a\xff", x}}, nil, "not valid UTF-8"},
		{"bad utf8 meta", nil, map[string]string{"k": "\xff"}, "valid UTF-8"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "m.safetensors")
			err := SaveSafetensors(path, tc.ts, tc.meta)
			if err == nil || !strings.Contains(err.Error(), tc.msg) || !strings.Contains(err.Error(), path) {
				t.Fatalf("error %v, want one naming %s and saying %q", err, path, tc.msg)
			}
			if _, err := os.Stat(path); !os.IsNotExist(err) {
				t.Errorf("a file was written")
			}
		})
	}
}

// TestSaveKeepsOldFile makes a save fail while writing, and at the rename,
// and checks the old file is intact and no temporary file is left behind.
func TestSaveKeepsOldFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "model.safetensors")
	if err := SaveSafetensors(path, sampleTensors(), nil); err != nil {
		t.Fatal(err)
	}
	old, _ := os.ReadFile(path)
	boom := errors.New("disk full")
	err := saveAtomic(path, func(w io.Writer) error {
		w.Write(make([]byte, 1<<17)) // past the buffer: the temp file has bytes
		return boom
	})
	if !errors.Is(err, boom) {
		t.Errorf("error %v, want %v", err, boom)
	}
	if now, _ := os.ReadFile(path); !bytes.Equal(now, old) {
		t.Errorf("a failed write changed the old file")
	}
	// A rename over a non-empty folder fails after the data is written.
	sub := filepath.Join(dir, "sub")
	os.MkdirAll(filepath.Join(sub, "keep"), 0o755)
	if err := SaveSafetensors(sub, sampleTensors(), nil); err == nil {
		t.Errorf("saving over a folder: no error")
	}
	if fi, err := os.Stat(filepath.Join(sub, "keep")); err != nil || !fi.IsDir() {
		t.Errorf("the folder was changed")
	}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if strings.Contains(e.Name(), ".tmp") {
			t.Errorf("temporary file %s left behind", e.Name())
		}
	}
	if err := SaveSafetensors(filepath.Join(dir, "no", "such", "dir", "m"), nil, nil); err == nil {
		t.Errorf("saving into a missing folder: no error")
	}
	// A successful save over the old file keeps its mode.
	os.Chmod(path, 0o600)
	if err := SaveSafetensors(path, nil, nil); err != nil {
		t.Fatal(err)
	}
	if fi, _ := os.Stat(path); fi.Mode().Perm() != 0o600 {
		t.Errorf("mode %v, want the old 0600", fi.Mode().Perm())
	}
}

// stFile builds a safetensors file from a header and n data bytes.
func stFile(header string, n int) []byte {
	b := binary.LittleEndian.AppendUint64(nil, uint64(len(header)))
	b = append(b, header...)
	return append(b, make([]byte, n)...)
}

func TestReadSafetensorsCorrupt(t *testing.T) {
	ok := `{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}`
	two := func(o1, o2 string) string {
		return `{"a":{"dtype":"F32","shape":[1],"data_offsets":` + o1 + `},"b":{"dtype":"F32","shape":[1],"data_offsets":` + o2 + `}}`
	}
	lenOnly := func(n uint64) []byte { return binary.LittleEndian.AppendUint64(nil, n) }
	for _, tc := range []struct {
		name string
		data []byte
		msg  string
	}{
		{"empty", nil, "0 bytes is too short"},
		{"short", []byte{1, 2, 3}, "3 bytes is too short"},
		{"header past end", append(lenOnly(100), "{}"...), "header length 100 (file bytes 0-7) runs past the end of the file (10 bytes)"},
		{"huge header", lenOnly(1 << 62), "runs past the end"},
		{"not an object", stFile(`[1]`, 0), "does not start with '{'"},
		{"bad utf8", stFile("{\"\xff\":1}", 0), "not valid UTF-8"},
		{"bad json", stFile(`{"a":}`, 0), "invalid character"},
		{"truncated json", stFile(`{"a":{"dtype":"F32"`, 0), "unexpected EOF"},
		{"garbage after", stFile(ok+`x`, 8), "after the closing '}'"},
		{"second object", stFile(ok+`{}`, 8), "after the closing '}'"},
		{"duplicate", stFile(`{"a":{"dtype":"F32","shape":[],"data_offsets":[0,4]},"a":{}}`, 4), `name "a" appears twice`},
		{"missing field", stFile(`{"a":{"dtype":"F32","shape":[2]}}`, 8), `tensor "a": entry needs dtype, shape and data_offsets`},
		{"not an entry", stFile(`{"a":5}`, 0), `tensor "a": header near file byte`},
		{"unknown dtype", stFile(`{"a":{"dtype":"F33","shape":[2],"data_offsets":[0,8]}}`, 8), `unknown dtype "F33"`},
		{"unsupported dtype", stFile(`{"a":{"dtype":"F16","shape":[2],"data_offsets":[0,4]}}`, 4), "dtype F16 is not supported (only F32 and F64)"},
		{"negative shape", stFile(`{"a":{"dtype":"F32","shape":[-2],"data_offsets":[0,8]}}`, 8), `tensor "a"`},
		{"three offsets", stFile(`{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8,9]}}`, 8), "has 3 numbers, want 2"},
		{"reversed", stFile(`{"a":{"dtype":"F32","shape":[0],"data_offsets":[8,0]}}`, 8), "end before they begin"},
		{"past data", stFile(ok, 4), `tensor "a": data_offsets [0, 8] run past the end of the data (4 bytes, file bytes 62 to 66)`},
		{"huge offset", stFile(`{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,18446744073709551615]}}`, 8), "run past the end of the data"},
		{"offset too big for uint64", stFile(`{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,18446744073709551616]}}`, 8), `tensor "a"`},
		{"shape vs bytes", stFile(`{"a":{"dtype":"F64","shape":[2],"data_offsets":[0,8]}}`, 8), "shape [2] of F64 needs 16 bytes, data_offsets [0, 8] (file bytes 62 to 70) hold 8"},
		{"overflow", stFile(`{"a":{"dtype":"F32","shape":[4294967296,4294967296,4],"data_offsets":[0,0]}}`, 0), "overflows"},
		{"overflow by size", stFile(`{"a":{"dtype":"F64","shape":[2305843009213693952],"data_offsets":[0,0]}}`, 0), "overflows"},
		{"zero hides overflow", stFile(`{"a":{"dtype":"F32","shape":[0,4294967296,4294967296],"data_offsets":[0,0]}}`, 0), "overflows"},
		{"rank", stFile(`{"a":{"dtype":"F32","shape":[`+strings.Repeat("1,", 64)+`1],"data_offsets":[0,4]}}`, 4), "rank 65 exceeds 64"},
		{"overlap", stFile(two("[0,4]", "[2,6]"), 6), `tensors "a" and "b" overlap`},
		{"same range", stFile(two("[0,4]", "[0,4]"), 4), "overlap"},
		{"gap", stFile(two("[0,4]", "[6,10]"), 10), "data bytes [4, 6)"},
		{"gap at start", stFile(`{"a":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}`, 8), "data bytes [0, 4)"},
		{"trailing data", stFile(ok, 12), "data bytes [8, 12) (file bytes 70 to 74) at the end belong to no tensor"},
		{"empty inside", stFile(`{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"e":{"dtype":"F32","shape":[0],"data_offsets":[4,4]}}`, 8), "overlap"},
		{"metadata not strings", stFile(`{"__metadata__":{"k":1}}`, 0), "__metadata__ must map strings to strings"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ts, meta, err := ReadSafetensors(tc.data)
			if err == nil || ts != nil || meta != nil {
				t.Fatalf("got %v, %v, %v; want an error", ts, meta, err)
			}
			if !strings.Contains(err.Error(), tc.msg) {
				t.Errorf("error %q does not say %q", err, tc.msg)
			}
			path := filepath.Join(t.TempDir(), "bad.safetensors")
			os.WriteFile(path, tc.data, 0o644)
			if _, _, err := LoadSafetensors(path); err == nil || !strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), tc.msg) {
				t.Errorf("LoadSafetensors error %v does not name %s and say %q", err, path, tc.msg)
			}
		})
	}
}

func TestReadSafetensorsAccepts(t *testing.T) {
	for _, tc := range []struct{ name, header string }{
		{"padded", `{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}    `},
		{"unknown fields", `{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8],"extra":[1]}}`},
		{"null metadata", `{"__metadata__":null,"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}`},
		{"empty at edges", `{"z":{"dtype":"F64","shape":[0],"data_offsets":[8,8]},"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"y":{"dtype":"F32","shape":[3,0],"data_offsets":[0,0]}}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, _, err := ReadSafetensors(stFile(tc.header, 8)); err != nil {
				t.Error(err)
			}
		})
	}
	// Tensors come back in data order, whatever the header's order.
	ts, _, err := ReadSafetensors(stFile(`{"b":{"dtype":"F32","shape":[1],"data_offsets":[4,8]},"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}`, 8))
	if err != nil || ts[0].Name != "a" || ts[1].Name != "b" {
		t.Errorf("order: %v %v", ts, err)
	}
}

// TestReadSafetensorsDamaged cuts a file at every byte and flips every byte:
// no panic, and every cut is an error.
func TestReadSafetensorsDamaged(t *testing.T) {
	var b bytes.Buffer
	if err := writeSafetensors(&b, sampleTensors(), map[string]string{"k": "v"}); err != nil {
		t.Fatal(err)
	}
	ref, _ := os.ReadFile("testdata/ref.safetensors")
	for _, data := range [][]byte{b.Bytes(), ref} {
		for n := range len(data) {
			if _, _, err := ReadSafetensors(data[:n]); err == nil {
				t.Errorf("cut at %d of %d: no error", n, len(data))
			}
		}
		for i := range data {
			for _, v := range []byte{0, '9', 0xff, data[i] ^ 1} {
				d := slices.Clone(data)
				d[i] = v
				ReadSafetensors(d)
			}
		}
	}
}
