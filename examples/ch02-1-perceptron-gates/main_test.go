package main

import (
	"context"
	"io"
	"strings"
	"testing"
)

// The four truth tables, row by row as the book prints them: (0,0), (1,0), (0,1), (1,1).
func TestTruthTables(t *testing.T) {
	var out strings.Builder
	if err := run(context.Background(), &out, io.Discard, nil); err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"AND": "0001", "NAND": "1110", "OR": "0111", "XOR": "0110"}
	got := map[string]string{}
	for _, table := range strings.Split(out.String(), "\n\n") {
		lines := strings.Split(strings.TrimSpace(table), "\n")
		if len(lines) != 6 || lines[1] != "x1 x2 | y" {
			t.Fatalf("table %q", table)
		}
		ys := ""
		for r, l := range lines[2:] {
			in, y, ok := strings.Cut(l, "|")
			wantIn := []string{"0  0", "1  0", "0  1", "1  1"}[r]
			if !ok || strings.TrimSpace(in) != wantIn {
				t.Fatalf("%s row %d: %q", lines[0], r, l)
			}
			ys += strings.TrimSpace(y)
		}
		got[lines[0]] = ys
	}
	for name, ys := range want {
		if got[name] != ys {
			t.Errorf("%s: y = %s, want %s", name, got[name], ys)
		}
	}
	if len(got) != len(want) {
		t.Errorf("printed the gates %v", got)
	}
}
