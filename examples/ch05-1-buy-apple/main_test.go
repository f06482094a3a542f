package main

import (
	"bytes"
	"encoding/xml"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/awalterschulze/gographviz"
)

func TestBuyApple(t *testing.T) {
	dir := t.TempDir()
	var out strings.Builder
	if err := run(&out, dir); err != nil {
		t.Fatal(err)
	}
	want := "price: 220\ndApple: 2.2\ndApple_num: 110\ndTax: 200\n"
	if !strings.HasPrefix(out.String(), want) {
		t.Errorf("printed\n%s\nwant it to start with\n%s", out.String(), want)
	}
	checkFiles(t, dir, "buy-apple")
}

// checkFiles checks that each picture exists and parses: DOT as DOT, SVG as XML, and the
// page as HTML holding two SVG pictures that parse as XML.
func checkFiles(t *testing.T, dir, name string) {
	t.Helper()
	for _, view := range []string{"forward", "backward", "full"} {
		base := filepath.Join(dir, name+"-"+view)
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
	page, err := os.ReadFile(filepath.Join(dir, name+".html"))
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
