package dataset

import (
	"bytes"
	"errors"
	"runtime"
	"testing"
)

// FuzzParseIDX feeds the parser arbitrary bytes: it must never panic, an
// error must be a *FormatError, and a success must hold exactly the data its
// dimensions declare. A raw file that parses must parse the same gzipped.
// No input may allocate more than a small multiple of its size.
func FuzzParseIDX(f *testing.F) {
	labels := idxBytes([]byte{5, 0, 4, 1, 9}, 5)
	images := idxBytes(make([]byte, 24), 2, 3, 4)
	for _, b := range [][]byte{
		labels, images, gz(labels), gz(images),
		images[:10], images[:20], gz(images)[:20],
		{0, 0, 8, 1, 0x7f, 0xff, 0xff, 0xff},
		{0, 0, 8, 3, 0, 0, 0xea, 0x60, 0, 0, 0, 28, 0, 0, 0, 28},
		{0x1f, 0x8b},
		gzipBomb(40), gzipBomb(40)[:60], gzipBomb(3000),
	} {
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		m, err := ParseIDX(b)
		runtime.ReadMemStats(&after)
		if alloc := after.TotalAlloc - before.TotalAlloc; alloc > idxAllocLimit(len(b)) {
			t.Fatalf("%d bytes allocated for a file of %d, more than %d", alloc, len(b), idxAllocLimit(len(b)))
		}
		if err != nil {
			var fe *FormatError
			if !errors.As(err, &fe) {
				t.Fatalf("error %v (%T) is not a *FormatError", err, err)
			}
			return
		}
		if len(m.Dims) == 0 || int64(len(m.Data)) != product(m.Dims) {
			t.Fatalf("dims %v with %d data bytes", m.Dims, len(m.Data))
		}
		if len(b) >= 2 && b[0] == 0 {
			z, err := ParseIDX(gz(b))
			if err != nil {
				t.Fatalf("parses raw but not gzipped: %v", err)
			}
			if !bytes.Equal(z.Data, m.Data) {
				t.Fatal("raw and gzipped data differ")
			}
		}
	})
}
