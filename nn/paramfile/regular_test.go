//go:build linux || darwin || freebsd || netbsd || openbsd

package paramfile

import (
	"strings"
	"testing"
	"time"

	"github.com/zerograd/zerograd/internal/regular/regulartest"
)

// TestLoadersRefuseSpecialFiles: every loader refuses a FIFO (which would
// block a read forever) and a symlink to /dev/zero (which never ends), at
// once and naming the file.
func TestLoadersRefuseSpecialFiles(t *testing.T) {
	loaders := map[string]func(string) error{
		"LoadPickle": func(p string) error { _, err := LoadPickle(p); return err },
		"LoadSafetensors": func(p string) error {
			_, _, err := LoadSafetensors(p)
			return err
		},
		"Sniff": func(p string) error { _, err := Sniff(p); return err },
	}
	for what, path := range regulartest.SpecialFiles(t, "params.fifo", "params.zero") {
		for name, load := range loaders {
			t.Run(name+"/"+what, func(t *testing.T) {
				err := regulartest.Within(t, 5*time.Second, func() error { return load(path) })
				if err == nil || !strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), what) {
					t.Fatalf("error %v, want one naming %s as a %s", err, path, what)
				}
			})
		}
	}
}
