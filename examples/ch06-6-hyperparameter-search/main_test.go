package main

import (
	"context"
	"math/rand/v2"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/zerograd/zerograd/dataset"
	"github.com/zerograd/zerograd/examples/internal/extest"
)

// A few short trials: the best are printed in order of validation accuracy, with
// hyperparameters inside the book's ranges, and their curves drawn.
func TestSearch(t *testing.T) {
	dir := t.TempDir()
	var out, log strings.Builder
	if err := run(context.Background(), &out, &log, []string{"-trials", "4", "-epochs", "3", "-n", "500", "-best", "3", "-out", dir}); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
	if len(lines) != 5 || lines[4] != "wrote "+filepath.Join(dir, "best.png")+": validation (solid) and training (dashed) accuracy of the best trials" {
		t.Fatalf("printed\n%s", out.String())
	}
	lines = lines[:4]
	if !strings.Contains(lines[0], "Hyper-Parameter Optimization Result") {
		t.Fatalf("printed\n%s", out.String())
	}
	if n := strings.Count(log.String(), "val acc:"); n != 4 {
		t.Fatalf("logged %d trials, want 4:\n%s", n, log.String())
	}
	re := regexp.MustCompile(`^Best-(\d)\(val acc:(\S+)\) \| lr:(\S+), weight decay:(\S+)$`)
	prev := 2.0
	for i, l := range lines[1:] {
		m := re.FindStringSubmatch(l)
		if m == nil || m[1] != strconv.Itoa(i+1) {
			t.Fatalf("line %q", l)
		}
		acc, _ := strconv.ParseFloat(m[2], 64)
		lr, _ := strconv.ParseFloat(m[3], 64)
		wd, _ := strconv.ParseFloat(m[4], 64)
		if acc > prev || acc < 0 || acc > 1 {
			t.Errorf("%q: accuracy out of order or range", l)
		}
		prev = acc
		if lr < 1e-6*0.999 || lr > 1e-2*1.001 || wd < 1e-8*0.999 || wd > 1e-4*1.001 {
			t.Errorf("%q: hyperparameters outside 10^[-6, -2] and 10^[-8, -4]", l)
		}
	}
	extest.PNG(t, filepath.Join(dir, "best.png"))
}

// The search can tell a good learning rate from a bad one: after 15 epochs lr 0.01 is far
// ahead of lr 1e-6 on the validation images.
func TestGoodRateWins(t *testing.T) {
	all, _, err := dataset.LoadMNIST(dataset.Options{Normalize: true, Flatten: true})
	if err != nil {
		t.Fatal(err)
	}
	perm := rand.New(rand.NewPCG(1, 1)).Perm(500)
	val, train := subset(all, perm[:100]), subset(all, perm[100:])
	if val.N != 100 || train.N != 400 || train.Labels[0] != all.Labels[perm[100]] || train.Image(3)[400] != all.Image(perm[103])[400] {
		t.Fatal("subset does not copy the chosen images")
	}
	good := &trial{lr: 0.01, decay: 1e-8, seed: 7}
	bad := &trial{lr: 1e-6, decay: 1e-8, seed: 7}
	for _, tr := range []*trial{good, bad} {
		if err := tr.train(context.Background(), train, val, 15); err != nil {
			t.Fatal(err)
		}
		if len(tr.valAcc) != 15 || len(tr.trainAcc) != 15 {
			t.Fatalf("%d and %d accuracies for 15 epochs", len(tr.valAcc), len(tr.trainAcc))
		}
	}
	t.Logf("val acc: lr 0.01 %v, lr 1e-6 %v", good.final(), bad.final())
	if good.final() < bad.final()+0.2 {
		t.Errorf("val acc: lr 0.01 %v, lr 1e-6 %v", good.final(), bad.final())
	}
}
