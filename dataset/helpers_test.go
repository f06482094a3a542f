package dataset

import (
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// idxBytes builds a raw IDX file of unsigned bytes with the given dims.
func idxBytes(data []byte, dims ...int) []byte {
	b := []byte{0, 0, 0x08, byte(len(dims))}
	for _, d := range dims {
		b = binary.BigEndian.AppendUint32(b, uint32(d))
	}
	return append(b, data...)
}

func gz(b []byte) []byte {
	var buf bytes.Buffer
	w := gzip.NewWriter(&buf)
	w.Write(b)
	w.Close()
	return buf.Bytes()
}

// tinyFiles makes the four files of a tiny data set: n images of 2 x 3
// pixels whose pixel j of image i is (i*6+j)%256 and label i%classes. The
// training set has n images, the test set n/2+1.
func tinyFiles(n, classes int) map[string][]byte {
	set := func(n int) (images, labels []byte) {
		px := make([]byte, n*6)
		for i := range px {
			px[i] = byte(i % 256)
		}
		lb := make([]byte, n)
		for i := range lb {
			lb[i] = byte(i % classes)
		}
		return idxBytes(px, n, 2, 3), idxBytes(lb, n)
	}
	ti, tl := set(n)
	vi, vl := set(n/2 + 1)
	return map[string][]byte{trainImages: ti, trainLabels: tl, testImages: vi, testLabels: vl}
}

// writeTiny writes the tiny files into dir, gzip-compressed when gzipped,
// and returns a Variant whose table has their checksums.
func writeTiny(t *testing.T, dir string, n int, gzipped bool) *Variant {
	t.Helper()
	v := &Variant{Name: "tiny", Classes: 4, Checksums: map[string]Checksum{}}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	for name, b := range tinyFiles(n, 4) {
		if gzipped {
			name, b = name+".gz", gz(b)
		}
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
			t.Fatal(err)
		}
		v.Checksums[name] = sumOf(b)
	}
	return v
}

// noModule takes the GoMNIST module away for the length of the test.
func noModule(t *testing.T) {
	t.Helper()
	old := moduleDir
	moduleDir = func(string) (string, error) { return "", errTestNoModule }
	t.Cleanup(func() { moduleDir = old })
}

var errTestNoModule = errorString("taken away by the test")

type errorString string

func (e errorString) Error() string { return string(e) }

// isolate points $ZEROGRAD_DATA and the cache folder at empty temporary
// folders, so that a test sees nothing of the machine's data.
func isolate(t *testing.T) (opts Options) {
	t.Helper()
	t.Setenv(EnvData, "")
	return Options{CacheDir: filepath.Join(t.TempDir(), "cache"), NoDownload: true}
}

func wantErr(t *testing.T, err error, parts ...string) {
	t.Helper()
	if err == nil {
		t.Fatalf("no error, want one containing %q", parts)
	}
	for _, p := range parts {
		if !strings.Contains(err.Error(), p) {
			t.Errorf("error %q\ndoes not contain %q", err, p)
		}
	}
}
