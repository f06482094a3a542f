package paramfile

import (
	"bytes"
	"cmp"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"slices"
	"unicode/utf8"

	"gorgonia.org/tensor"

	"github.com/zerograd/zerograd/internal/regular"
)

// The safetensors format: an 8-byte little-endian header length N, N bytes
// of JSON {"name": {"dtype": "F32", "shape": [2, 3], "data_offsets": [b, e]},
// "__metadata__": {"key": "value"}}, then the raw little-endian data, each
// tensor's bytes at [b, e) counted from the end of the header.

// maxSafetensorsHeader is the largest header read, as in the reference
// implementation: a header length beyond it is corruption, not a model.
const maxSafetensorsHeader = 100_000_000

const metadataKey = "__metadata__"

// safetensorsDtypes maps the format's dtype names to their element sizes.
// Only F32 and F64 are loaded; the others are known so that the error can
// say "not supported" rather than "unknown".
var safetensorsDtypes = map[string]uint64{
	"F32": 4, "F64": 8,
	"BOOL": 1, "U8": 1, "I8": 1, "F8_E5M2": 1, "F8_E4M3": 1,
	"I16": 2, "U16": 2, "F16": 2, "BF16": 2,
	"I32": 4, "U32": 4, "I64": 8, "U64": 8,
}

// stEntry is one checked tensor entry of a header.
type stEntry struct {
	name       string
	dtype      string
	shape      []int
	elems      int
	begin, end uint64 // relative to the start of the data
}

// LoadSafetensors reads a safetensors file: its tensors in the order of their
// data in the file (which is the order SaveSafetensors was given) and its
// metadata (an empty map when the file has none). The header is checked
// whole before any tensor is allocated, and each tensor is then read straight
// into its own backing slice; an error names the file, the tensor and the
// offending byte offsets, and no tensor is returned with it.
func LoadSafetensors(path string) ([]NamedTensor, map[string]string, error) {
	f, size, err := regular.Open(path)
	if err != nil {
		return nil, nil, fmt.Errorf("safetensors: %w", err)
	}
	defer f.Close()
	ts, meta, err := readSafetensors(f, size)
	if err != nil {
		return nil, nil, fmt.Errorf("safetensors: %s: %w", path, err)
	}
	return ts, meta, nil
}

// ReadSafetensors parses a whole safetensors file held in memory, with the
// same checks and results as LoadSafetensors.
func ReadSafetensors(data []byte) ([]NamedTensor, map[string]string, error) {
	ts, meta, err := readSafetensors(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil, nil, fmt.Errorf("safetensors: %w", err)
	}
	return ts, meta, nil
}

func readSafetensors(r io.ReaderAt, size int64) ([]NamedTensor, map[string]string, error) {
	if size < 8 {
		return nil, nil, fmt.Errorf("file of %d bytes is too short for the 8-byte header length", size)
	}
	var b8 [8]byte
	if _, err := r.ReadAt(b8[:], 0); err != nil {
		return nil, nil, fmt.Errorf("reading the header length: %w", err)
	}
	n := binary.LittleEndian.Uint64(b8[:])
	if n > uint64(size-8) {
		return nil, nil, fmt.Errorf("header length %d (file bytes 0-7) runs past the end of the file (%d bytes)", n, size)
	}
	if n > maxSafetensorsHeader {
		return nil, nil, fmt.Errorf("header length %d (file bytes 0-7) exceeds the limit of %d bytes", n, maxSafetensorsHeader)
	}
	header := make([]byte, n) // n <= size: the bytes are really there
	if _, err := r.ReadAt(header, 8); err != nil {
		return nil, nil, fmt.Errorf("reading the header (file bytes 8 to %d): %w", 8+n, err)
	}
	dataStart := 8 + n
	entries, meta, err := parseSafetensorsHeader(header, dataStart, uint64(size)-dataStart)
	if err != nil {
		return nil, nil, err
	}
	// Everything is checked: the allocations below add up to the data size.
	ts := make([]NamedTensor, len(entries))
	var buf []byte
	for i, e := range entries {
		if chunk := min(e.end-e.begin, 1<<16); uint64(len(buf)) < chunk {
			buf = make([]byte, chunk)
		}
		t, err := readEntry(r, dataStart, e, buf)
		if err != nil {
			return nil, nil, err
		}
		ts[i] = NamedTensor{Name: e.name, Value: t}
	}
	return ts, meta, nil
}

