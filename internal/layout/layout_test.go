// Package layout_test guards the package layout: each package's doc.go says which of
// zerograd's packages it imports ("Package nn imports graph, ops and nn/paramfile."), and
// this test holds every such sentence to the imports of the package's files.
package layout_test

import (
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

const module = "github.com/zerograd/zerograd/"

// packages are the library's packages; each must state its zerograd imports.
var packages = []string{"graph", "ops", "autodiff", "nn", "nn/book", "nn/train", "nn/paramfile", "optim", "viz", "dataset"}

func TestDocStatesImports(t *testing.T) {
	root := "../.."
	for _, pkg := range packages {
		dir := filepath.Join(root, pkg)
		doc, err := os.ReadFile(filepath.Join(dir, "doc.go"))
		if err != nil {
			t.Errorf("%s: %v", pkg, err)
			continue
		}
		said, ok := stated(string(doc), filepath.Base(pkg))
		if !ok {
			t.Errorf("%s/doc.go has no sentence \"Package %s imports ...\"", pkg, filepath.Base(pkg))
			continue
		}
		if got := imports(t, dir); !slices.Equal(said, got) {
			t.Errorf("%s/doc.go says it imports %v of zerograd; its files import %v", pkg, said, got)
		}
	}
}

// stated returns the zerograd packages named in the doc's "Package <name> imports" sentence.
func stated(doc, name string) ([]string, bool) {
	var text strings.Builder
	for _, l := range strings.Split(doc, "\n") {
		text.WriteString(strings.TrimPrefix(strings.TrimPrefix(l, "//"), " ") + " ")
	}
	m := regexp.MustCompile(`Package ` + name + ` imports ([^.]*(\.[a-z][^.]*)*)\.`).FindStringSubmatch(text.String())
	if m == nil {
		return nil, false
	}
	words := regexp.MustCompile(`[a-z/]+`).FindAllString(m[1], -1)
	var out []string
	for _, w := range words {
		if slices.Contains(packages, w) || strings.HasPrefix(w, "internal/") {
			out = append(out, w)
		}
	}
	slices.Sort(out)
	return slices.Compact(out), true
}

// imports returns the zerograd packages the non-test files of dir import.
func imports(t *testing.T, dir string) []string {
	files, err := filepath.Glob(filepath.Join(dir, "*.go"))
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		file, err := parser.ParseFile(token.NewFileSet(), f, nil, parser.ImportsOnly)
		if err != nil {
			t.Fatal(err)
		}
		for _, im := range file.Imports {
			if p, ok := strings.CutPrefix(strings.Trim(im.Path.Value, `"`), module); ok {
				out = append(out, p)
			}
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}
