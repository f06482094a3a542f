package dataset

import (
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
)

// IDX is one decoded IDX file: an n-dimensional array of unsigned bytes
// stored row-major, as in the MNIST files (magic 0x00000801 for a vector of
// labels, 0x00000803 for a stack of images).
type IDX struct {
	Dims []int  // e.g. [60000 28 28] for images, [60000] for labels
	Data []byte // product(Dims) bytes; may share memory with ParseIDX's input
}

// MaxIDXBytes caps the data an IDX header may declare (1 GiB; MNIST's
// largest file holds 47 MB). A header past the cap is an error before anything
// is allocated.
const MaxIDXBytes = 1 << 30

// A gzip stream of n bytes may declare at most maxGzipExpansion*n +
// gzipSlack bytes of IDX data. Deflate can expand 1032-fold, so a 1 MB file
// could otherwise make the loader decode a billion pixels (and hold them
// five times over as a Set); real image files expand far less (MNIST's 4.8
// times, Fashion-MNIST's 1.8), and the slack covers small files that
// compress well, such as sorted labels. A file past the bound is an error
// that says to decompress it first: a raw file's data is really there.
const (
	maxGzipExpansion = 16
	gzipSlack        = 1 << 20
)

// maxGzipData is the most IDX data a gzip stream of n bytes may declare.
func maxGzipData(n int) int64 { return maxGzipExpansion*int64(n) + gzipSlack }

// idxTypeNames names the element types of the IDX format. Only unsigned
// bytes (0x08) are supported: MNIST and its relatives use nothing else.
var idxTypeNames = map[byte]string{
	0x08: "unsigned byte", 0x09: "signed byte", 0x0B: "int16",
	0x0C: "int32", 0x0D: "float32", 0x0E: "float64",
}

// A FormatError reports bytes that are not a well-formed IDX file.
type FormatError struct {
	File   string // the file's path; "" when ParseIDX was handed bytes
	Offset int64  // where the problem is, in the decompressed bytes
	Gzip   bool   // whether the file was gzip-compressed
	Reason string
}

func (e *FormatError) Error() string {
	name := e.File
	if name == "" {
		name = "idx"
	}
	where := "offset"
	if e.Gzip {
		where = "decompressed offset"
	}
	return fmt.Sprintf("dataset: %s: %s at %s %d", name, e.Reason, where, e.Offset)
}

// ParseIDX decodes an IDX file held in b, gzip-compressed or not: a gzip
// stream is recognised by its magic bytes 0x1f 0x8b, an IDX header by its
// two zero bytes. The header's dimensions are checked against the bytes
// present (raw) or against what the compressed bytes could expand to (gzip)
// before any allocation; trailing bytes are an error. Errors are *FormatError.
// For a raw file the returned Data is a sub-slice of b.
func ParseIDX(b []byte) (*IDX, error) {
	if len(b) >= 2 && b[0] == 0x1f && b[1] == 0x8b {
		return parseGzipIDX(b)
	}
	dims, hdr, err := parseHeader(b, false)
	if err != nil {
		return nil, err
	}
	size := product(dims)
	have := int64(len(b)) - int64(hdr)
	switch {
	case have < size:
		return nil, &FormatError{Offset: int64(len(b)), Reason: fmt.Sprintf(
			"truncated: header declares %s = %d data bytes from offset %d, file ends",
			dimString(dims), size, hdr)}
	case have > size:
		return nil, &FormatError{Offset: int64(hdr) + size, Reason: fmt.Sprintf(
			"%d trailing bytes after the %s = %d data bytes", have-size, dimString(dims), size)}
	}
	return &IDX{Dims: dims, Data: b[hdr:len(b):len(b)]}, nil
}

// parseGzipIDX decompresses b while parsing it. The header is read first;
// the data is read into a buffer that grows with the bytes that really arrive,
// so a header that lies costs at most what the stream delivers.
func parseGzipIDX(b []byte) (*IDX, error) {
	zr, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		return nil, &FormatError{Gzip: true, Reason: "bad gzip header: " + err.Error()}
	}
	// The header: 4 bytes of magic, then 4 per dimension.
	head := make([]byte, 4, 4+4*255)
	if n, err := io.ReadFull(zr, head); err != nil {
		return nil, gzipShort(err, int64(n), fmt.Sprintf("truncated header: %d of 4 magic bytes", n))
	}
	ndim, err := checkMagic(head, true)
	if err != nil {
		return nil, err
	}
	head = head[:4+4*ndim]
	if n, err := io.ReadFull(zr, head[4:]); err != nil {
		return nil, gzipShort(err, int64(4+n), fmt.Sprintf("truncated header: %d dimensions need %d bytes", ndim, len(head)))
	}
	dims, hdr, err := parseHeader(head, true)
	if err != nil {
		return nil, err
	}
	size := product(dims)
	if size > maxGzipData(len(b)) {
		return nil, &FormatError{Offset: int64(hdr), Gzip: true, Reason: fmt.Sprintf(
			"header declares %s = %d data bytes, more than a gzip file of %d bytes may hold here "+
				"(%d: %d times its size plus %d; gunzip it and load the raw file)",
			dimString(dims), size, len(b), maxGzipData(len(b)), maxGzipExpansion, gzipSlack)}
	}
	data, err := readGrowing(zr, size)
	if err != nil {
		return nil, gzipShort(err, int64(hdr)+int64(len(data)), fmt.Sprintf(
			"truncated: header declares %s = %d data bytes from offset %d, stream ends",
			dimString(dims), size, hdr))
	}
	// One more read meets the end of the stream and checks gzip's CRC.
	var one [1]byte
	if n, err := io.ReadFull(zr, one[:]); n > 0 {
		// Count the rest, up to the bound on the whole: no more work than that.
		limit := maxGzipData(len(b)) - size
		extra, _ := io.Copy(io.Discard, io.LimitReader(zr, limit))
		count := fmt.Sprint(extra + 1)
		if extra == limit {
			count = "at least " + count
		}
		return nil, &FormatError{Offset: int64(hdr) + size, Gzip: true, Reason: fmt.Sprintf(
			"%s trailing bytes after the %s = %d data bytes", count, dimString(dims), size)}
	} else if err != io.EOF {
		return nil, gzipShort(err, int64(hdr)+size, "truncated gzip stream: its trailer is cut")
	}
	return &IDX{Dims: dims, Data: data}, nil
}

