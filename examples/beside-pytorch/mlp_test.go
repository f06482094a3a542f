package beside_test

import (
	"fmt"
	"math"

	"github.com/zerograd/zerograd/graph"
	"github.com/zerograd/zerograd/nn"
	"github.com/zerograd/zerograd/ops"
	"github.com/zerograd/zerograd/optim"
)

// swish is a custom op: x * sigmoid(x), with its derivative written with ops.
var swish = ops.Elementwise{
	Name: "swish",
	F:    func(x float64) float64 { return x / (1 + math.Exp(-x)) },
	Deriv: func(x, y *graph.Node) *graph.Node {
		return ops.Add(y, ops.Mul(ops.Sigmoid(x), ops.AddScalar(ops.Neg(y), 1)))
	},
}

// Dense is a custom layer: an affine map followed by swish.
type Dense struct{ W, b *graph.Node }

func NewDense(s graph.Scope, in, out int) *Dense {
	W := nn.RandomTensor(s.Graph().Rand(), graph.Float32, math.Sqrt(2/float64(in)), in, out)
	return &Dense{W: s.Param("W", W), b: s.Param("b", graph.F32(graph.Shape{out}))}
}

func (d *Dense) Forward(x *graph.Node) *graph.Node {
	return swish.Apply(ops.Add(ops.MatMul(x, d.W), d.b))
}

// The class of a point is whether x0*x1 > 0 (XOR of the signs).
func Example_mlp() {
	g := graph.New()
	x := g.Const("x", nn.RandomTensor(g.Rand(), graph.Float32, 1, 256, 2))
	t := ops.Step(ops.Reshape(ops.Mul(ops.Slice(x, 1, 0, 1), ops.Slice(x, 1, 1, 2)), 256))
	scores := nn.Seq(NewDense(g.In("dense1"), 2, 16), NewDense(g.In("dense2"), 16, 16),
		nn.NewAffine(g.In("out"), nn.AffineOpts{In: 16, Out: 2})).Forward(x)
	step := optim.NewStep(nn.SoftmaxCrossEntropy(scores, t), optim.NewAdam(0.05, 0.9, 0.999))
	for range 300 {
		step.MustRun(nil)
	}
	acc := graph.Item(graph.MustEval(ops.Accuracy(scores, t), nil))
	fmt.Println("accuracy > 0.9:", acc > 0.9)
	// Output:
	// accuracy > 0.9: true
}
