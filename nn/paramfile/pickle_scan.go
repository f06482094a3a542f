package paramfile

import (
	"bytes"
	"encoding/binary"
	"fmt"
)

// Before gopickle sees a byte, scanPickle walks the opcodes once, the way
// Python's pickletools.genops does, and checks what gopickle would trust:
// every length-prefixed argument and every FRAME must fit in the bytes that
// remain (gopickle allocates a claimed length before reading it), text
// arguments must end in a newline, numbers and names written as text stay
// short, GLOBAL and INST name only allowed globals, and the counts of
// opcodes and MARKs stay within limits, and integers stay short (gopickle
// decodes a long one in quadratic time). It also adds up what gopickle will
// allocate for the opcodes (opCost), which readPickle holds to a small
// multiple of the file's size: a file of a million one-byte EMPTY_DICTs
// would otherwise cost 250 times its size.

const (
	maxPickleOps   = 1 << 20 // a parameter dict takes about 30 opcodes per array
	maxPickleMarks = 1 << 16 // each MARK costs gopickle a fresh stack
	maxPickleLine  = 256     // text numbers and global names
	maxPickleLong  = 8       // bytes of a LONG1 or LONG4 integer: shapes fit in 8
)

// opCost is about what gopickle allocates to run one opcode, beyond its
// argument (measured: a MARK makes a fresh 16-slot stack, EMPTY_DICT a dict
// with room for 4 entries, a call may make an OrderedDict; a push grows the
// stack). argCost is the bytes it allocates per argument byte: the read
// buffer, the string made from it, and a FRAME's copy.
func opCost(code byte) uint64 {
	switch code {
	case '(':
		return 512
	case '}', ']', 0x8f, 'R', 0x81, 0x92, 'o', 'i', 'b':
		return 320
	}
	return 128
}

const argCost = 4

// Argument kinds of the pickle opcodes.
const (
	argNone    = iota
	argFixed   // n bytes
	argLen1    // 1-byte length, then that many bytes
	argLen4    // 4-byte little-endian length, then that many bytes
	argLen8    // 8-byte little-endian length, then that many bytes
	argLine    // bytes up to a newline
	argNumLine // a short line: a number or a memo key
	argGlobal  // two short lines: module and name
)

type pickleOp struct {
	name string
	kind int
	n    int
}

var pickleOps = [256]*pickleOp{
	'(': {"MARK", argNone, 0}, '.': {"STOP", argNone, 0}, '0': {"POP", argNone, 0},
	'1': {"POP_MARK", argNone, 0}, '2': {"DUP", argNone, 0}, 'N': {"NONE", argNone, 0},
	'R': {"REDUCE", argNone, 0}, 'b': {"BUILD", argNone, 0}, 'a': {"APPEND", argNone, 0},
	'e': {"APPENDS", argNone, 0}, 'd': {"DICT", argNone, 0}, '}': {"EMPTY_DICT", argNone, 0},
	']': {"EMPTY_LIST", argNone, 0}, ')': {"EMPTY_TUPLE", argNone, 0}, 'l': {"LIST", argNone, 0},
	'o': {"OBJ", argNone, 0}, 's': {"SETITEM", argNone, 0}, 'u': {"SETITEMS", argNone, 0},
	't': {"TUPLE", argNone, 0}, 0x85: {"TUPLE1", argNone, 0}, 0x86: {"TUPLE2", argNone, 0},
	0x87: {"TUPLE3", argNone, 0}, 0x88: {"NEWTRUE", argNone, 0}, 0x89: {"NEWFALSE", argNone, 0},
	0x81: {"NEWOBJ", argNone, 0}, 0x92: {"NEWOBJ_EX", argNone, 0}, 0x93: {"STACK_GLOBAL", argNone, 0},
	0x94: {"MEMOIZE", argNone, 0}, 0x8f: {"EMPTY_SET", argNone, 0}, 0x90: {"ADDITEMS", argNone, 0},
	0x91: {"FROZENSET", argNone, 0}, 0x97: {"NEXT_BUFFER", argNone, 0}, 0x98: {"READONLY_BUFFER", argNone, 0},
	'Q': {"BINPERSID", argNone, 0},

	0x80: {"PROTO", argFixed, 1}, 'K': {"BININT1", argFixed, 1}, 'h': {"BINGET", argFixed, 1},
	'q': {"BINPUT", argFixed, 1}, 0x82: {"EXT1", argFixed, 1}, 'M': {"BININT2", argFixed, 2},
	0x83: {"EXT2", argFixed, 2}, 'J': {"BININT", argFixed, 4}, 'j': {"LONG_BINGET", argFixed, 4},
	'r': {"LONG_BINPUT", argFixed, 4}, 0x84: {"EXT4", argFixed, 4}, 'G': {"BINFLOAT", argFixed, 8},
	0x95: {"FRAME", argLen8, 0},

	'U': {"SHORT_BINSTRING", argLen1, 0}, 'C': {"SHORT_BINBYTES", argLen1, 0},
	0x8c: {"SHORT_BINUNICODE", argLen1, 0}, 0x8a: {"LONG1", argLen1, 0},
	'T': {"BINSTRING", argLen4, 0}, 'B': {"BINBYTES", argLen4, 0}, 'X': {"BINUNICODE", argLen4, 0},
	0x8b: {"LONG4", argLen4, 0},
	0x8d: {"BINUNICODE8", argLen8, 0}, 0x8e: {"BINBYTES8", argLen8, 0}, 0x96: {"BYTEARRAY8", argLen8, 0},

	'S': {"STRING", argLine, 0}, 'V': {"UNICODE", argLine, 0}, 'P': {"PERSID", argLine, 0},
	'I': {"INT", argNumLine, 0}, 'L': {"LONG", argNumLine, 0}, 'F': {"FLOAT", argNumLine, 0},
	'g': {"GET", argNumLine, 0}, 'p': {"PUT", argNumLine, 0},
	'c': {"GLOBAL", argGlobal, 0}, 'i': {"INST", argGlobal, 0},
}

