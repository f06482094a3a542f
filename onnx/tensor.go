package onnx

import (
	"encoding/binary"
	"fmt"
	"math"

	"gorgonia.org/tensor"

	"github.com/zerograd/zerograd/graph"
	"github.com/zerograd/zerograd/onnx/internal/pb"
)

// ONNX's element type codes (TensorProto.DataType) for the types zerograd has.
const (
	onnxFloat  = int32(pb.TensorProto_FLOAT)
	onnxDouble = int32(pb.TensorProto_DOUBLE)
	onnxInt32  = int32(pb.TensorProto_INT32)
	onnxInt64  = int32(pb.TensorProto_INT64)
	onnxBool   = int32(pb.TensorProto_BOOL)
)

func onnxType(dt graph.DType) int32 {
	switch dt {
	case graph.Float32:
		return onnxFloat
	case graph.Float64:
		return onnxDouble
	case graph.Int32:
		return onnxInt32
	}
	return onnxInt64
}

func dtypeOf(code int32) (graph.DType, bool) {
	switch code {
	case onnxFloat:
		return graph.Float32, true
	case onnxDouble:
		return graph.Float64, true
	case onnxInt32:
		return graph.Int32, true
	case onnxInt64:
		return graph.Int64, true
	}
	return 0, false
}

func elemSize(dt graph.DType) int {
	if dt == graph.Float32 || dt == graph.Int32 {
		return 4
	}
	return 8
}

// tensorProto writes v as an ONNX tensor with raw little-endian data.
func tensorProto(name string, v *tensor.Dense) *pb.TensorProto {
	dt, _ := graph.DTypeOf(v)
	dims := []int64{}
	if !v.IsScalar() {
		for _, d := range v.Shape() {
			dims = append(dims, int64(d))
		}
	}
	var raw []byte
	switch x := v.Data().(type) {
	case []float32:
		raw = make([]byte, 4*len(x))
		for i, f := range x {
			binary.LittleEndian.PutUint32(raw[4*i:], math.Float32bits(f))
		}
	case []float64:
		raw = make([]byte, 8*len(x))
		for i, f := range x {
			binary.LittleEndian.PutUint64(raw[8*i:], math.Float64bits(f))
		}
	case []int32:
		raw = make([]byte, 4*len(x))
		for i, f := range x {
			binary.LittleEndian.PutUint32(raw[4*i:], uint32(f))
		}
	case []int64:
		raw = make([]byte, 8*len(x))
		for i, f := range x {
			binary.LittleEndian.PutUint64(raw[8*i:], uint64(f))
		}
	case float32:
		raw = binary.LittleEndian.AppendUint32(nil, math.Float32bits(x))
	case float64:
		raw = binary.LittleEndian.AppendUint64(nil, math.Float64bits(x))
	case int32:
		raw = binary.LittleEndian.AppendUint32(nil, uint32(x))
	case int64:
		raw = binary.LittleEndian.AppendUint64(nil, uint64(x))
	}
	return &pb.TensorProto{Name: &name, Dims: dims, DataType: ptr(onnxType(dt)), RawData: raw}
}

func int64Tensor(name string, vals ...int64) *pb.TensorProto {
	raw := make([]byte, 8*len(vals))
	for i, v := range vals {
		binary.LittleEndian.PutUint64(raw[8*i:], uint64(v))
	}
	return &pb.TensorProto{Name: &name, Dims: []int64{int64(len(vals))}, DataType: ptr(onnxInt64), RawData: raw}
}

// maxElements bounds every shape an imported file declares (2^28 elements, 1 GiB of
// float32): a size the file does not hold is never allocated beyond it.
const maxElements = 1 << 28