// readEntry allocates the tensor of a checked entry and fills it from r in
// chunks of len(buf) bytes.
func readEntry(r io.ReaderAt, dataStart uint64, e stEntry, buf []byte) (*tensor.Dense, error) {
	var f32 []float32
	var f64 []float64
	var backing any
	size := 4
	if e.dtype == "F64" {
		size = 8
		f64 = make([]float64, e.elems)
		backing = f64
	} else {
		f32 = make([]float32, e.elems)
		backing = f32
	}
	chunkElems := len(buf) / size
	for done := 0; done < e.elems; {
		k := min(chunkElems, e.elems-done)
		off := int64(dataStart + e.begin + uint64(done*size))
		if _, err := r.ReadAt(buf[:k*size], off); err != nil {
			return nil, fmt.Errorf("tensor %q: reading file bytes %d to %d: %w", e.name, off, off+int64(k*size), err)
		}
		if f64 != nil {
			for j := range k {
				f64[done+j] = math.Float64frombits(binary.LittleEndian.Uint64(buf[j*8:]))
			}
		} else {
			for j := range k {
				f32[done+j] = math.Float32frombits(binary.LittleEndian.Uint32(buf[j*4:]))
			}
		}
		done += k
	}
	return newDense(e.shape, backing), nil
}

// stInfo is a tensor entry as written in the header; pointers tell a missing
// field from an empty one.
type stInfo struct {
	Dtype       *string   `json:"dtype"`
	Shape       *[]uint64 `json:"shape"`
	DataOffsets *[]uint64 `json:"data_offsets"`
}

// parseSafetensorsHeader checks a header against the data that follows it
// (dataLen bytes from file offset dataStart) and returns its entries sorted
// by data offset. It allocates nothing in proportion to what the header
// claims, only to the header's own size.
func parseSafetensorsHeader(header []byte, dataStart, dataLen uint64) ([]stEntry, map[string]string, error) {
	at := func(dec *json.Decoder) int64 { return 8 + dec.InputOffset() }
	if len(header) == 0 || header[0] != '{' {
		return nil, nil, fmt.Errorf("header (file byte 8) does not start with '{'")
	}
	if !utf8.Valid(header) {
		return nil, nil, fmt.Errorf("header (file bytes 8 to %d) is not valid UTF-8", dataStart)
	}
	dec := json.NewDecoder(bytes.NewReader(header))
	if _, err := dec.Token(); err != nil { // the '{' checked above
		return nil, nil, fmt.Errorf("header: %w", err)
	}
	meta := map[string]string{}
	var entries []stEntry
	seen := map[string]bool{}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, nil, fmt.Errorf("header near file byte %d: %w", at(dec), err)
		}
		name := tok.(string) // object keys are strings, or Token fails
		if seen[name] {
			return nil, nil, fmt.Errorf("header near file byte %d: name %q appears twice", at(dec), name)
		}
		seen[name] = true
		if name == metadataKey {
			if err := dec.Decode(&meta); err != nil {
				return nil, nil, fmt.Errorf("header near file byte %d: %s must map strings to strings: %w", at(dec), metadataKey, err)
			}
			if meta == nil { // "__metadata__": null
				meta = map[string]string{}
			}
			continue
		}
		var info stInfo
		if err := dec.Decode(&info); err != nil {
			return nil, nil, fmt.Errorf("tensor %q: header near file byte %d: %w", name, at(dec), err)
		}
		e, err := checkEntry(name, info, dataStart, dataLen)
		if err != nil {
			return nil, nil, fmt.Errorf("tensor %q: %w", name, err)
		}
		entries = append(entries, e)
	}
	if _, err := dec.Token(); err != nil { // the closing '}'
		return nil, nil, fmt.Errorf("header near file byte %d: %w", at(dec), err)
	}
	if tok, err := dec.Token(); err != io.EOF {
		return nil, nil, fmt.Errorf("header near file byte %d: unexpected %v after the closing '}' (only space padding may follow)", at(dec), tok)
	}
	if err := checkCoverage(entries, dataStart, dataLen); err != nil {
		return nil, nil, err
	}
	return entries, meta, nil
}

