//go:build linux || darwin || freebsd || netbsd || openbsd

package paramfile

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// specialFiles makes a FIFO and a symlink to /dev/zero in a temporary folder.
// Should a loader block on the FIFO, cleanup opens its writing end and closes
// it, so the blocked reader sees the end of the file and the test ends.
func specialFiles(t *testing.T) map[string]string {
	t.Helper()
	dir := t.TempDir()
	fifo := filepath.Join(dir, "params.fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skipf("cannot make a FIFO: %v", err)
	}
	t.Cleanup(func() {
		if w, err := os.OpenFile(fifo, os.O_WRONLY|syscall.O_NONBLOCK, 0); err == nil {
			w.Close()
		}
	})
	files := map[string]string{"named pipe": fifo}
	if _, err := os.Stat("/dev/zero"); err == nil {
		zero := filepath.Join(dir, "params.zero")
		if err := os.Symlink("/dev/zero", zero); err != nil {
			t.Fatal(err)
		}
		files["device"] = zero
	}
	return files
}

// within runs f and fails the test if it has not returned after d.
func within(t *testing.T, d time.Duration, f func() error) error {
	t.Helper()
	done := make(chan error, 1)
	go func() { done <- f() }()
	select {
	case err := <-done:
		return err
	case <-time.After(d):
		t.Fatalf("still running after %v: the loader is blocked or reading without end", d)
		return nil
	}
}

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
	for what, path := range specialFiles(t) {
		for name, load := range loaders {
			t.Run(name+"/"+what, func(t *testing.T) {
				err := within(t, 5*time.Second, func() error { return load(path) })
				if err == nil || !strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), what) {
					t.Fatalf("error %v, want one naming %s as a %s", err, path, what)
				}
			})
		}
	}
}
