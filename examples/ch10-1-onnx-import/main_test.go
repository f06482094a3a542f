package main

import (
	"bytes"
	"context"
	"encoding/xml"
	"errors"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/zerograd/zerograd/examples/internal/cli"
	"github.com/zerograd/zerograd/examples/internal/extest"
)

// The default model (PyTorch's CNN, found from this folder) on a small slice of MNIST: the
// summary of what it holds, both pictures, and the accuracy before and after training.
func TestShortFineTuning(t *testing.T) {
	dir := t.TempDir()
	out := extest.Run(t, run, "-train", "500", "-test", "200", "-out", dir)
	for _, want := range []string{
		"model ../../onnx/testdata/torch/cnn32.onnx: opset 17, produced by \"pytorch\"\n",
		"ops: 14 nodes: Add 1, BatchNormalization 3, Conv 3, Flatten 1, Gemm 1, GlobalAveragePool 1, MaxPool 1, Relu 3\n",
		"input x [100 1 28 28] float32\n",
		"output y [100 10] float32\n",
		"parameters: 12 tensors, 1370 values\n  conv1.weight [8 1 3 3]\n  conv1.bias [8]\n",
		"  fc.weight [10 8]\n  fc.bias [10]\n",
		"epoch 1: mean loss ",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("the output lacks %q:\n%s", want, out)
		}
	}
	acc := regexp.MustCompile(`(?m)^test accuracy (before|after) fine-tuning (0\.\d{4}|1\.0000) \(on 200 test images\)$`).FindAllStringSubmatch(out, -1)
	if len(acc) != 2 || acc[0][1] != "before" || acc[1][1] != "after" {
		t.Errorf("want the test accuracy before and after fine-tuning, printed\n%s", out)
	}
	for _, name := range []string{"model-forward.svg", "model-backward.svg"} {
		path := filepath.Join(dir, name)
		if !strings.Contains(out, "wrote "+path+": ") {
			t.Errorf("the output does not name %s", path)
		}
		svg, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if err := parseXML(svg); err != nil {
			t.Errorf("%s does not parse: %v", name, err)
		}
		// Every op of the model and the loss is drawn.
		for _, op := range []string{"conv2d", "batch_norm", "max_pool2d", "softmax_cross_entropy"} {
			if !bytes.Contains(svg, []byte(">"+op+"<")) {
				t.Errorf("%s does not draw %s", name, op)
			}
		}
	}
	// The backward pass carries the gradients, in red.
	back, _ := os.ReadFile(filepath.Join(dir, "model-backward.svg"))
	fwd, _ := os.ReadFile(filepath.Join(dir, "model-forward.svg"))
	if bytes.Count(back, []byte(`fill="red"`)) < 10 || bytes.Contains(fwd, []byte(`fill="red"`)) {
		t.Errorf("the backward picture has %d red labels, the forward one %d: want gradients in the backward one only",
			bytes.Count(back, []byte(`fill="red"`)), bytes.Count(fwd, []byte(`fill="red"`)))
	}
}

// A model that does not map images to 10 scores is summarized, then refused with an
// error (exit code 1); a missing file is an error too.
func TestOtherModels(t *testing.T) {
	var out, logw bytes.Buffer
	mlp := filepath.Join("..", "..", "onnx", "testdata", "torch", "mlp.onnx") // float64
	code := cli.Exit(context.Background(), name, run, &out, &logw, []string{"-model", mlp, "-out", t.TempDir()})
	if code != cli.ExitError || !strings.Contains(out.String(), "input x [100 1 28 28] float64\n") || !strings.Contains(logw.String(), "needs float32 images") {
		t.Errorf("exit %d, printed\n%s\n%s", code, out.String(), logw.String())
	}
	logw.Reset()
	if code := cli.Exit(context.Background(), name, run, io.Discard, &logw, []string{"-model", "missing.onnx"}); code != cli.ExitError || !strings.Contains(logw.String(), "missing.onnx") {
		t.Errorf("exit %d, %q", code, logw.String())
	}
}

// parseXML reads the whole document, failing on malformed XML.
func parseXML(b []byte) error {
	d := xml.NewDecoder(bytes.NewReader(b))
	d.Strict = true
	d.Entity = xml.HTMLEntity
	for {
		_, err := d.Token()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
	}
}