// checkEntry checks one entry on its own: fields present, dtype known and
// supported, offsets ordered and inside the data, byte count matching shape.
func checkEntry(name string, info stInfo, dataStart, dataLen uint64) (stEntry, error) {
	if info.Dtype == nil || info.Shape == nil || info.DataOffsets == nil {
		return stEntry{}, fmt.Errorf("entry needs dtype, shape and data_offsets")
	}
	dtype, shape, offs := *info.Dtype, *info.Shape, *info.DataOffsets
	size, known := safetensorsDtypes[dtype]
	switch {
	case !known:
		return stEntry{}, fmt.Errorf("unknown dtype %q", dtype)
	case dtype != "F32" && dtype != "F64":
		return stEntry{}, fmt.Errorf("dtype %s is not supported (only F32 and F64)", dtype)
	}
	if len(offs) != 2 {
		return stEntry{}, fmt.Errorf("data_offsets has %d numbers, want 2", len(offs))
	}
	begin, end := offs[0], offs[1]
	if begin > end {
		return stEntry{}, fmt.Errorf("data_offsets [%d, %d] end before they begin", begin, end)
	}
	if end > dataLen {
		return stEntry{}, fmt.Errorf("data_offsets [%d, %d] run past the end of the data (%d bytes, file bytes %d to %d)",
			begin, end, dataLen, dataStart, dataStart+dataLen)
	}
	elems, nbytes, err := checkedElems(shape, size)
	if err != nil {
		return stEntry{}, err
	}
	if nbytes != end-begin {
		return stEntry{}, fmt.Errorf("shape %v of %s needs %d bytes, data_offsets [%d, %d] (file bytes %d to %d) hold %d",
			shape, dtype, nbytes, begin, end, dataStart+begin, dataStart+end, end-begin)
	}
	ishape := make([]int, len(shape))
	for i, d := range shape {
		ishape[i] = int(d) // checkedElems bounded each dimension
	}
	return stEntry{name: name, dtype: dtype, shape: ishape, elems: int(elems), begin: begin, end: end}, nil
}

// checkCoverage sorts the entries by offset and checks that their byte ranges
// neither overlap nor leave gaps, and together cover the data exactly.
func checkCoverage(entries []stEntry, dataStart, dataLen uint64) error {
	slices.SortStableFunc(entries, func(a, b stEntry) int {
		return cmp.Or(cmp.Compare(a.begin, b.begin), cmp.Compare(a.end, b.end))
	})
	var prev *stEntry
	pos := uint64(0)
	for i := range entries {
		e := &entries[i]
		switch {
		case e.begin < pos:
			return fmt.Errorf("tensors %q and %q overlap: data_offsets [%d, %d] and [%d, %d] (file bytes from %d)",
				prev.name, e.name, prev.begin, prev.end, e.begin, e.end, dataStart+e.begin)
		case e.begin > pos:
			return fmt.Errorf("data bytes [%d, %d) (file bytes %d to %d) belong to no tensor; tensor %q starts at %d",
				pos, e.begin, dataStart+pos, dataStart+e.begin, e.name, e.begin)
		}
		pos, prev = e.end, e
	}
	if pos != dataLen {
		return fmt.Errorf("data bytes [%d, %d) (file bytes %d to %d) at the end belong to no tensor",
			pos, dataLen, dataStart+pos, dataStart+dataLen)
	}
	return nil
}
