package main

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestBinaryStarts builds the command with the go tool and runs it: it must exit 0 and print
// Line. It fails when go4.org/unsafe/assume-no-moving-gc is missing from the build or too old
// for the running Go release, because the binary then panics before main (see the package
// comment). The child runs without ASSUME_NO_MOVING_GC_UNSAFE* variables, which would
// silence that panic.
func TestBinaryStarts(t *testing.T) {
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go tool on PATH:", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	bin := filepath.Join(t.TempDir(), "gorgoniacheck")
	build := exec.CommandContext(ctx, goTool, "build", "-o", bin, ".")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	cmd := exec.CommandContext(ctx, bin)
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "ASSUME_NO_MOVING_GC_UNSAFE") {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("running the gorgonia binary: %v (a panic here at start usually means "+
			"go4.org/unsafe/assume-no-moving-gc was dropped or downgraded in go.mod)\nstdout:\n%s\nstderr:\n%s",
			err, stdout.String(), stderr.String())
	}
	if got := strings.TrimSpace(stdout.String()); got != Line {
		t.Errorf("output %q, want %q (stderr: %s)", got, Line, stderr.String())
	}
}

// TestRun runs the same graph in the test binary itself.
func TestRun(t *testing.T) {
	if err := run(); err != nil {
		t.Fatal(err)
	}
}
