package nn

import (
	"fmt"

	"gorgonia.org/tensor"

	"github.com/zerograd/zerograd/graph"
	"github.com/zerograd/zerograd/ops"
)

// Predictor runs a model's prediction over many samples in batches of a fixed size, with
// one compiled program (a final short batch is padded and its padding ignored), with the
// model's dropout and batch norm, if any, in inference mode.
type Predictor struct {
	prog   *graph.Program
	mode   *ops.Mode // the model's, set to inference while predicting
	name   string
	x      *tensor.Dense
	batch  int
	sample int // elements per sample
}

// NewPredictor builds m.Predict on a new input of shape [batch, sampleShape...] in g and
// compiles it. The model's parameters are shared, so the predictor always sees their
// current values.
func NewPredictor(g *graph.Graph, m Model, batch int, dt graph.DType, sampleShape ...int) (*Predictor, error) {
	shape := append([]int{batch}, sampleShape...)
	name := fmt.Sprintf("x_predict_%d", len(g.Nodes()))
	var y *graph.Node
	if err := graph.Try(func() { y = m.Predict(g.Input(name, dt, shape...)) }); err != nil {
		return nil, fmt.Errorf("nn: predictor: %w", err)
	}
	if len(y.Shape()) != 2 || y.Shape()[0] != batch {
		return nil, fmt.Errorf("nn: predictor: model output %v is not [batch classes]", y.Shape())
	}
	prog, err := graph.Compile(y)
	if err != nil {
		return nil, err
	}
	var mode *ops.Mode
	if md, ok := m.(Moded); ok {
		mode = md.Mode()
	}
	return &Predictor{prog: prog, mode: mode, name: name, x: graph.NewTensor(dt, shape...), batch: batch, sample: graph.Shape(sampleShape).Size()}, nil
}

// Classes returns the argmax class of each sample in images (samples back to back).
func (p *Predictor) Classes(images []float32) ([]int, error) {
	if len(images)%p.sample != 0 {
		return nil, fmt.Errorf("nn: predict: %d values is not a whole number of %d-value samples", len(images), p.sample)
	}
	if p.mode != nil {
		defer p.mode.SetTrain(p.mode.Train())
		p.mode.SetTrain(false)
	}
	n := len(images) / p.sample
	out := make([]int, 0, n)
	for lo := 0; lo < n; lo += p.batch {
		hi := min(lo+p.batch, n)
		p.fill(images[lo*p.sample : hi*p.sample])
		res, err := p.prog.Run(graph.Feeds{p.name: p.x})
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
		return 0, fmt.Errorf("nn: accuracy: %d samples but %d labels", len(classes), len(labels))
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
	switch p.x.Dtype() {
	case tensor.Float32:
		dst := p.x.Float32s()
		n := copy(dst, src)
		clear(dst[n:])
	default:
		dst := p.x.Float64s()
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
