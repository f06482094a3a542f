package main

import (
	"context"
	"encoding/xml"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Both pictures come out in their three views and a page, and the nodes read as the book
// names them: h1..h4 and L1..L4 along the time axis, the gates i, f, g, o in the cell.
func TestPictures(t *testing.T) {
	dir := t.TempDir()
	var out strings.Builder
	if err := run(context.Background(), &out, io.Discard, []string{"-out", dir}); err != nil {
		t.Fatal(err)
	}
	want := map[string][]string{
		"bptt":      {">h1<", ">h2<", ">h3<", ">h4<", ">L1<", ">L4<", ">x1<", ">rnn.weight_hh_l0<"},
		"lstm-cell": {">lstm.i<", ">lstm.f<", ">lstm.g<", ">lstm.o<", ">lstm.c<", ">lstm.h<", ">dc_next<"},
	}
	for name, labels := range want {
		for _, view := range []string{"forward", "backward", "full"} {
			for _, ext := range []string{".dot", ".svg"} {
				p := filepath.Join(dir, name+"-"+view+ext)
				if !strings.Contains(out.String(), "wrote "+p+"\n") {
					t.Errorf("%s not named in the output", p)
				}
			}
			svg, err := os.ReadFile(filepath.Join(dir, name+"-"+view+".svg"))
			if err != nil {
				t.Fatal(err)
			}
			if err := xml.Unmarshal(svg, new(struct{})); err != nil {
				t.Errorf("%s-%s.svg: %v", name, view, err)
			}
			for _, l := range labels {
				if !strings.Contains(string(svg), l) {
					t.Errorf("%s-%s.svg has no node %s", name, view, l)
				}
			}
		}
		if _, err := os.Stat(filepath.Join(dir, name+".html")); err != nil {
			t.Error(err)
		}
	}
}
