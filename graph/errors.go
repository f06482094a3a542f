package graph

import (
	"fmt"
	"strings"
)

// ShapeError is the panic value of building a node whose inputs do not fit its op.
// Its message reads like the book's bug report:
//
//	matmul(x[100 784], W1[748 50]): inner dimensions 784 and 748 differ
type ShapeError struct {
	Op     string   // the op being built, e.g. "matmul"
	Inputs []string // the labels of its inputs
	Shapes []Shape  // their shapes
	Reason string   // what is wrong
}

func (e *ShapeError) Error() string {
	var b strings.Builder
	b.WriteString(e.Op)
	b.WriteByte('(')
	for i := range e.Inputs {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(e.Inputs[i])
		if i < len(e.Shapes) {
			b.WriteString(e.Shapes[i].String())
		}
	}
	b.WriteString("): ")
	b.WriteString(e.Reason)
	return b.String()
}

// Try runs build and returns the *ShapeError (or other error) it panicked with, or nil.
// Panics that are not errors, such as runtime failures, are not caught.
//
//	err := graph.Try(func() { y = ops.MatMul(x, W) })
func Try(build func()) (err error) {
	defer func() {
		if r := recover(); r != nil {
			if e, ok := r.(error); ok {
				if _, runtime := r.(interface{ RuntimeError() }); !runtime {
					err = e
					return
				}
			}
			panic(r)
		}
	}()
	build()
	return nil
}

// Errorf is a convenience for ops' shape rules.
func Errorf(format string, args ...any) error { return fmt.Errorf(format, args...) }
