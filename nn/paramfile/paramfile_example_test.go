package paramfile_test

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/zerograd/zerograd/nn/paramfile"
	"gorgonia.org/tensor"
)

// The book's parameter files are pickled dicts of NumPy arrays.
func ExampleLoadPickle() {
	params, err := paramfile.LoadPickle("testdata/params_p4.pkl")
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, p := range params {
		fmt.Println(p.Name, p.Value.Dtype(), p.Value.Shape())
	}
	fmt.Println(params[0].Value.Float32s())

	_, err = paramfile.LoadPickle("testdata/evil_system.pkl")
	fmt.Println(err)
	// Output:
	// W1 float32 (2, 3)
	// b1 float32 (3)
	// W2 float64 (3, 2, 2)
	// b2 float64 (2)
	// s float64 ()
	// z float32 (0, 3)
	// [-1 -0.75 -0.5 -0.25 0 0.25]
	// pickle: testdata/evil_system.pkl: global posix.system is not allowed: parameter pickles hold only dicts of numpy float arrays
}

// Assign checks every name, shape and dtype before it copies anything.
func ExampleAssign() {
	W1 := tensor.New(tensor.WithShape(2, 3), tensor.Of(tensor.Float32))
	b1 := tensor.New(tensor.WithShape(1, 3), tensor.Of(tensor.Float32))
	W2 := tensor.New(tensor.WithShape(3, 2, 2), tensor.Of(tensor.Float32))
	params, _ := paramfile.LoadPickle("testdata/params_p4.pkl")

	model := []paramfile.NamedTensor{{Name: "W1", Value: W1}, {Name: "b1", Value: b1}, {Name: "W2", Value: W2}}
	fmt.Println(paramfile.Assign(model, params[:3]))

	b1 = tensor.New(tensor.WithShape(3), tensor.Of(tensor.Float32))
	model[1].Value = b1
	fmt.Println(paramfile.Assign(model, params[:3], paramfile.ConvertDtype()))
	fmt.Println(W1.Float32s(), b1.Float32s(), W2.Float32s()[:3])
	// Output:
	// paramfile: assign: 2 mismatches, nothing copied: b1: shape (3,) in the source, (1, 3) wanted; W2: dtype float64 in the source, float32 wanted (see ConvertDtype)
	// <nil>
	// [-1 -0.75 -0.5 -0.25 0 0.25] [0.5 0.75 1] [-2 -1.75 -1.5]
}

func ExampleSaveSafetensors() {
	dir, _ := os.MkdirTemp("", "zerograd")
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "model.safetensors")

	W := tensor.New(tensor.WithShape(2, 2), tensor.WithBacking([]float32{1, 2, 3, 4}))
	err := paramfile.SaveSafetensors(path, []paramfile.NamedTensor{{Name: "W", Value: W}}, map[string]string{"epoch": "1"})
	fmt.Println(err)

	ts, meta, err := paramfile.LoadSafetensors(path)
	fmt.Println(ts[0].Name, ts[0].Value.Shape(), ts[0].Value.Float32s(), meta, err)
	// Output:
	// <nil>
	// W (2, 2) [1 2 3 4] map[epoch:1] <nil>
}
