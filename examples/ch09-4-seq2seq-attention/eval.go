package main

import (
	"gorgonia.org/tensor"

	"github.com/zerograd/zerograd/graph"
)

type graphTensor = tensor.Dense

func newTensors(b *batch) (src, pad, dec *tensor.Dense) {
	return graph.I32(graph.Shape{b.n, srcLen}), graph.F32(graph.Shape{b.n, srcLen}), graph.I32(graph.Shape{b.n, tgtLen})
}

// fill writes the sources of data[idx] and, with teacher forcing, the shifted targets into
// the batch's tensors; without it the decoder's input is the start mark and spaces.
func (b *batch) fill(data []pair, idx []int, teacher bool) graph.Feeds {
	src, pad, dec := b.srcV.Int32s(), b.padV.Float32s(), b.dv.Int32s()
	for k, j := range idx {
		p := data[j]
		ids(src[k*srcLen:(k+1)*srcLen], p.src)
		for i := range srcLen {
			pad[k*srcLen+i] = 0
			if i >= len(p.src) {
				pad[k*srcLen+i] = 1
			}
		}
		shifted := string(start)
		if teacher {
			shifted += p.tgt[:tgtLen-1]
		}
		ids(dec[k*tgtLen:(k+1)*tgtLen], shifted)
	}
	return graph.Feeds{b.src: b.srcV, b.pad: b.padV, b.dec: b.dv}
}

// evaluator decodes greedily: it runs the model tgtLen times, each time writing the best
// guess at step t into the decoder's input at t+1. (The decoder's LSTM and attention only
// look back, so step t's guess does not change with later inputs; rerunning the encoder
// costs time, not correctness.)
type evaluator struct {
	b    *batch
	prog *graph.Program
}

func newEvaluator(g *graph.Graph, m *model, n int) (*evaluator, error) {
	b := m.inputs(g, "test", n)
	scores, weights := m.forward(b)
	prog, err := graph.Compile(scores, weights)
	return &evaluator{b, prog}, err
}

// decode returns the guessed target of every date and its attention weights [T S].
func (e *evaluator) decode(data []pair) ([]string, [][]float32, error) {
	n := e.b.n
	guesses := make([]string, len(data))
	weights := make([][]float32, len(data))
	for lo := 0; lo < len(data); lo += n {
		idx := make([]int, n)
		for k := range idx {
			idx[k] = min(lo+k, len(data)-1) // the last batch repeats its last date
		}
		feeds := e.b.fill(data, idx, false)
		dec := e.b.dv.Int32s()
		var out []*tensor.Dense
		for t := range tgtLen {
			var err error
			if out, err = e.prog.Run(feeds); err != nil {
				return nil, nil, err
			}
			s := out[0].Float32s()
			for k := range n {
				best := argmax(s[(k*tgtLen+t)*len(vocab) : (k*tgtLen+t+1)*len(vocab)])
				if t+1 < tgtLen {
					dec[k*tgtLen+t+1] = int32(best)
				} else if lo+k < len(data) {
					// the last step: read the guesses off the decoder's input
					g := make([]byte, tgtLen)
					for i := 1; i < tgtLen; i++ {
						g[i-1] = vocab[dec[k*tgtLen+i]]
					}
					g[tgtLen-1] = vocab[best]
					guesses[lo+k] = string(g)
				}
			}
		}
		w := out[1].Float32s()
		for k := range n {
			if lo+k < len(data) {
				weights[lo+k] = append([]float32(nil), w[k*tgtLen*srcLen:(k+1)*tgtLen*srcLen]...)
			}
		}
	}
	return guesses, weights, nil
}

func argmax(v []float32) int {
	best := 0
	for i, x := range v {
		if x > v[best] {
			best = i
		}
	}
	return best
}
