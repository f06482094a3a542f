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

// Viewer is implemented by ops whose value is their single input's elements, in the same
// order, under another shape (reshape, flatten). Compile gives such a node no buffer and
// no work of its own where its input is the value of an op step: the two share one
// buffer, which lives until the last reader of either has run. Trace and Value see the
// node's value as usual.
type Viewer interface {
	// View reports whether the op's value is its input's data as it lies in memory.
	View() bool
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

// InputFuser is implemented by ops (and fused kernels) whose kernel can also apply an op
// that reads their output as one of several inputs: a max pooling's gradient that applies
// the ReLU mask of the gradient reading it, while each image plane's gradient is in cache.
//
// Compile asks for it where it would ask a Fuser (the node is not an output and has that
// one reader, which reads it once) and the reader takes several inputs, or the node's
// kernel is no Fuser. The fused kernel reads the reader's other inputs, in their order,
// followed by the node's own kernel inputs: for a reader next(a, node, b) and a node
// computed from (x, y), the kernel's inputs are (a, b, x, y).
//
// As for Fuser, the fused kernel computes exactly what the ops would one after another,
// and Trace still visits every node with its value.
type InputFuser interface {
	// FuseInput returns the kernel computing next with k(in...) as next's input at, from
	// next's other inputs followed by k's inputs, or false when it has none.
	FuseInput(next Op, at int) (Kernel, bool)
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
		if !enabled {
			continue
		}
		for at, x := range n.inputs {
			j := slot[x]
			if x.kind != KindOp || output[j] || readers[j] != 1 {
				continue
			}
			k, ok := fuseInto(f.kernel[j], n, at)
			if !ok {
				continue
			}
			chain := f.chain[j]
			if chain == nil {
				chain = []*Node{x}
			}
			// The reader's other inputs, then the fused step's: a Fuser's reader has none.
			in := make([]*Node, 0, len(n.inputs)-1+len(f.in[j]))
			in = append(append(append(in, n.inputs[:at]...), n.inputs[at+1:]...), f.in[j]...)
			f.kernel[i], f.in[i] = k, in
			f.chain[i] = append(chain[:len(chain):len(chain)], n)
			f.gone[j] = true
			break // one fused producer per step: a chain is a line
		}
	}
	return f
}

// fuseInto asks kernel k, the producer of n's input at, for the kernel that also applies
// n's op: as a Fuser when n takes that one input, else as an InputFuser.
func fuseInto(k Kernel, n *Node, at int) (Kernel, bool) {
	if fu, ok := k.(Fuser); ok && len(n.inputs) == 1 {
		if fk, ok := fu.Fuse(n.op); ok {
			return fk, true
		}
	}
	if fu, ok := k.(InputFuser); ok {
		return fu.FuseInput(n.op, at)
	}
	return nil, false
}
