//go:build linux || darwin || freebsd || netbsd || openbsd

// Package regulartest makes the special files that tests of regular-file loaders feed
// them, and fails a test whose loader blocks on one.
package regulartest

import (
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"
)

// SpecialFiles makes, in a temporary folder, a FIFO named fifoName and, where the system
// has /dev/zero, a symlink to it named zeroName, and returns them keyed by the word an
// error about each must hold: "named pipe" and "device". It skips the test if it cannot
// make a FIFO. Should a loader block on the FIFO, cleanup opens its writing end and closes
// it, so the blocked reader sees the end of the file and the test ends.
func SpecialFiles(t *testing.T, fifoName, zeroName string) map[string]string {
	t.Helper()
	dir := t.TempDir()
	fifo := filepath.Join(dir, fifoName)
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
		zero := filepath.Join(dir, zeroName)
		if err := os.Symlink("/dev/zero", zero); err != nil {
			t.Fatal(err)
		}
		files["device"] = zero
	}
	return files
}

// Within runs f and fails the test if it has not returned after d.
func Within(t *testing.T, d time.Duration, f func() error) error {
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
