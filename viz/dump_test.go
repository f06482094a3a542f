package viz

import (
	"os"
	"path/filepath"
	"testing"
)

// TestDump writes every view of the test graphs as SVG and PNG into $VIZ_DUMP, for a person
// to look at: VIZ_DUMP=/tmp/pics go test ./viz -run Dump. Skipped without it.
func TestDump(t *testing.T) {
	dir := os.Getenv("VIZ_DUMP")
	if dir == "" {
		t.Skip("set VIZ_DUMP to a folder to write the pictures there")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, tg := range testGraphs(t) {
		for v, name := range viewFile {
			opt := Options{View: v, Values: tg.rec, Title: tg.name + " " + name}
			for _, f := range []Format{SVGFormat, PNGFormat} {
				dot, err := Dot(opt, tg.outputs...)
				if err != nil {
					t.Fatal(err)
				}
				out, err := Render(dot, f)
				if err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(filepath.Join(dir, tg.name+"-"+name+"."+string(f)), out, 0o644); err != nil {
					t.Fatal(err)
				}
			}
		}
	}
}