// scanPickle checks the opcodes of data up to the first STOP (where the
// unpickler stops too). Errors name the byte offset and the opcode.
// It returns the estimated cost of decoding them (opCost, argCost).
func scanPickle(data []byte) (cost uint64, err error) {
	ops, marks := 0, 0
	for pos := 0; pos < len(data); {
		at, code := pos, data[pos]
		op := pickleOps[code]
		if op == nil {
			return 0, fmt.Errorf("byte %d: unknown opcode 0x%02x", at, code)
		}
		pos++
		if ops++; ops > maxPickleOps {
			return 0, fmt.Errorf("byte %d: more than %d opcodes; not a parameter file", at, maxPickleOps)
		}
		cost += opCost(code)
		rest := uint64(len(data) - pos)
		short := func(need uint64) error {
			return fmt.Errorf("byte %d: %s needs %d bytes, the file has %d left (truncated or corrupt)", at, op.name, need, rest)
		}
		switch op.kind {
		case argNone:
			switch code {
			case '.':
				return cost, nil
			case '(':
				if marks++; marks > maxPickleMarks {
					return 0, fmt.Errorf("byte %d: more than %d MARKs; not a parameter file", at, maxPickleMarks)
				}
			}
		case argFixed:
			if uint64(op.n) > rest {
				return 0, short(uint64(op.n))
			}
			if code == 0x80 && data[pos] > 5 {
				return 0, fmt.Errorf("byte %d: pickle protocol %d is not supported (0 to 5 are)", at, data[pos])
			}
			pos += op.n
		case argLen1, argLen4, argLen8:
			w := uint64(1)
			switch op.kind {
			case argLen4:
				w = 4
			case argLen8:
				w = 8
			}
			if w > rest {
				return 0, short(w)
			}
			var n uint64
			switch w {
			case 1:
				n = uint64(data[pos])
			case 4:
				n = uint64(binary.LittleEndian.Uint32(data[pos:]))
			case 8:
				n = binary.LittleEndian.Uint64(data[pos:])
			}
			if n > rest-w {
				return 0, fmt.Errorf("byte %d: %s claims %d bytes, the file has %d left (truncated or corrupt)", at, op.name, n, rest-w)
			}
			if (code == 0x8a || code == 0x8b) && n > maxPickleLong {
				return 0, fmt.Errorf("byte %d: %s integer of %d bytes; a parameter file needs at most %d", at, op.name, n, maxPickleLong)
			}
			cost += argCost * (w + n)
			pos += int(w)
			if code != 0x95 { // a FRAME's bytes are opcodes: scan into them
				pos += int(n)
			}
		case argLine, argNumLine:
			end, err := lineEnd(data, pos, at, op, op.kind == argNumLine)
			if err != nil {
				return 0, err
			}
			cost += argCost * uint64(end-pos)
			pos = end
		case argGlobal:
			end1, err := lineEnd(data, pos, at, op, true)
			if err != nil {
				return 0, err
			}
			end2, err := lineEnd(data, end1, at, op, true)
			if err != nil {
				return 0, err
			}
			module, name := string(data[pos:end1-1]), string(data[end1:end2-1])
			if !allowedGlobal(module, name) {
				return 0, &UnsafeGlobalError{Module: module, Name: name}
			}
			cost += argCost * uint64(end2-pos)
			pos = end2
		}
	}
	return 0, fmt.Errorf("byte %d: the file ends without a STOP opcode (truncated)", len(data))
}

// lineEnd returns the position after the newline that ends the text argument
// starting at pos, refusing long lines where short ones are expected.
func lineEnd(data []byte, pos, at int, op *pickleOp, isShort bool) (int, error) {
	i := bytes.IndexByte(data[pos:], '\n')
	if isShort && (i > maxPickleLine || i < 0 && len(data)-pos > maxPickleLine) {
		return 0, fmt.Errorf("byte %d: %s argument longer than %d bytes", at, op.name, maxPickleLine)
	}
	if i < 0 {
		return 0, fmt.Errorf("byte %d: %s argument has no ending newline (truncated)", at, op.name)
	}
	return pos + i + 1, nil
}
