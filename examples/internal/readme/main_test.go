package main

import (
	"os"
	"strings"
	"testing"
)

func Example_main() {
	main()
	// Output:
	// step 0: loss 0.938
	// step 100: loss 0.005
	// step 200: loss 0.002
	// step 300: loss 0.001
}

// README.md shows this program whole, from "package main" on.
func TestREADMEShowsThisProgram(t *testing.T) {
	readme, err := os.ReadFile("../../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	src, err := os.ReadFile("main.go")
	if err != nil {
		t.Fatal(err)
	}
	prog := string(src[strings.Index(string(src), "package main"):])
	if !strings.Contains(string(readme), "```go\n"+prog+"```") {
		t.Errorf("README.md does not show examples/internal/readme/main.go from \"package main\" on, verbatim")
	}
}
