// Package extest holds what the examples' tests share: running an example's run function
// and checking the pictures it writes.
package extest

import (
	"context"
	"image"
	"image/png"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/zerograd/zerograd/examples/internal/cli"
	"github.com/zerograd/zerograd/internal/fixture"
)

// Run runs an example's run function (the one it gives cli.Main) with args, its progress
// discarded, and returns what it printed. An error fails the test.
func Run(t testing.TB, run cli.Func, args ...string) string {
	t.Helper()
	var out strings.Builder
	if err := run(context.Background(), &out, io.Discard, args); err != nil {
		t.Fatal(err)
	}
	return out.String()
}

// PNG decodes the PNG picture at path; a file that is missing or does not decode fails the
// test.
func PNG(t testing.TB, path string) image.Image {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return img
}

// Pictures checks, for each name, that the output out names the file dir/name as
// prefix+path+"\n" and that the file is a PNG picture.
func Pictures(t testing.TB, out, prefix, dir string, names ...string) {
	t.Helper()
	for _, name := range names {
		path := filepath.Join(dir, name)
		if !strings.Contains(out, prefix+path+"\n") {
			t.Errorf("the output does not name %s:\n%s", path, out)
		}
		PNG(t, path)
	}
}

// Gunzip writes the gzip-compressed file src, uncompressed, to dst: the tests' parameter
// files shaped like the book's are kept compressed in nn/paramfile/testdata.
func Gunzip(t testing.TB, src, dst string) {
	t.Helper()
	if err := fixture.Gunzip(src, dst); err != nil {
		t.Fatal(err)
	}
}
