package dataset

import (
	"bytes"
	"errors"
	"runtime"
	"slices"
	"testing"
)

func TestParseIDX(t *testing.T) {
	px := []byte{0, 1, 2, 3, 4, 5, 250, 251, 252, 253, 254, 255}
	raw := idxBytes(px, 2, 2, 3)
	for _, tc := range []struct {
		name string
		b    []byte
	}{{"raw", raw}, {"gzip", gz(raw)}} {
		t.Run(tc.name, func(t *testing.T) {
			m, err := ParseIDX(tc.b)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(m.Dims, []int{2, 2, 3}) || !bytes.Equal(m.Data, px) {
				t.Errorf("got dims %v data %v, want [2 2 3] %v", m.Dims, m.Data, px)
			}
		})
	}
}

func TestParseIDXErrors(t *testing.T) {
	labels := idxBytes([]byte{1, 2, 3, 4, 5}, 5)  // 8 header bytes + 5
	images := idxBytes(make([]byte, 24), 2, 3, 4) // 16 header bytes + 24
	for _, tc := range []struct {
		name string
		b    []byte
		want string
	}{
		{"empty", nil, "truncated header: 0 of 4 magic bytes at offset 0"},
		{"bad magic", []byte{0x50, 0x4b, 3, 4, 0, 0, 0, 1, 0}, "bad magic 50 4b 03 04: an IDX file starts with two zero bytes at offset 0"},
		{"float type", append([]byte{0, 0, 0x0D, 1}, labels[4:]...), "element type 0x0d (float32) not supported: only unsigned bytes (0x08) at offset 2"},
		{"odd type", []byte{0, 0, 0x42, 1, 0, 0, 0, 1, 7}, "bad magic: unknown element type 0x42 at offset 2"},
		{"no dims", []byte{0, 0, 8, 0}, "bad magic: zero dimensions at offset 3"},
		{"zero dim", idxBytes(nil, 3, 0, 5), "bad dimension 1: size 0 at offset 8"},
		{"huge dim", idxBytes(nil, 1<<31), "bad dimension 0: size 2147483648 at offset 4"},
		{"over cap", idxBytes(nil, 60000, 28000, 28), "dimensions 60000 x 28000 exceed the cap of 1073741824 bytes at offset 8"},
		{"cut in magic", labels[:2], "truncated header: 2 of 4 magic bytes at offset 2"},
		{"cut in dims", images[:10], "truncated header: 3 dimensions need 16 bytes at offset 10"},
		{"cut at data", images[:16], "truncated: header declares 2 x 3 x 4 = 24 data bytes from offset 16, file ends at offset 16"},
		{"cut in data", images[:29], "truncated: header declares 2 x 3 x 4 = 24 data bytes from offset 16, file ends at offset 29"},
		{"cut before last", labels[:12], "truncated: header declares 5 = 5 data bytes from offset 8, file ends at offset 12"},
		{"trailing", append(slices.Clip(labels), 9, 9), "2 trailing bytes after the 5 = 5 data bytes at offset 13"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseIDX(tc.b)
			var fe *FormatError
			if !errors.As(err, &fe) {
				t.Fatalf("error %v (%T), want a *FormatError", err, err)
			}
			if want := "dataset: idx: " + tc.want; err.Error() != want {
				t.Errorf("error\n%q, want\n%q", err, want)
			}
		})
	}
}

func TestParseIDXGzipErrors(t *testing.T) {
	images := idxBytes(make([]byte, 24), 2, 3, 4)
	z := gz(images)
	badCRC := slices.Clone(z)
	badCRC[len(badCRC)-8] ^= 0xff // the CRC-32 is the trailer's first 4 bytes
	for _, tc := range []struct {
		name string
		b    []byte
		want string
	}{
		{"cut gzip header", z[:5], "bad gzip header: unexpected EOF at decompressed offset 0"},
		{"gzip header only", z[:10], "truncated header: 0 of 4 magic bytes at decompressed offset 0"},
		{"cut stream", z[:20], "truncated header: 3 dimensions need 16 bytes at decompressed offset "},
		{"cut trailer", z[:len(z)-4], "truncated gzip stream: its trailer is cut at decompressed offset 40"},
		{"bad crc", badCRC, "bad gzip stream: gzip: invalid checksum at decompressed offset 40"},
		{"short data", gz(images[:30]), "truncated: header declares 2 x 3 x 4 = 24 data bytes from offset 16, stream ends at decompressed offset 30"},
		{"short header", gz(images[:7]), "truncated header: 3 dimensions need 16 bytes at decompressed offset 7"},
		{"short magic", gz(images[:1]), "truncated header: 1 of 4 magic bytes at decompressed offset 1"},
		{"trailing", gz(append(slices.Clip(images), 1, 2, 3)), "3 trailing bytes after the 2 x 3 x 4 = 24 data bytes at decompressed offset 40"},
		{"bad magic", gz([]byte{1, 2, 3, 4}), "bad magic 01 02 03 04: an IDX file starts with two zero bytes at decompressed offset 0"},
		// A header that promises a gigabyte in a few dozen bytes of gzip.
		{"bomb header", gz(idxBytes(make([]byte, 100), 1000, 1000, 1000)),
			"header declares 1000 x 1000 x 1000 = 1000000000 data bytes, more than"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseIDX(tc.b)
			var fe *FormatError
			if !errors.As(err, &fe) {
				t.Fatalf("error %v (%T), want a *FormatError", err, err)
			}
			wantErr(t, err, "dataset: idx: ", tc.want)
		})
	}
}

// TestParseIDXTruncatedEverywhere cuts a file at every offset: each cut is a
// *FormatError at or before the cut.
func TestParseIDXTruncatedEverywhere(t *testing.T) {
	images := idxBytes(make([]byte, 24), 2, 3, 4)
	for _, b := range [][]byte{images, gz(images)} {
		for n := range len(b) {
			_, err := ParseIDX(b[:n])
			var fe *FormatError
			if !errors.As(err, &fe) {
				t.Fatalf("cut at %d of %d: error %v, want a *FormatError", n, len(b), err)
			}
			if fe.Offset > int64(len(images)) {
				t.Errorf("cut at %d: offset %d past the file", n, fe.Offset)
			}
		}
	}
}

// TestParseIDXHostileHeader checks that a header declaring far more data than
// is present is refused without allocating for it.
func TestParseIDXHostileHeader(t *testing.T) {
	for _, tc := range []struct {
		name string
		b    []byte
	}{
		{"raw", idxBytes(make([]byte, 10), 1000, 1000, 1000)},
		{"gzip", gz(idxBytes(make([]byte, 10), 1000, 1000, 1000))},
		// Within what deflate could expand to, but the stream stops early.
		{"gzip in ratio", gz(idxBytes(make([]byte, 10), 1000, 1000))},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			_, err := ParseIDX(tc.b)
			runtime.ReadMemStats(&after)
			if err == nil {
				t.Fatal("no error")
			}
			if got := after.TotalAlloc - before.TotalAlloc; got > 2<<20 {
				t.Errorf("allocated %d bytes for a %d-byte file", got, len(tc.b))
			}
		})
	}
}
