package mnistrun

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/zerograd/zerograd/examples/internal/cli"
	"github.com/zerograd/zerograd/graph"
	"github.com/zerograd/zerograd/nn/book"
	"github.com/zerograd/zerograd/optim"
)

// small is a quick run: 300 training images in batches of 50 (6 steps an epoch), two
// epochs, accuracies on 100 images, a two-layer net.
func small(dir string) *Config {
	return &Config{Epochs: 2, Batch: 50, LR: 0.01, Train: 300, Test: 200, EvalSample: 100, Out: dir, Seed: 3}
}

func twoLayer(c *Config) Model {
	g := graph.New()
	g.Seed(c.Seed)
	net := book.NewTwoLayerNet(g.Root(), book.TwoLayerConfig{})
	return Model{Title: "TwoLayerNet", Net: net, Optimizer: optim.NewAdam(c.LR, 0.9, 0.999), Flatten: true}
}

var epochLine = regexp.MustCompile(`(?m)^epoch (\d+): loss (\d+\.\d{4}) \(mean of the epoch\), test acc \d\.\d{4} \(on 100 samples\)`)

// The log shows progress lines and one line per epoch, each on its own line, with the
// epoch's mean loss and the number of images the accuracy was measured on; every file
// written is printed with its path; a finished run leaves no checkpoint.
func TestRunLogsAndFiles(t *testing.T) {
	dir := t.TempDir()
	c := small(dir)
	var w, logw bytes.Buffer
	res, err := Run(context.Background(), &w, &logw, c, twoLayer(c))
	if err != nil {
		t.Fatal(err)
	}
	log := logw.String()
	if !regexp.MustCompile(`(?m)^training: \d+/12 steps`).MatchString(log) {
		t.Errorf("no progress line without a terminal:\n%s", log)
	}
	m := epochLine.FindAllStringSubmatch(log, -1)
	if len(m) != 2 {
		t.Fatalf("want two epoch lines, each on its own line:\n%s", log)
	}
	for e, sub := range m {
		mean := 0.0
		for _, l := range res.History.Loss[e*6 : (e+1)*6] {
			mean += l / 6
		}
		got, _ := strconv.ParseFloat(sub[2], 64)
		if sub[1] != strconv.Itoa(e+1) || math.Abs(got-mean) > 1e-4 {
			t.Errorf("epoch line %q: want epoch %d, loss %.4f (the epoch's mean)", sub[0], e+1, mean)
		}
	}
	for _, f := range []string{ParamsFile, LossChart, AccuracyChart} {
		path := filepath.Join(dir, f)
		if st, err := os.Stat(path); err != nil || st.Size() == 0 {
			t.Errorf("%s: %v", f, err)
		}
		if !strings.Contains(w.String(), "wrote "+path+": ") {
			t.Errorf("did not print %s:\n%s", path, w.String())
		}
	}
	if _, err := os.Stat(filepath.Join(dir, CheckpointFile)); !os.IsNotExist(err) {
		t.Errorf("a finished run left its checkpoint: %v", err)
	}
	last := regexp.MustCompile(`test accuracy (0\.\d{4}) \(on 200 test images\)\n$`).FindStringSubmatch(w.String())
	if last == nil || last[1] != fmt.Sprintf("%.4f", res.TestAcc) || res.TestAcc < 0.2 {
		t.Fatalf("printed %q, accuracy %v", w.String(), res.TestAcc)
	}

	// -weights evaluates the saved parameters to the same accuracy.
	c2 := small("")
	c2.Weights = filepath.Join(dir, ParamsFile)
	var again bytes.Buffer
	if _, err := Run(context.Background(), &again, io.Discard, c2, twoLayer(c2)); err != nil {
		t.Fatal(err)
	}
	if want := last[0]; again.String() != want {
		t.Errorf("-weights printed %q, want %q", again.String(), want)
	}
}

// A run interrupted after 4 steps saves a checkpoint and exits with 130; resumed, it ends
// with the history (so the charts) and the accuracy of an uninterrupted run.
func TestInterruptAndResume(t *testing.T) {
	whole := small(t.TempDir())
	want, err := Run(context.Background(), io.Discard, io.Discard, whole, twoLayer(whole))
	if err != nil {
		t.Fatal(err)
	}

	dir := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	body := func(ctx context.Context, w, logw io.Writer, args []string) error {
		c := small(dir)
		c.Resume = len(args) > 0
		m := twoLayer(c)
		m.OnStep = func(n int) {
			if n == 4 {
				cancel()
			}
		}
		_, err := Run(ctx, w, logw, c, m)
		return err
	}
	var logw bytes.Buffer
	if code := cli.Exit(ctx, "demo", body, io.Discard, &logw, nil); code != cli.ExitInterrupted {
		t.Fatalf("interrupted run exited %d:\n%s", code, logw.String())
	}
	ckpt := filepath.Join(dir, CheckpointFile)
	if !strings.Contains(logw.String(), "checkpoint saved to "+ckpt) || !strings.Contains(logw.String(), "-resume") {
		t.Errorf("log does not say where the checkpoint is or how to resume:\n%s", logw.String())
	}
	if _, err := os.Stat(ckpt); err != nil {
		t.Fatal(err)
	}

	c := small(dir)
	c.Resume = true
	got, err := Run(context.Background(), io.Discard, io.Discard, c, twoLayer(c))
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got.History, want.History) || got.TestAcc != want.TestAcc {
		t.Fatalf("resumed run: %+v\nuninterrupted: %+v", got, want)
	}
}

// -data names a folder: one without the MNIST files is an error naming what is missing.
func TestDataDirWithoutFiles(t *testing.T) {
	c := small(t.TempDir())
	c.Data = t.TempDir()
	_, err := Run(context.Background(), io.Discard, io.Discard, c, twoLayer(c))
	if err == nil || !strings.Contains(err.Error(), c.Data) || !strings.Contains(err.Error(), "train-images") {
		t.Fatalf("err = %v; want one naming %s and the missing files", err, c.Data)
	}
}

// -weights given a text file says it is not a parameter file.
func TestWeightsNotAParameterFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "notes.txt")
	if err := os.WriteFile(path, []byte("hello\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	c := small("")
	c.Weights = path
	_, err := Run(context.Background(), io.Discard, io.Discard, c, twoLayer(c))
	if err == nil || !strings.Contains(err.Error(), "neither a safetensors file nor a pickle") {
		t.Fatalf("err = %v", err)
	}
}

// Register defines the flags asked for, with the defaults given.
func TestRegister(t *testing.T) {
	fs := flag.NewFlagSet("x", flag.ContinueOnError)
	c := Register(fs, Config{Epochs: 7, Out: "x"}, "epochs", "out", "data")
	if err := fs.Parse([]string{"-data", "d"}); err != nil {
		t.Fatal(err)
	}
	if c.Epochs != 7 || c.Out != "x" || c.Data != "d" || fs.Lookup("weights") != nil {
		t.Fatalf("%+v", c)
	}
	all := flag.NewFlagSet("y", flag.ContinueOnError)
	Register(all, Config{})
	for _, name := range []string{"epochs", "batch", "lr", "train", "test", "eval-sample", "weights", "out", "resume", "data", "seed"} {
		if all.Lookup(name) == nil {
			t.Errorf("no -%s", name)
		}
	}
}
