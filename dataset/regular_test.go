//go:build linux || darwin || freebsd || netbsd || openbsd

package dataset

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestLoadFilesRefusesSpecialFiles: LoadFiles refuses a FIFO (a read would
// block forever) and a symlink to /dev/zero (a read never ends) as the images
// or the labels file, at once and naming the file, checksums on or off.
// (With checksums on, the size check used to pass a FIFO or a device, both
// of size 0 in a table that does not know the name, on to a read.)
func TestLoadFilesRefusesSpecialFiles(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "train-images-idx3-ubyte")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skipf("cannot make a FIFO: %v", err)
	}
	t.Cleanup(func() { // should a load block on the FIFO, let it see the end
		if w, err := os.OpenFile(fifo, os.O_WRONLY|syscall.O_NONBLOCK, 0); err == nil {
			w.Close()
		}
	})
	special := map[string]string{"named pipe": fifo}
	if _, err := os.Stat("/dev/zero"); err == nil {
		zero := filepath.Join(dir, "train-labels-idx1-ubyte")
		if err := os.Symlink("/dev/zero", zero); err != nil {
			t.Fatal(err)
		}
		special["device"] = zero
	}
	good := filepath.Join(dir, "good-idx1-ubyte")
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
					done := make(chan error, 1)
					go func() {
						_, err := LoadFiles(pair[0], pair[1], Options{SkipChecksum: skip, Variant: &Variant{Name: "t"}})
						done <- err
					}()
					select {
					case err := <-done:
						if err == nil || !strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), what) {
							t.Fatalf("error %v, want one naming %s as a %s", err, path, what)
						}
					case <-time.After(5 * time.Second):
						t.Fatal("LoadFiles still running after 5s: blocked or reading without end")
					}
				})
			}
		}
	}
}