// readGrowing reads exactly n bytes from r into a slice that starts small and
// doubles, so its size follows the bytes read rather than the promise n.
func readGrowing(r io.Reader, n int64) ([]byte, error) {
	buf := make([]byte, 0, min(n, 1<<20))
	for int64(len(buf)) < n {
		if len(buf) == cap(buf) {
			bigger := make([]byte, len(buf), min(n, 2*int64(cap(buf))))
			copy(bigger, buf)
			buf = bigger
		}
		m, err := r.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+m]
		if err != nil && int64(len(buf)) < n {
			if err == io.EOF {
				err = io.ErrUnexpectedEOF
			}
			return buf, err
		}
	}
	return buf, nil
}

// gzipShort turns an error met while decompressing at offset off into a
// *FormatError: a stream that ends early, or one that is corrupt.
func gzipShort(err error, off int64, what string) error {
	if errors.Is(err, io.ErrUnexpectedEOF) || err == io.EOF {
		return &FormatError{Offset: off, Gzip: true, Reason: what}
	}
	return &FormatError{Offset: off, Gzip: true, Reason: "bad gzip stream: " + err.Error()}
}

// parseHeader reads the magic number and dimensions at the start of b and
// returns them with the header's length. It checks each dimension (positive,
// below 2^31) and their product (at most MaxIDXBytes).
func parseHeader(b []byte, gz bool) (dims []int, n int, err error) {
	fail := func(off int, format string, args ...any) ([]int, int, error) {
		return nil, 0, &FormatError{Offset: int64(off), Gzip: gz, Reason: fmt.Sprintf(format, args...)}
	}
	ndim, err := checkMagic(b, gz)
	if err != nil {
		return nil, 0, err
	}
	n = 4 + 4*ndim
	if len(b) < n {
		return fail(len(b), "truncated header: %d dimensions need %d bytes", ndim, n)
	}
	dims = make([]int, ndim)
	size := int64(1)
	for i := range dims {
		d := binary.BigEndian.Uint32(b[4+4*i:])
		if d == 0 || d >= 1<<31 {
			return fail(4+4*i, "bad dimension %d: size %d", i, d)
		}
		dims[i] = int(d)
		size *= int64(d) // each factor < 2^31 and the running product <= 2^30: no overflow
		if size > MaxIDXBytes {
			return fail(4+4*i, "dimensions %s exceed the cap of %d bytes", dimString(dims[:i+1]), MaxIDXBytes)
		}
	}
	return dims, n, nil
}

// checkMagic checks the 4 magic bytes at the start of b and returns the
// number of dimensions they announce.
func checkMagic(b []byte, gz bool) (ndim int, err error) {
	fail := func(off int, format string, args ...any) (int, error) {
		return 0, &FormatError{Offset: int64(off), Gzip: gz, Reason: fmt.Sprintf(format, args...)}
	}
	if len(b) < 4 {
		return fail(len(b), "truncated header: %d of 4 magic bytes", len(b))
	}
	if b[0] != 0 || b[1] != 0 {
		return fail(0, "bad magic %02x %02x %02x %02x: an IDX file starts with two zero bytes", b[0], b[1], b[2], b[3])
	}
	if b[2] != 0x08 {
		name, ok := idxTypeNames[b[2]]
		if !ok {
			return fail(2, "bad magic: unknown element type 0x%02x", b[2])
		}
		return fail(2, "element type 0x%02x (%s) not supported: only unsigned bytes (0x08)", b[2], name)
	}
	if b[3] == 0 {
		return fail(3, "bad magic: zero dimensions")
	}
	return int(b[3]), nil
}

func product(dims []int) int64 {
	p := int64(1)
	for _, d := range dims {
		p *= int64(d)
	}
	return p
}

// dimString writes dims like 60000 x 28 x 28.
func dimString(dims []int) string {
	var s []byte
	for i, d := range dims {
		if i > 0 {
			s = append(s, " x "...)
		}
		s = fmt.Appendf(s, "%d", d)
	}
	return string(s)
}