// readTensor decodes t, checking that its data holds exactly what its dims declare
// before allocating anything.
func readTensor(t *pb.TensorProto) (*tensor.Dense, error) {
	if t.DataLocation != nil && *t.DataLocation == pb.TensorProto_EXTERNAL || len(t.ExternalData) > 0 {
		return nil, fmt.Errorf("tensor %q: external data is not supported (keep the weights inside the .onnx file)", t.GetName())
	}
	if t.Segment != nil {
		return nil, fmt.Errorf("tensor %q: segmented tensors are not supported", t.GetName())
	}
	dt, ok := dtypeOf(t.GetDataType())
	if !ok {
		return nil, fmt.Errorf("tensor %q: element type %v is not supported (want FLOAT, DOUBLE, INT32 or INT64)", t.GetName(), pb.TensorProto_DataType(t.GetDataType()))
	}
	shape, err := checkDims(t.Dims)
	if err != nil {
		return nil, fmt.Errorf("tensor %q: %w", t.GetName(), err)
	}
	n := graph.Shape(shape).Size()
	var have int
	switch {
	case len(t.RawData) > 0:
		if len(t.RawData) != n*elemSize(dt) {
			return nil, fmt.Errorf("tensor %q: %d bytes of data for %v %s (want %d)", t.GetName(), len(t.RawData), graph.Shape(shape), dt, n*elemSize(dt))
		}
		have = n
	case dt == graph.Float32:
		have = len(t.FloatData)
	case dt == graph.Float64:
		have = len(t.DoubleData)
	case dt == graph.Int32:
		have = len(t.Int32Data)
	default:
		have = len(t.Int64Data)
	}
	if have != n {
		return nil, fmt.Errorf("tensor %q: %d values for %v (want %d)", t.GetName(), have, graph.Shape(shape), n)
	}
	v := graph.NewTensor(dt, shape...)
	raw := t.RawData
	switch x := v.Data().(type) {
	case []float32:
		if len(raw) > 0 {
			for i := range x {
				x[i] = math.Float32frombits(binary.LittleEndian.Uint32(raw[4*i:]))
			}
		} else {
			copy(x, t.FloatData)
		}
	case []float64:
		if len(raw) > 0 {
			for i := range x {
				x[i] = math.Float64frombits(binary.LittleEndian.Uint64(raw[8*i:]))
			}
		} else {
			copy(x, t.DoubleData)
		}
	case []int32:
		if len(raw) > 0 {
			for i := range x {
				x[i] = int32(binary.LittleEndian.Uint32(raw[4*i:]))
			}
		} else {
			copy(x, t.Int32Data)
		}
	case []int64:
		if len(raw) > 0 {
			for i := range x {
				x[i] = int64(binary.LittleEndian.Uint64(raw[8*i:]))
			}
		} else {
			copy(x, t.Int64Data)
		}
	default: // a scalar: NewTensor holds it directly
		return scalarTensor(dt, t)
	}
	return v, nil
}

func scalarTensor(dt graph.DType, t *pb.TensorProto) (*tensor.Dense, error) {
	raw := t.RawData
	var f float64
	switch {
	case len(raw) > 0 && dt == graph.Float32:
		f = float64(math.Float32frombits(binary.LittleEndian.Uint32(raw)))
	case len(raw) > 0 && dt == graph.Float64:
		f = math.Float64frombits(binary.LittleEndian.Uint64(raw))
	case len(raw) > 0 && dt == graph.Int32:
		f = float64(int32(binary.LittleEndian.Uint32(raw)))
	case len(raw) > 0:
		f = float64(int64(binary.LittleEndian.Uint64(raw)))
	case dt == graph.Float32:
		f = float64(t.FloatData[0])
	case dt == graph.Float64:
		f = t.DoubleData[0]
	case dt == graph.Int32:
		f = float64(t.Int32Data[0])
	default:
		f = float64(t.Int64Data[0])
	}
	return graph.FromFloat64s(dt, nil, []float64{f}), nil
}

// checkDims turns declared dims into a shape, refusing negative or overflowing sizes.
func checkDims(dims []int64) ([]int, error) {
	shape := make([]int, len(dims))
	n := int64(1)
	for i, d := range dims {
		if d < 0 || d > maxElements {
			return nil, fmt.Errorf("dimension %d is %d", i, d)
		}
		n *= d
		if n > maxElements {
			return nil, fmt.Errorf("dims %v exceed %d elements", dims, maxElements)
		}
		shape[i] = int(d)
	}
	return shape, nil
}

func ptr[T any](v T) *T { return &v }
