package onnx

import (
	"slices"

	"github.com/zerograd/zerograd/graph"
	"github.com/zerograd/zerograd/onnx/internal/pb"
	"github.com/zerograd/zerograd/ops"
)

// lstm imports ONNX's LSTM (one forward direction, the default activations sigmoid, tanh,
// tanh, no peepholes, clipping or sequence lengths) by unrolling it into zerograd's ops,
// as nn.LSTM does, so that the imported model trains. ONNX's gates are ordered i, o, f, c
// (PyTorch's are i, f, g, o; its exporter reorders the rows); B holds Wb then Rb. layout 0
// is X [T N In], Y [T 1 N H], states [1 N H]; layout 1 (batch first) is X [N T In],
// Y [N T 1 H], states [N 1 H].
func (im *importer) lstm(n *pb.NodeProto, a *attrs, x *graph.Node) ([]*graph.Node, error) {
	if d := a.str("direction", "forward"); d != "forward" {
		return nil, im.errorf("direction %q is not supported (only forward)", d)
	}
	if acts, ok := a.strs("activations"); ok && !slices.Equal(acts, []string{"Sigmoid", "Tanh", "Tanh"}) {
		return nil, im.errorf("activations %v are not supported (only the default Sigmoid, Tanh, Tanh)", acts)
	}
	for _, name := range []string{"activation_alpha", "activation_beta", "clip"} {
		if _, ok := a.by[name]; ok {
			return nil, im.errorf("attribute %q is not supported", name)
		}
	}
	if a.int("input_forget", 0) != 0 {
		return nil, im.errorf("input_forget 1 is not supported")
	}
	layout := a.int("layout", 0)
	if layout != 0 && layout != 1 {
		return nil, im.errorf("layout %d is not supported (0 or 1)", layout)
	}
	for i, what := range map[int]string{4: "sequence_lens", 7: "peepholes (P)"} {
		if i < len(n.Input) && n.Input[i] != "" {
			return nil, im.errorf("input %s is not supported", what)
		}
	}
	xs := x.Shape()
	if len(xs) != 3 {
		return nil, im.errorf("X must be a sequence of rank 3, got %v", xs)
	}
	steps, batch, in := xs[0], xs[1], xs[2]
	if layout == 1 {
		steps, batch = batch, steps
	}
	h := a.int("hidden_size", 0)
	value := func(i int, want ...int) (*graph.Node, error) {
		if i >= len(n.Input) || n.Input[i] == "" {
			return nil, nil
		}
		v, err := im.value(n.Input[i])
		if err != nil {
			return nil, err
		}
		if !v.Shape().Equal(want) {
			return nil, im.errorf("input %d must be %v, got %v", i, want, v.Shape())
		}
		if v.DType() != x.DType() {
			return nil, im.errorf("input %d is %s, X is %s", i, v.DType(), x.DType())
		}
		return v, nil
	}
	W, err := value(1, 1, 4*h, in)
	if err != nil {
		return nil, err
	}
	R, err := value(2, 1, 4*h, h)
	if err != nil {
		return nil, err
	}
	if W == nil || R == nil || h <= 0 {
		return nil, im.errorf("want W, R and hidden_size > 0")
	}
	B, err := value(3, 1, 8*h)
	if err != nil {
		return nil, err
	}
	stateShape := []int{1, batch, h}
	if layout == 1 {
		stateShape = []int{batch, 1, h}
	}
	state := func(i int) (*graph.Node, error) {
		s, err := value(i, stateShape...)
		if s == nil || err != nil {
			return im.m.Graph.Const("", graph.NewTensor(x.DType(), batch, h)), err
		}
		return ops.Reshape(s, batch, h), nil
	}
	hs, err := state(5)
	if err != nil {
		return nil, err
	}
	c, err := state(6)
	if err != nil {
		return nil, err
	}
	// Every step's input projection at once: [T*N In] W^T + Wb + Rb.
	if layout == 1 {
		x = ops.Transpose(x, 1, 0, 2)
	}
	proj := ops.MatMulT(ops.Reshape(x, steps*batch, in), ops.Reshape(W, 4*h, in), false, true)
	if B != nil {
		B = ops.Reshape(B, 8*h)
		proj = ops.Add(proj, ops.Add(ops.Slice(B, 0, 0, 4*h), ops.Slice(B, 0, 4*h, 8*h)))
	}
	proj = ops.Reshape(proj, steps, batch, 4*h)
	R2 := ops.Reshape(R, 4*h, h)
	gate := func(z *graph.Node, k int) *graph.Node { return ops.Slice(z, 1, k*h, (k+1)*h) }
	ys := make([]*graph.Node, steps)
	for t := range steps {
		z := ops.Add(ops.Reshape(ops.Slice(proj, 0, t, t+1), batch, 4*h), ops.MatMulT(hs, R2, false, true))
		i, o, f, g := ops.Sigmoid(gate(z, 0)), ops.Sigmoid(gate(z, 1)), ops.Sigmoid(gate(z, 2)), ops.Tanh(gate(z, 3))
		c = ops.Add(ops.Mul(f, c), ops.Mul(i, g))
		hs = ops.Mul(o, ops.Tanh(c))
		if layout == 0 {
			ys[t] = ops.Reshape(hs, 1, 1, batch, h)
		} else {
			ys[t] = ops.Reshape(hs, batch, 1, 1, h)
		}
	}
	y := ys[0]
	if steps > 1 {
		y = ops.Concat(layout, ys...)
	}
	return []*graph.Node{y, ops.Reshape(hs, stateShape...), ops.Reshape(c, stateShape...)}, nil
}
