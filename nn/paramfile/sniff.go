package paramfile

import (
	"encoding/binary"
	"fmt"
	"io"

	"github.com/zerograd/zerograd/internal/regular"
)

// Kind is a parameter file's format.
type Kind int

// The formats Sniff tells apart.
const (
	Safetensors Kind = iota + 1
	Pickle
)

// Sniff tells a safetensors file from a pickle by its first bytes, without reading the
// rest. A file that is neither (a text file, a gzip archive) is an error that says so and
// shows the bytes it starts with.
func Sniff(path string) (Kind, error) {
	f, size, err := regular.Open(path)
	if err != nil {
		return 0, fmt.Errorf("paramfile: %w", err)
	}
	defer f.Close()
	head := make([]byte, 9)
	n, err := io.ReadFull(f, head)
	if err != nil && err != io.ErrUnexpectedEOF && err != io.EOF {
		return 0, fmt.Errorf("paramfile: %s: %w", path, err)
	}
	head = head[:n]
	switch {
	case n >= 1 && head[0] == 0x80: // PROTO, protocols 2 to 5
		return Pickle, nil
	case n >= 1 && (head[0] == '}' || head[0] == '(' || head[0] == ']'): // protocols 0 and 1 open with a dict, mark or list
		return Pickle, nil
	case n == 9 && head[8] == '{' && binary.LittleEndian.Uint64(head) <= uint64(size-8):
		return Safetensors, nil
	case n >= 2 && head[0] == 0x1f && head[1] == 0x8b:
		return 0, fmt.Errorf("paramfile: %s is gzip-compressed: decompress it first (gunzip)", path)
	}
	return 0, fmt.Errorf("paramfile: %s is neither a safetensors file nor a pickle (it starts with %q)", path, head)
}
