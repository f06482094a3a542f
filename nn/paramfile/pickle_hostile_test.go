package paramfile

import (
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/zerograd/zerograd/internal/fixture"
)

// Hostile pickles: small files that make a naive importer allocate far more
// than their size. Each is built by the functions below at any scale, for the
// tests here and as seeds of FuzzReadPickle.

func u32(n int) string { return string(binary.LittleEndian.AppendUint32(nil, uint32(n))) }

func put(i int) string { return "r" + u32(i) } // LONG_BINPUT
func get(i int) string { return "j" + u32(i) } // LONG_BINGET

func key(i int) string { s := fmt.Sprintf("k%d", i); return "X" + u32(len(s)) + s }

// npPrelude memoises _reconstruct (1), ndarray (2) and a float32 dtype (4).
const npPrelude = "cnumpy.core.multiarray\n_reconstruct\n" + "r\x01\x00\x00\x00" +
	"cnumpy\nndarray\n" + "r\x02\x00\x00\x00" +
	"cnumpy\ndtype\n" + "X\x02\x00\x00\x00f4\x89\x88\x87R" +
	"(K\x03X\x01\x00\x00\x00<NNNJ\xff\xff\xff\xffJ\xff\xff\xff\xffK\x00tb" + "r\x04\x00\x00\x00"

// npArray builds a 1-D float32 array of n elements whose data is pushed by data.
func npArray(n int, data string) string {
	return get(1) + get(2) + "K\x00\x85C\x01b\x87R" +
		"(K\x01J" + u32(n) + "\x85" + get(4) + "\x89" + data + "tb"
}

// sharedArrayPickle maps keys names to one memoised array of n float32s.
func sharedArrayPickle(n, keys int) []byte {
	var b strings.Builder
	b.WriteString("\x80\x03" + npPrelude + "}(" + key(0) + npArray(n, "B"+u32(4*n)+strings.Repeat("\x00", 4*n)) + put(6))
	for i := 1; i < keys; i++ {
		b.WriteString(key(i) + get(6))
	}
	b.WriteString("u.")
	return []byte(b.String())
}

// sharedDataPickle makes arrays distinct arrays of n float32s over one
// memoised bytes object.
func sharedDataPickle(n, arrays int) []byte {
	var b strings.Builder
	b.WriteString("\x80\x03" + npPrelude + "}(" + key(0) + npArray(n, "B"+u32(4*n)+strings.Repeat("\x01", 4*n)+put(5)))
	for i := 1; i < arrays; i++ {
		b.WriteString(key(i) + npArray(n, get(5)))
	}
	b.WriteString("u.")
	return []byte(b.String())
}

// encodedStringPickle latin1-encodes one memoised string of n characters
// times times, then returns an empty dict.
func encodedStringPickle(n, times int) []byte {
	s := strings.Repeat("\u00e9", n)
	var b strings.Builder
	b.WriteString("\x80\x02c_codecs\nencode\n" + put(1) + "X" + u32(len(s)) + s + put(2) + "X\x06\x00\x00\x00latin1" + put(3))
	for range times {
		b.WriteString(get(1) + get(2) + get(3) + "\x86R0")
	}
	b.WriteString("}.")
	return []byte(b.String())
}

// hugeIntPickle holds an integer of n bytes, then an empty dict.
func hugeIntPickle(n int) []byte {
	return []byte("\x80\x02\x8b" + u32(n) + strings.Repeat("\x5a", n) + "0}.")
}

// floodPickle is n EMPTY_DICTs, the last of which is the result.
func floodPickle(n int) []byte { return []byte("\x80\x02" + strings.Repeat("}", n) + ".") }

// hostilePickles are each kind at a size that costs a naive importer
// hundreds of megabytes, from files of a few hundred kilobytes at most.
func hostilePickles() []struct {
	name string
	data []byte
	msg  string // what the error says; "" when the file loads
} {
	return []struct {
		name string
		data []byte
		msg  string
	}{
		{"one array under many names", sharedArrayPickle(16<<10, 4000), ""},
		{"one bytes object under many arrays", sharedDataPickle(64<<10, 400), "array data needs 262144 more bytes"},
		{"many arrays over one bytes object", sharedDataPickle(1<<10, 10000), "decoding its opcodes needs"},
		{"one string encoded many times", encodedStringPickle(32<<10, 4000), "_codecs.encode needs 65536 more bytes"},
		{"huge integer", hugeIntPickle(256 << 10), "byte 2: LONG4 integer of 262144 bytes; a parameter file needs at most 8"},
		{"long integer", []byte("\x80\x02\x8a\x09" + strings.Repeat("\x01", 9) + "0}."), "LONG1 integer of 9 bytes"},
		{"flood of empty dicts", floodPickle(200 << 10), "decoding its opcodes needs"},
	}
}

// allocLimit is what a test lets ReadPickle allocate for n bytes: the
// importer's own bound (maxPickleAlloc) plus reading them whole.
func allocLimit(n int) uint64 { return maxPickleAlloc(n) + 4*uint64(n) + 1<<20 }

// TestReadPickleHostile: each hostile file is refused with a clear error, or
// (one array under many names) loads with the array shared, and none costs
// more than a small multiple of its size.
func TestReadPickleHostile(t *testing.T) {
	for _, tc := range hostilePickles() {
		t.Run(tc.name, func(t *testing.T) {
			var ts []NamedTensor
			var err error
			fixture.Bounded(t, "ReadPickle", len(tc.data), allocLimit(len(tc.data)), func() {
				ts, err = ReadPickle(bytes.NewReader(tc.data))
			})
			if tc.msg == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if err == nil || ts != nil || !strings.Contains(err.Error(), tc.msg) {
				t.Fatalf("got %d tensors, error %v; want an error saying %q", len(ts), err, tc.msg)
			}
		})
	}
}

// TestReadPickleSharesArrays: names bound to one array object share its
// tensor, which is made once.
func TestReadPickleSharesArrays(t *testing.T) {
	ts, err := ReadPickle(bytes.NewReader(sharedArrayPickle(4, 3)))
	if err != nil {
		t.Fatal(err)
	}
	if len(ts) != 3 || ts[0].Name != "k0" || ts[2].Name != "k2" {
		t.Fatalf("got %v", ts)
	}
	for _, x := range ts[1:] {
		if x.Value != ts[0].Value {
			t.Errorf("%s: not the tensor of %s", x.Name, ts[0].Name)
		}
	}
	// Distinct arrays over one memoised bytes object are distinct tensors.
	ts, err = ReadPickle(bytes.NewReader(sharedDataPickle(4, 2)))
	if err != nil {
		t.Fatal(err)
	}
	if len(ts) != 2 || ts[0].Value == ts[1].Value {
		t.Fatalf("got %v", ts)
	}
}

// TestReadPickleFixturesCost: the real files, the book's among them, load
// well inside the bound.
func TestReadPickleFixturesCost(t *testing.T) {
	files, _ := filepath.Glob("testdata/book_*.pkl.gz")
	for name := range pickleFixtures {
		files = append(files, filepath.Join("testdata", name))
	}
	for _, file := range files {
		data, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		if strings.HasSuffix(file, ".gz") {
			zr, err := gzip.NewReader(bytes.NewReader(data))
			if err != nil {
				t.Fatal(err)
			}
			if data, err = io.ReadAll(zr); err != nil {
				t.Fatal(err)
			}
		}
		var err2 error
		fixture.Bounded(t, file+" (half the bound)", len(data), maxPickleAlloc(len(data))/2, func() { _, err2 = readPickle(data) })
		if err2 != nil {
			t.Fatalf("%s: %v", file, err2)
		}
	}
}
