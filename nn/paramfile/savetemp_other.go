//go:build !(linux || darwin || freebsd || netbsd || openbsd || dragonfly)

package paramfile

import (
	"io/fs"
	"os"
	"time"
)

// lockTemp does nothing where the system has no advisory lock that dies
// with its process; abandonedTemp goes by age instead.
func lockTemp(*os.File) error { return nil }

// abandonedTemp reports whether the temporary at path has been left alone
// for an hour: no save takes that long between two writes.
func abandonedTemp(_ string, fi fs.FileInfo) bool { return time.Since(fi.ModTime()) > time.Hour }
