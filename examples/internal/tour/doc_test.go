package tour_test

import (
	"os"
	"regexp"
	"strings"
	"testing"
)

// Every Go block of docs/api-tour.md is code of this package's examples, line for line
// (indentation aside), so the page shows code that compiles and prints what it says.
func TestTourMatchesDoc(t *testing.T) {
	doc, err := os.ReadFile("../../../docs/api-tour.md")
	if err != nil {
		t.Fatal(err)
	}
	src, err := os.ReadFile("tour_test.go")
	if err != nil {
		t.Fatal(err)
	}
	norm := func(s string) string {
		lines := strings.Split(strings.TrimSpace(s), "\n")
		for i, l := range lines {
			lines[i] = strings.TrimLeft(l, "\t")
		}
		return strings.Join(lines, "\n")
	}
	code := norm(string(src))
	blocks := regexp.MustCompile("(?s)```go\n(.*?)```").FindAllStringSubmatch(string(doc), -1)
	if len(blocks) < 6 {
		t.Fatalf("docs/api-tour.md has %d Go blocks, want one per section at least", len(blocks))
	}
	for _, b := range blocks {
		if !strings.Contains(code, norm(b[1])) {
			t.Errorf("this block of docs/api-tour.md is not in tour_test.go:\n%s", b[1])
		}
	}
}
