package dataset

import (
	"bytes"
	"compress/gzip"
	"errors"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/zerograd/zerograd/internal/fixture"
)

// gzipBomb is a gzip file of about a thousandth of its declared data: an IDX
// header of n images of 28 x 28 and that many zero pixels.
func gzipBomb(n int) []byte {
	var buf bytes.Buffer
	w, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	w.Write(idxBytes(nil, n, 28, 28))
	zero := make([]byte, 28*28*1024)
	for left := n * 28 * 28; left > 0; left -= len(zero) {
		w.Write(zero[:min(left, len(zero))])
	}
	w.Close()
	return buf.Bytes()
}

// idxAllocLimit is what a test lets ParseIDX allocate for a gzip file of n
// bytes: the data it may declare (maxGzipData), half again for the growing
// buffer, and gzip's own state.
func idxAllocLimit(n int) uint64 { return uint64(maxGzipData(n))*3/2 + 1<<20 }

// TestParseIDXGzipBomb: a small gzip file that declares (and holds) a huge
// image set is refused from its header, before anything is decoded, and
// cut short it costs no more; a file that compresses as real images do
// still loads, and one cut short costs what arrived, not what it declared.
func TestParseIDXGzipBomb(t *testing.T) {
	bomb := gzipBomb(100_000) // 78 MB of pixels in about 80 KB
	random := make([]byte, 3<<20)
	r := rand.New(rand.NewPCG(1, 2))
	for i := range random {
		random[i] = byte(r.IntN(4)) // compresses about 3 to 1
	}
	plausible := gz(idxBytes(random[:len(random)/784*784], len(random)/784, 28, 28))
	for _, tc := range []struct {
		name string
		b    []byte
		msg  string
	}{
		{"bomb", bomb, "header declares 100000 x 28 x 28 = 78400000 data bytes, more than a gzip file of"},
		{"bomb cut short", bomb[:len(bomb)/2], "header declares 100000 x 28 x 28"},
		{"plausible", plausible, ""},
		{"plausible cut short", plausible[:len(plausible)/4], "truncated: header declares 4012 x 28 x 28"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var err error
			fixture.Bounded(t, "ParseIDX", len(tc.b), idxAllocLimit(len(tc.b)), func() { _, err = ParseIDX(tc.b) })
			if tc.msg == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			var fe *FormatError
			if !errors.As(err, &fe) || !strings.Contains(err.Error(), tc.msg) {
				t.Fatalf("error %v, want a *FormatError saying %q", err, tc.msg)
			}
		})
	}
	// Through LoadFiles, with labels that agree, the bomb costs no more.
	dir := t.TempDir()
	ip, lp := filepath.Join(dir, "img.gz"), filepath.Join(dir, "lab.gz")
	os.WriteFile(ip, bomb, 0o644)
	os.WriteFile(lp, gz(idxBytes(make([]byte, 100_000), 100_000)), 0o644)
	var err error
	fixture.Bounded(t, "LoadFiles", len(bomb), idxAllocLimit(len(bomb))+uint64(len(bomb)), func() {
		_, err = LoadFiles(ip, lp, Options{SkipChecksum: true})
	})
	if err == nil || !strings.Contains(err.Error(), ip) {
		t.Errorf("LoadFiles: error %v, want one naming %s", err, ip)
	}
}
