//go:build linux || darwin || freebsd || netbsd || openbsd || dragonfly

package paramfile

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"testing"
	"time"
)

const hangEnv = "PARAMFILE_TEST_HANGING_SAVE"

// TestHelperHangingSave is the child process of TestSaveRemovesStaleTemps:
// a save that writes some bytes, says so, and never finishes.
func TestHelperHangingSave(t *testing.T) {
	path := os.Getenv(hangEnv)
	if path == "" {
		t.Skip("helper process only")
	}
	saveAtomic(path, func(w io.Writer) error {
		w.Write(make([]byte, 1<<17)) // past the buffer: the file has bytes
		fmt.Println("writing")
		select {}
	})
}

// TestSaveRemovesStaleTemps kills a process in the middle of a save, and
// checks that the temporary file it left is spared while the process lives
// and removed by the next save once it is dead; temporaries of other
// targets, and files that only look like temporaries, are left alone.
func TestSaveRemovesStaleTemps(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "model.safetensors")
	old := time.Now().Add(-time.Hour)
	others := []string{
		".model.safetensors.tmp-1.tmp-2", // a temporary of "model.safetensors.tmp-1"
		".model.safetensors.tmp-12x", ".model.safetensors.tmp-", "model.safetensors.tmp-3",
		".other.safetensors.tmp-4", ".model.safetensors-5.tmp",
	}
	for _, name := range others {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte("x"), 0o644); err != nil {
			t.Fatal(err)
		}
		os.Chtimes(p, old, old)
	}

	cmd := exec.Command(os.Args[0], "-test.run=^TestHelperHangingSave$")
	cmd.Env = append(os.Environ(), hangEnv+"="+path)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	ready := make(chan bool, 1)
	go func() {
		s := bufio.NewScanner(out)
		for s.Scan() {
			if s.Text() == "writing" {
				ready <- true
			}
		}
		close(ready)
	}()
	select {
	case ok := <-ready:
		if !ok {
			t.Fatal("the helper process ended before writing")
		}
	case <-time.After(30 * time.Second):
		t.Fatal("the helper process did not start writing within 30s")
	}
	temps, _ := filepath.Glob(filepath.Join(dir, tempPattern(path)))
	temps = slices.DeleteFunc(temps, func(p string) bool { return !isTempOf(filepath.Base(p), filepath.Base(path)) })
	if len(temps) != 1 {
		t.Fatalf("temporaries %v, want the helper's one", temps)
	}
	tmp := temps[0]
	os.Chtimes(tmp, old, old) // as if the save had stalled: only its lock spares it

	if err := SaveSafetensors(path, sampleTensors(), nil); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(tmp); err != nil {
		t.Fatalf("a save removed the temporary of a save still running: %v", err)
	}

	cmd.Process.Kill()
	cmd.Wait()
	if _, err := os.Stat(tmp); err != nil {
		t.Fatalf("the killed save left no temporary (%v): nothing to test", err)
	}
	if err := SaveSafetensors(path, sampleTensors(), nil); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(tmp); err == nil {
		t.Errorf("the next save left the killed save's temporary %s", filepath.Base(tmp))
	}
	for _, name := range others {
		if _, err := os.Stat(filepath.Join(dir, name)); err != nil {
			t.Errorf("%s, not a temporary of this target, was removed", name)
		}
	}
	if ts, _, err := LoadSafetensors(path); err != nil || !sameTensors(ts, sampleTensors()) {
		t.Errorf("the saved file reads back as %v, %v", ts, err)
	}
}
