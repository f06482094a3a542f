// Package gosrc reads the Go standard library's sources, a text every machine with Go
// has, for the examples' language models.
package gosrc

import (
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
)

// Load reads the *.go files under root/src (root "" is this Go's GOROOT: runtime.GOROOT,
// else `go env GOROOT`) in path order, skipping testdata and vendor folders, until limit
// bytes are read, and puts every tenth file in val, the rest in train.
func Load(root string, limit int) (train, val []byte, files int, err error) {
	if root == "" {
		root = runtime.GOROOT()
	}
	if root == "" {
		out, err := exec.Command("go", "env", "GOROOT").Output()
		if err != nil {
			return nil, nil, 0, fmt.Errorf("finding GOROOT: %w", err)
		}
		root = strings.TrimSpace(string(out))
	}
	src := filepath.Join(root, "src")
	var paths []string
	err = filepath.WalkDir(src, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == "testdata" || d.Name() == "vendor") {
			return filepath.SkipDir
		}
		if !d.IsDir() && strings.HasSuffix(path, ".go") {
			paths = append(paths, path)
		}
		return nil
	})
	if err != nil {
		return nil, nil, 0, fmt.Errorf("reading Go sources: %w", err)
	}
	slices.Sort(paths)
	for i, p := range paths {
		if len(train)+len(val) >= limit {
			break
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return nil, nil, 0, err
		}
		if i%10 == 9 {
			val = append(val, b...)
		} else {
			train = append(train, b...)
		}
		files++
	}
	return train, val, files, nil
}
