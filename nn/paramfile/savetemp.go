package paramfile

import (
	"os"
	"path/filepath"
	"strings"
	"time"
)

// A save writes to a temporary file named after its target, ".<name>.tmp-"
// and decimal digits, in the target's folder. A save killed midway leaves
// it behind, so each save first removes the abandoned temporaries of its
// target: those no live save holds (tempLock; where the system has no such
// lock, those untouched for an hour). Another target's temporaries never
// match: ".a.tmp-1.tmp-2" belongs to "a.tmp-1", not to "a".

// tempGrace spares a temporary just made, before its save has locked it.
const tempGrace = 10 * time.Second

func tempPattern(path string) string { return "." + filepath.Base(path) + ".tmp-*" }

// isTempOf reports whether name is a temporary file of a save of base.
func isTempOf(name, base string) bool {
	rest, ok := strings.CutPrefix(name, "."+base+".tmp-")
	if !ok || rest == "" {
		return false
	}
	for _, c := range rest {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// removeStaleTemps removes the abandoned temporaries of path's saves,
// except own. It does its best and reports nothing: a temporary it cannot
// remove costs disk space, not data.
func removeStaleTemps(path, own string) {
	dir, base := filepath.Dir(path), filepath.Base(path)
	entries, err := os.ReadDir(dir)
	if err != nil {
		return
	}
	for _, e := range entries {
		p := filepath.Join(dir, e.Name())
		if p == own || !e.Type().IsRegular() || !isTempOf(e.Name(), base) {
			continue
		}
		fi, err := e.Info()
		if err != nil || time.Since(fi.ModTime()) < tempGrace {
			continue
		}
		if abandonedTemp(p, fi) {
			os.Remove(p)
		}
	}
}
