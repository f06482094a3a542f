package paramfile

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"gorgonia.org/tensor"
)

func TestAssign(t *testing.T) {
	W := dense([]int{2, 2}, []float32{0, 0, 0, 0})
	b := dense([]int{2}, []float32{0, 0})
	s := dense([]int{}, []float64{0})
	src := []NamedTensor{
		{"s", dense([]int{}, []float64{9})},
		{"b", dense([]int{2}, []float32{5, 6})},
		{"W", dense([]int{2, 2}, []float32{1, 2, 3, 4})},
	}
	if err := Assign([]NamedTensor{{"W", W}, {"b", b}, {"s", s}}, src); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(W.Float32s(), []float32{1, 2, 3, 4}) || !slices.Equal(b.Float32s(), []float32{5, 6}) || s.Float64s()[0] != 9 {
		t.Errorf("assigned W=%v b=%v s=%v", W.Float32s(), b.Float32s(), s.Float64s())
	}
	src[2].Value.Set(0, float32(100)) // the copy does not alias the source
	if W.Float32s()[0] != 1 {
		t.Errorf("destination aliases the source")
	}
}

func TestAssignConvertAndViews(t *testing.T) {
	W := dense([]int{3, 2}, []float32{0, 0, 0, 0, 0, 0})
	v := dense([]int{2}, []float64{0, 0})
	Wsrc := dense([]int{2, 3}, []float64{1, 2, 3, 4, 5, 6.5})
	Wsrc.T() // a transposed source is copied in row-major order
	src := []NamedTensor{{"W", Wsrc}, {"v", dense([]int{2}, []float32{0.5, 1e-45})}}
	dst := []NamedTensor{{"W", W}, {"v", v}}
	err := Assign(dst, src)
	var ae *AssignError
	if !errors.As(err, &ae) || len(ae.Mismatches) != 2 || ae.Mismatches[0].Kind != "dtype" {
		t.Fatalf("without ConvertDtype: %v", err)
	}
	if err := Assign(dst, src, ConvertDtype()); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(W.Float32s(), []float32{1, 4, 2, 5, 3, 6.5}) || !slices.Equal(v.Float64s(), []float64{0.5, float64(float32(1e-45))}) {
		t.Errorf("converted W=%v v=%v", W.Float32s(), v.Float64s())
	}
	view := dense([]int{2, 3}, []float32{0, 0, 0, 0, 0, 0})
	view.T()
	err = Assign([]NamedTensor{{"W", view}}, []NamedTensor{{"W", dense([]int{3, 2}, []float32{1, 2, 3, 4, 5, 6})}})
	if err == nil || !strings.Contains(err.Error(), "W: the destination is a view") {
		t.Errorf("view destination: %v", err)
	}
}

// TestAssignReportsAll checks that every mismatch is reported in one error
// and that nothing is written, not even the tensors that match.
func TestAssignReportsAll(t *testing.T) {
	ok := dense([]int{2}, []float32{0, 0})
	dst := []NamedTensor{
		{"ok", ok},
		{"W1", dense([]int{784, 50}, make([]float32, 784*50))},
		{"b1", dense([]int{50}, make([]float32, 50))},
		{"b3", dense([]int{10}, make([]float32, 10))},
		{"i", tensor.New(tensor.WithShape(2), tensor.WithBacking([]int{0, 0}))},
		{"dup", ok}, {"dup", ok},
		{"nil", nil},
	}
	src := []NamedTensor{
		{"ok", dense([]int{2}, []float32{1, 2})},
		{"W1", dense([]int{784, 100}, make([]float32, 784*100))},
		{"b1", dense([]int{50}, make([]float64, 50))},
		{"conv1", dense([]int{1}, []float32{1})},
		{"i", dense([]int{2}, []float32{1, 2})},
		{"dup", ok},
	}
	err := Assign(dst, src, ConvertDtype())
	var ae *AssignError
	if !errors.As(err, &ae) {
		t.Fatalf("error %v is not an *AssignError", err)
	}
	var kinds []string
	for _, m := range ae.Mismatches {
		kinds = append(kinds, m.Name+":"+m.Kind)
	}
	want := []string{"W1:shape", "b3:missing", "i:dtype", "dup:duplicate", "nil:unusable", "conv1:unexpected"}
	if !slices.Equal(kinds, want) {
		t.Errorf("mismatches %v, want %v", kinds, want)
	}
	for _, s := range []string{
		"paramfile: assign: 6 mismatches, nothing copied: ",
		"W1: shape (784, 100) in the source, (784, 50) wanted",
		"b3: missing from the source",
		"i: dtype float32 in the source, int wanted",
		"dup: name given twice in the destination",
		"nil: the destination tensor is nil",
		"conv1: unexpected, the destination has no such tensor",
	} {
		if !strings.Contains(err.Error(), s) {
			t.Errorf("error %q does not say %q", err, s)
		}
	}
	if ok.Float32s()[0] != 0 {
		t.Errorf("a matching tensor was written although others mismatched")
	}
	err = Assign([]NamedTensor{{"b", ok}}, []NamedTensor{{"b", dense([]int{2}, []float64{1, 2})}})
	if err == nil || !strings.Contains(err.Error(), "b: dtype float64 in the source, float32 wanted (see ConvertDtype)") {
		t.Errorf("dtype without conversion: %v", err)
	}
}

func TestCheckedElems(t *testing.T) {
	for _, tc := range []struct {
		shape        []uint64
		elems, bytes uint64
		ok           bool
	}{
		{nil, 1, 8, true},
		{[]uint64{0, 5}, 0, 0, true},
		{[]uint64{3, 4}, 12, 96, true},
		{[]uint64{1 << 31, 1 << 31}, 1 << 62, 0, false}, // bytes overflow
		{[]uint64{1 << 32, 1 << 32}, 0, 0, false},       // elements overflow
		{[]uint64{0, 1 << 32, 1 << 32}, 0, 0, false},    // strides overflow
		{[]uint64{1 << 63}, 0, 0, false},                // dimension overflows int
		{[]uint64{1<<60 + 1, 0}, 0, 0, true},            // a zero dimension: nothing to store
	} {
		elems, bytes, err := checkedElems(tc.shape, 8)
		if tc.ok != (err == nil) || tc.ok && (elems != tc.elems || bytes != tc.bytes) {
			t.Errorf("checkedElems(%v) = %d, %d, %v", tc.shape, elems, bytes, err)
		}
	}
}
