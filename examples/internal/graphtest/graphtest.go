// Package graphtest holds what the tests of the chapter 5 graph examples (ch05-1-buy-apple,
// ch05-2-buy-apple-orange) share: run the example into a temporary folder, compare the
// numbers it prints, and check the pictures it writes (viz.WriteFiles: the forward,
// backward and full graphs as DOT and SVG, and the step-through page) and that it names
// each of them.
package graphtest

import (
	"bytes"
	"context"
	"encoding/xml"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/awalterschulze/gographviz"

	"github.com/zerograd/zerograd/examples/internal/cli"
)

// Check runs the example (run, as given to cli.Main) with -out set to a temporary folder,
// checks that its output starts with want, and checks the pictures of the graph called
// name: name-forward, name-backward and name-full as .dot (parsing as DOT) and .svg
// (parsing as XML, showing the price node), and name.html, a whole page holding two SVG
// pictures that parse. Every file must be named in the output.
func Check(t *testing.T, run cli.Func, name, want string) {
	t.Helper()
	dir := t.TempDir()
	var out strings.Builder
	if err := run(context.Background(), &out, io.Discard, []string{"-out", dir}); err != nil {
		t.Fatal(err)
	}
	printed := out.String()
	if !strings.HasPrefix(printed, want) {
		t.Errorf("printed\n%s\nwant it to start with\n%s", printed, want)
	}
	named := func(path string) {
		t.Helper()
		if !strings.Contains(printed, path+"\n") {
			t.Errorf("the output does not name %s:\n%s", path, printed)
		}
	}
	for _, view := range []string{"forward", "backward", "full"} {
		base := filepath.Join(dir, name+"-"+view)
		named(base + ".dot")
		named(base + ".svg")
		dot, err := os.ReadFile(base + ".dot")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := gographviz.ParseString(string(dot)); err != nil {
			t.Errorf("%s.dot does not parse: %v", base, err)
		}
		svg, err := os.ReadFile(base + ".svg")
		if err != nil {
			t.Fatal(err)
		}
		if err := parseXML(svg); err != nil {
			t.Errorf("%s.svg does not parse as XML: %v", base, err)
		}
		if !bytes.Contains(svg, []byte(">price</text>")) {
			t.Errorf("%s.svg does not show the price node", base)
		}
	}
	html := filepath.Join(dir, name+".html")
	named(html)
	page, err := os.ReadFile(html)
	if err != nil {
		t.Fatal(err)
	}
	s := string(page)
	if !strings.HasPrefix(s, "<!DOCTYPE html>") || !strings.HasSuffix(strings.TrimSpace(s), "</html>") {
		t.Errorf("%s.html is not a whole HTML page", name)
	}
	svgs := 0
	for rest := s; ; {
		i := strings.Index(rest, "<svg")
		if i < 0 {
			break
		}
		j := strings.Index(rest[i:], "</svg>")
		if j < 0 {
			t.Fatal("unterminated <svg> in the page")
		}
		if err := parseXML([]byte(rest[i : i+j+len("</svg>")])); err != nil {
			t.Errorf("SVG %d of the page does not parse: %v", svgs, err)
		}
		svgs++
		rest = rest[i+j:]
	}
	if svgs != 2 {
		t.Errorf("the page holds %d SVG pictures, want 2", svgs)
	}
}

func parseXML(b []byte) error {
	d := xml.NewDecoder(bytes.NewReader(b))
	d.Strict = true
	d.Entity = xml.HTMLEntity
	for {
		if _, err := d.Token(); err == io.EOF {
			return nil
		} else if err != nil {
			return err
		}
	}
}
