package graph

import "gorgonia.org/tensor"

// Kernel is what a step of a compiled program runs: an op's forward computation, or that of
// several ops fused into one.
type Kernel interface {
	// Name is the kernel's label in errors: the op's name, or the fused ops' names joined by "+".
	Name() string
	// Forward computes out from in, as Op.Forward does.
	Forward(out *tensor.Dense, in ...*tensor.Dense) error
}

// Fuser is implemented by ops (and fused kernels) whose kernel can also apply the op that
// reads their output, so that the value in between is never written out: a convolution
// that applies the ReLU and the max pooling after it to each group of images while the
// group's output is still in cache.
//
// Compile fuses a node into its reader when the node is not an output of the program, that
// reader is its only one in the program, and the reader takes that one input. It asks the
// node's kernel for Fuse(reader's op); a kernel that cannot fuse that op returns false, and
// the two run one after the other as usual. Chains fuse step by step: conv2d, relu,
// max_pool2d becomes one kernel.
//
// A fused kernel must compute exactly what the ops would one after another, bit for bit.
// Fusion changes only when values are computed: Trace still visits every node with its
// value (it runs the ops of a fused chain one by one), while Run and Value no longer keep
// the values fused away.
type Fuser interface {
	// Fuse returns the kernel computing next(k(in...)) from k's inputs in, writing only
	// next's output, or false when it has none.
	Fuse(next Op) (Kernel, bool)
}

// fusion is what the fusing pass decided for the nodes of a plan (by slot).
type fusion struct {
	kernel []Kernel  // what each op node's step runs
	in     [][]*Node // the nodes each step reads: the inputs of the first node of its chain
	chain  [][]*Node // for a fused step: the nodes it computes, in order, itself last
	gone   []bool    // fused into its reader: no step and no buffer of its own
}

// fuse decides which nodes of the plan run fused into their reader's step. readers[i] is
// the number of times slot i is read by the plan's nodes; output marks the program's outputs.
func fuse(nodes []*Node, slot map[*Node]int, readers []int, output []bool, enabled bool) fusion {
	f := fusion{
		kernel: make([]Kernel, len(nodes)),
		in:     make([][]*Node, len(nodes)),
		chain:  make([][]*Node, len(nodes)),
		gone:   make([]bool, len(nodes)),
	}
	for i, n := range nodes {
		if n.kind != KindOp {
			continue
		}
		f.kernel[i], f.in[i] = n.op, n.inputs
		if !enabled || len(n.inputs) != 1 {
			continue
		}
		x := n.inputs[0]
		j := slot[x]
		if x.kind != KindOp || output[j] || readers[j] != 1 {
			continue
		}
		fu, ok := f.kernel[j].(Fuser)
		if !ok {
			continue
		}
		k, ok := fu.Fuse(n.op)
		if !ok {
			continue
		}
		chain := f.chain[j]
		if chain == nil {
			chain = []*Node{x}
		}
		f.kernel[i], f.in[i] = k, f.in[j]
		f.chain[i] = append(chain[:len(chain):len(chain)], n)
		f.gone[j] = true
	}
	return f
}
