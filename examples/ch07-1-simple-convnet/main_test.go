package main

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// A few hundred images train the net well past chance; the run writes its files, and
// -weights evaluates the saved parameters to the same accuracy.
func TestShortTrainingAndWeights(t *testing.T) {
	dir := t.TempDir()
	var out strings.Builder
	if err := run(context.Background(), &out, []string{"-train", "600", "-epochs", "2", "-lr", "0.005", "-eval-sample", "200", "-out", dir}); err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`^test accuracy (0\.\d{4})\n$`).FindStringSubmatch(out.String())
	if m == nil {
		t.Fatalf("printed %q", out.String())
	}
	acc, _ := strconv.ParseFloat(m[1], 64)
	if acc < 0.6 {
		t.Fatalf("test accuracy %v after 600 images", acc)
	}
	for _, f := range []string{"params.safetensors", "checkpoint.safetensors", "loss.png", "accuracy.png"} {
		if st, err := os.Stat(filepath.Join(dir, f)); err != nil || st.Size() == 0 {
			t.Fatalf("%s: %v", f, err)
		}
	}
	var again strings.Builder
	if err := run(context.Background(), &again, []string{"-weights", filepath.Join(dir, "params.safetensors")}); err != nil {
		t.Fatal(err)
	}
	if again.String() != out.String() {
		t.Fatalf("-weights printed %q, training printed %q", again.String(), out.String())
	}
}
