//go:build linux || darwin || freebsd || netbsd || openbsd

package dataset

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/zerograd/zerograd/internal/regular/regulartest"
)

// TestLoadFilesRefusesSpecialFiles: LoadFiles refuses a FIFO (a read would
// block forever) and a symlink to /dev/zero (a read never ends) as the images
// or the labels file, at once and naming the file, checksums on or off.
// (With checksums on, the size check used to pass a FIFO or a device, both
// of size 0 in a table that does not know the name, on to a read.)
func TestLoadFilesRefusesSpecialFiles(t *testing.T) {
	special := regulartest.SpecialFiles(t, "train-images-idx3-ubyte", "train-labels-idx1-ubyte")
	good := filepath.Join(t.TempDir(), "good-idx1-ubyte")
	if err := os.WriteFile(good, idxBytes([]byte{1, 2}, 2), 0o644); err != nil {
		t.Fatal(err)
	}
	for what, path := range special {
		for _, skip := range []bool{false, true} {
			for _, pair := range [][2]string{{path, good}, {good, path}} {
				name := what + "/images"
				if pair[1] == path {
					name = what + "/labels"
				}
				if skip {
					name += "/SkipChecksum"
				} else if pair[1] == path {
					continue // the good file, unknown to the table, fails first
				}
				t.Run(name, func(t *testing.T) {
					err := regulartest.Within(t, 5*time.Second, func() error {
						_, err := LoadFiles(pair[0], pair[1], Options{SkipChecksum: skip, Variant: &Variant{Name: "t"}})
						return err
					})
					if err == nil || !strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), what) {
						t.Fatalf("error %v, want one naming %s as a %s", err, path, what)
					}
				})
			}
		}
	}
}
