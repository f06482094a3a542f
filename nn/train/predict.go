package train

import (
	"fmt"

	"gorgonia.org/tensor"

	"github.com/zerograd/zerograd/graph"
	"github.com/zerograd/zerograd/ops"
)

// Predictor runs a classifier over many samples in batches of a fixed size, with one
// compiled program (a final short batch is padded and its padding ignored), with the
// graph's dropout and batch norm in inference mode.
type Predictor struct {
	prog   *graph.Program
	mode   *ops.Mode
	x      *graph.Node
	xv     *tensor.Dense
	batch  int
	sample int // elements per sample
}

// NewPredictor builds predict (a model's class scores) on a new input of shape [batch,
// sampleShape...] in g and compiles it. The model's parameters are shared, so the
// predictor always sees their current values.
func NewPredictor(g *graph.Graph, predict func(x *graph.Node) *graph.Node, batch int, dt graph.DType, sampleShape ...int) (*Predictor, error) {
	shape := append([]int{batch}, sampleShape...)
	var x, y *graph.Node
	err := graph.Try(func() {
		x = g.Input(fmt.Sprintf("x_predict_%d", len(g.Nodes())), dt, shape...)
		y = predict(x)
	})
	if err != nil {
		return nil, fmt.Errorf("train: predictor: %w", err)
	}
	if len(y.Shape()) != 2 || y.Shape()[0] != batch {
		return nil, fmt.Errorf("train: predictor: model output %v is not [batch classes]", y.Shape())
	}
	prog, err := graph.Compile(y)
	if err != nil {
		return nil, err
	}
	return &Predictor{prog: prog, mode: ops.ModeOf(g), x: x, xv: graph.NewTensor(dt, shape...), batch: batch,
		sample: graph.Shape(sampleShape).Size()}, nil
}

// Classes returns the argmax class of each sample in images (samples back to back).
func (p *Predictor) Classes(images []float32) ([]int, error) {
	if len(images)%p.sample != 0 {
		return nil, fmt.Errorf("train: predict: %d values is not a whole number of %d-value samples", len(images), p.sample)
	}
	defer p.mode.SetTrain(p.mode.Train())
	p.mode.SetTrain(false)
	n := len(images) / p.sample
	out := make([]int, 0, n)
	feeds := graph.Feeds{p.x: p.xv}
	for lo := 0; lo < n; lo += p.batch {
		hi := min(lo+p.batch, n)
		p.fill(images[lo*p.sample : hi*p.sample])
		res, err := p.prog.Run(feeds)
		if err != nil {
			return nil, err
		}
		scores := graph.Float64s(res[0])
		c := len(scores) / p.batch
		for i := 0; i < hi-lo; i++ {
			out = append(out, argmax(scores[i*c:(i+1)*c]))
		}
	}
	return out, nil
}

// Accuracy is the fraction of samples whose predicted class equals the label.
func (p *Predictor) Accuracy(images []float32, labels []int) (float64, error) {
	classes, err := p.Classes(images)
	if err != nil {
		return 0, err
	}
	if len(classes) != len(labels) {
		return 0, fmt.Errorf("train: accuracy: %d samples but %d labels", len(classes), len(labels))
	}
	right := 0
	for i, c := range classes {
		if c == labels[i] {
			right++
		}
	}
	return float64(right) / float64(len(labels)), nil
}

func (p *Predictor) fill(src []float32) {
	switch p.xv.Dtype() {
	case tensor.Float32:
		dst := p.xv.Float32s()
		n := copy(dst, src)
		clear(dst[n:])
	default:
		dst := p.xv.Float64s()
		for i := range dst {
			if i < len(src) {
				dst[i] = float64(src[i])
			} else {
				dst[i] = 0
			}
		}
	}
}

func argmax(v []float64) int {
	best := 0
	for i, x := range v {
		if x > v[best] {
			best = i
		}
	}
	return best
}
