// Package extest holds what the examples' tests share: running an example's run function
// and checking the pictures it writes.
package extest

import (
	"bytes"
	"context"
	"image"
	"image/png"
	"io"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/zerograd/zerograd/examples/internal/cli"
	"github.com/zerograd/zerograd/internal/fixture"
)

// Run runs an example's run function (the one it gives cli.Main) with args, its progress
// discarded, and returns what it printed. An error fails the test.
func Run(t testing.TB, run cli.Func, args ...string) string {
	t.Helper()
	var out strings.Builder
	if err := run(context.Background(), &out, io.Discard, args); err != nil {
		t.Fatal(err)
	}
	return out.String()
}

// Exit runs an example as its command does (cli.Exit with the name it gives cli.Main),
// its progress discarded, and returns what it printed. An exit code other than 0 fails
// the test.
func Exit(t testing.TB, name string, run cli.Func, args ...string) string {
	t.Helper()
	var out bytes.Buffer
	if code := cli.Exit(context.Background(), name, run, &out, io.Discard, args); code != 0 {
		t.Fatalf("exit %d", code)
	}
	return out.String()
}

// Match returns the submatches of re in out; out without a match fails the test.
func Match(t testing.TB, re *regexp.Regexp, out string) []string {
	t.Helper()
	m := re.FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("printed %q", out)
	}
	return m
}

// SameWithWeights checks that out, what a training run printed, names the parameters it
// saved, dir/params.safetensors, and that run with -weights of that file and args prints
// line again: the saved parameters evaluate as the trained ones did.
func SameWithWeights(t testing.TB, run cli.Func, out, dir, line string, args ...string) {
	t.Helper()
	params := filepath.Join(dir, "params.safetensors")
	if !strings.Contains(out, "wrote "+params) {
		t.Fatalf("printed %q", out)
	}
	if again := Run(t, run, append([]string{"-weights", params}, args...)...); again != line {
		t.Fatalf("-weights printed %q, training printed %q", again, line)
	}
}

// Gap finds in out the line mnistrun.PrintGap printed for what after epochs epochs and
// returns its training and test accuracies and their gap, which must be their difference
// (to the printed digits). No such line fails the test.
func Gap(t testing.TB, out, what string, epochs int) (train, test, gap float64) {
	t.Helper()
	re := regexp.MustCompile(`(?m)^` + regexp.QuoteMeta(what) + `, (\d+) epochs: train acc (\S+), test acc (\S+), gap (\S+)\n$`)
	m := re.FindStringSubmatch(out)
	if m == nil || m[1] != strconv.Itoa(epochs) {
		t.Fatalf("printed %q", out)
	}
	train, _ = strconv.ParseFloat(m[2], 64)
	test, _ = strconv.ParseFloat(m[3], 64)
	gap, _ = strconv.ParseFloat(m[4], 64)
	if math.Abs(gap-(train-test)) > 1.5e-4 {
		t.Fatalf("gap %v is not %v - %v", gap, train, test)
	}
	return train, test, gap
}

// Help checks that an example's -h prints its usage and exits 0.
func Help(t testing.TB, name string, run cli.Func) {
	t.Helper()
	var logw bytes.Buffer
	if code := cli.Exit(context.Background(), name, run, io.Discard, &logw, []string{"-h"}); code != 0 || !strings.HasPrefix(logw.String(), "usage: "+name+" [flags]") {
		t.Fatalf("exit %d, %q", code, logw.String())
	}
}

// PNG decodes the PNG picture at path; a file that is missing or does not decode fails the
// test.
func PNG(t testing.TB, path string) image.Image {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return img
}

// Pictures checks, for each name, that the output out names the file dir/name as
// prefix+path+"\n" and that the file is a PNG picture.
func Pictures(t testing.TB, out, prefix, dir string, names ...string) {
	t.Helper()
	for _, name := range names {
		path := filepath.Join(dir, name)
		if !strings.Contains(out, prefix+path+"\n") {
			t.Errorf("the output does not name %s:\n%s", path, out)
		}
		PNG(t, path)
	}
}

// Gunzip writes the gzip-compressed file src, uncompressed, to dst: the tests' parameter
// files shaped like the book's are kept compressed in nn/paramfile/testdata.
func Gunzip(t testing.TB, src, dst string) {
	t.Helper()
	if err := fixture.Gunzip(src, dst); err != nil {
		t.Fatal(err)
	}
}
