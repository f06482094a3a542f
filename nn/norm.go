package nn

import (
	"fmt"
	"math/rand/v2"

	"github.com/zerograd/zerograd/graph"
	"github.com/zerograd/zerograd/nn/paramfile"
	"github.com/zerograd/zerograd/ops"
)

// BatchNorm is the book's BatchNormalization layer: learnable gamma (ones) and beta
// (zeros), and running statistics saved with the parameters as running_mean and
// running_var. It trains or infers as the graph's Mode says.
type BatchNorm struct {
	Gamma, Beta *graph.Node
	Stats       *ops.BatchNormStats
	mode        *ops.Mode
}

// BatchNormOpts configures a BatchNorm layer; zero fields take the book's defaults.
type BatchNormOpts struct {
	C        int         // features (of [N D] input) or channels (of [N C H W]) (required)
	Momentum float64     // weight of the past in the running statistics; default 0.9
	DType    graph.DType // default Float32
	// Names of gamma, beta and the running statistics; default "gamma", "beta",
	// "running_mean", "running_var". The book's networks number them: "gamma1", ...
	Gamma, Beta, Mean, Var string
}

// NewBatchNorm adds a batch normalization's parameters and buffers in s.
func NewBatchNorm(s graph.Scope, o BatchNormOpts) *BatchNorm {
	if o.C <= 0 {
		panic(&graph.ShapeError{Op: "batch_norm", Inputs: []string{s.Path()}, Reason: "BatchNormOpts needs C > 0"})
	}
	def := func(v *string, d string) {
		if *v == "" {
			*v = d
		}
	}
	def(&o.Gamma, "gamma")
	def(&o.Beta, "beta")
	def(&o.Mean, "running_mean")
	def(&o.Var, "running_var")
	dt, _, _ := defaults(s, o.DType, nil, nil)
	ones := make([]float64, o.C)
	for i := range ones {
		ones[i] = 1
	}
	l := &BatchNorm{
		Gamma: s.Param(o.Gamma, graph.FromFloat64s(dt, []int{o.C}, ones)),
		Beta:  s.Param(o.Beta, graph.NewTensor(dt, o.C)),
		Stats: ops.NewBatchNormStats(dt, o.C),
		mode:  ops.ModeOf(s.Graph()),
	}
	if o.Momentum != 0 {
		l.Stats.Momentum = o.Momentum
	}
	addBuffer(s, o.Mean, paramfile.NamedTensor{Value: l.Stats.Mean})
	addBuffer(s, o.Var, paramfile.NamedTensor{Value: l.Stats.Var})
	return l
}

func (l *BatchNorm) Forward(x *graph.Node) *graph.Node {
	return ops.BatchNorm(x, l.Gamma, l.Beta, l.Stats, l.mode)
}

// Dropout is the book's Dropout layer. With Inverted false (the book's scaling) training
// zeros a random fraction Ratio of the units and inference multiplies by 1 - Ratio; with
// Inverted true training scales kept units by 1/(1 - Ratio) and inference is the identity.
// It trains or infers as the graph's Mode says.
//
// Each graph built from the layer (each Forward) draws its masks from a random stream of
// its own, a PCG seeded by two draws from the layer's rng when the graph is built. The
// streams' states are the layer's random state (RandomState), which the trainer saves in
// its checkpoints, so that a resumed run draws the masks an uninterrupted one would.
type Dropout struct {
	DropoutOpts
	mode    *ops.Mode
	streams []*rand.PCG // one per Forward, in the order the graphs were built
}

// DropoutOpts configures a Dropout layer.
type DropoutOpts struct {
	Ratio    float64    // fraction of units dropped while training; default 0.5
	Inverted bool       // scale while training instead of at inference
	Rand     *rand.Rand // default the graph's
}

var _ Random = (*Dropout)(nil)

// NewDropout makes a dropout layer in g, switched by the graph's Mode.
func NewDropout(g *graph.Graph, o DropoutOpts) *Dropout {
	if o.Ratio == 0 {
		o.Ratio = 0.5
	}
	if o.Rand == nil {
		o.Rand = g.Rand()
	}
	l := &Dropout{DropoutOpts: o, mode: ops.ModeOf(g)}
	addRandom(g, l)
	return l
}

func (l *Dropout) Forward(x *graph.Node) *graph.Node {
	// Each use gets its own random stream, split from the layer's, so that two graphs built
	// from one layer (training and evaluation) do not share a source: the op locks its
	// stream while it draws, and no other op touches it.
	src := rand.NewPCG(l.Rand.Uint64(), l.Rand.Uint64())
	l.streams = append(l.streams, src)
	rng := rand.New(src)
	if l.Inverted {
		return ops.InvertedDropout(x, l.Ratio, rng, l.mode)
	}
	return ops.Dropout(x, l.Ratio, rng, l.mode)
}

// pcgStateSize is the length of a PCG's MarshalBinary: "pcg:" and two 64-bit words.
const pcgStateSize = 20

// RandomState returns the states of the layer's streams, one per graph built from it, in
// the order the graphs were built (20 bytes each, PCG's MarshalBinary). Call it between
// runs, not while a program built from the layer runs.
func (l *Dropout) RandomState() ([]byte, error) {
	state := make([]byte, 0, pcgStateSize*len(l.streams))
	for _, s := range l.streams {
		b, err := s.MarshalBinary()
		if err != nil {
			return nil, err
		}
		state = append(state, b...)
	}
	return state, nil
}

// SetRandomState restores states returned by RandomState into the layer's streams. The
// layer must have been used by as many graphs as when the state was taken (build the
// same graphs first); on any mismatch it returns an error and changes nothing. Call it
// between runs.
func (l *Dropout) SetRandomState(state []byte) error {
	if len(state)%pcgStateSize != 0 {
		return fmt.Errorf("nn: dropout: a random state of %d bytes is not a whole number of %d-byte streams", len(state), pcgStateSize)
	}
	if n := len(state) / pcgStateSize; n != len(l.streams) {
		return fmt.Errorf("nn: dropout: the random state holds %d streams, the layer has %d (one per graph built from it)", n, len(l.streams))
	}
	srcs := make([]rand.PCG, len(l.streams))
	for i := range srcs {
		if err := srcs[i].UnmarshalBinary(state[i*pcgStateSize : (i+1)*pcgStateSize]); err != nil {
			return fmt.Errorf("nn: dropout: stream %d: %w", i, err)
		}
	}
	for i, s := range l.streams {
		*s = srcs[i]
	}
	return nil
}
