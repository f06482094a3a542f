//go:build linux || darwin || freebsd || netbsd || openbsd || dragonfly

package paramfile

import (
	"io/fs"
	"os"
	"syscall"
)

// lockTemp locks a save's temporary file for as long as the save's process
// holds it open: the system drops the lock when the process ends, however
// it ends, so a temporary nobody holds is abandoned.
func lockTemp(f *os.File) error {
	return syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
}

// abandonedTemp reports whether no live save holds the temporary at path.
func abandonedTemp(path string, _ fs.FileInfo) bool {
	f, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		return false
	}
	defer f.Close()
	return syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB) == nil
}
