package viz

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

func applePage(t *testing.T) []byte {
	t.Helper()
	tg := appleGraph(t)
	page, err := HTML(Options{Values: tg.rec, Title: "Buying apples"}, tg.outputs...)
	if err != nil {
		t.Fatal(err)
	}
	return page
}

// The page stands alone: no scripts, styles, images or fonts fetched from anywhere.
func TestHTMLSelfContained(t *testing.T) {
	page := applePage(t)
	for _, bad := range []string{"<script src", "<link", "<img", "@import", "url(", "<iframe", "fetch(", "XMLHttpRequest"} {
		if bytes.Contains(page, []byte(bad)) {
			t.Errorf("the page contains %q", bad)
		}
	}
	// The only addresses are the SVG namespaces.
	for _, m := range regexp.MustCompile(`https?://[^"'\s<>]*`).FindAll(page, -1) {
		if !strings.HasPrefix(string(m), "http://www.w3.org/") {
			t.Errorf("the page refers to %s", m)
		}
	}
	for _, id := range []string{`id="bw_t0000"`, `id="bw_e0003_0"`, `id="full_t0008"`, `id="next"`, `id="prev"`, `id="slider"`} {
		if !bytes.Contains(page, []byte(id)) {
			t.Errorf("the page has no element %s", id)
		}
	}
}

// The script of the apple page: inputs, two forward ops, five backward nodes.
func TestPageScript(t *testing.T) {
	tg := appleGraph(t)
	steps, grads := checkScript(t, tg, pageScript, []string{
		"inputs: given apple = 100; apple_num = 2; tax = 1.1",
		"forward: mul(apple, apple_num) → apple_price = 200",
		"forward: mul(apple_price, tax) → price = 220",
		"backward: ∂price/∂price = 1 (where the backward pass starts)",
		"backward: ∂price/∂apple_price = mul(dprice, tax) = 1.1",
		"backward: ∂price/∂tax = mul(dprice, apple_price) = 200",
		"backward: ∂price/∂apple = mul(grad apple_price, apple_num) = 2.2",
		"backward: ∂price/∂apple_num = mul(grad apple_price, apple) = 110",
	})
	if len(grads) != 3 || grads[0].Name != "∂price/∂apple" || grads[0].Value != "2.2" || grads[0].Step != 6 {
		t.Errorf("gradient table: %+v", grads)
	}
	// The step computing ∂price/∂apple reveals the red label on apple's edge.
	if got := strings.Join(steps[6].Show, " "); got != "g:bw_e0003_0" {
		t.Errorf("step 6 shows %q", got)
	}
}

// chromium returns the path of a Chromium to drive, skipping the test when there is none
// and CI is unset; on CI a missing Chromium is a failure.
func chromium(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("CI") == "" {
		t.Skip("no chromium on PATH (apt-get install -y chromium); CI requires it")
	}
	t.Fatal("CI is set but chromium is not installed: apt-get install -y chromium")
	return ""
}

// runChromium runs headless Chromium on a page with extra flags and returns its stdout.
func runChromium(t *testing.T, bin, dir, url string, flags ...string) []byte {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	profile := t.TempDir()
	args := append([]string{"--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
		"--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
		"--hide-scrollbars", "--user-data-dir=" + profile}, flags...)
	cmd := exec.CommandContext(ctx, bin, append(args, url)...)
	cmd.Dir = dir
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("chromium %v: %v\n%s", flags, err, lastLines(stderr.String(), 20))
	}
	return stdout.Bytes()
}

func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

// TestPageInBrowser opens the apple page in headless Chromium, lets it press next to the
// end (#autoplay clicks the next button through its own handler), and checks the DOM and
// a screenshot.
func TestPageInBrowser(t *testing.T) {
	bin := chromium(t)
	t.Parallel()
	dir := t.TempDir()
	path := filepath.Join(dir, "apple.html")
	if err := os.WriteFile(path, applePage(t), 0o644); err != nil {
		t.Fatal(err)
	}
	url := "file://" + filepath.ToSlash(path)

	// Opened plainly, the page is at its first step with the edge labels hidden.
	dom := string(runChromium(t, bin, dir, url, "--dump-dom"))
	for _, want := range []string{`data-step="0"`, `<span id="pos">1 / 8</span>`, `class="pending"`, `<td class="gv" id="grad-0000">…</td>`} {
		if !strings.Contains(dom, want) {
			t.Errorf("first step: the DOM has no %s", want)
		}
	}

	// Played to the end, it shows the final step, every label, and the gradients.
	dom = string(runChromium(t, bin, dir, url+"#autoplay", "--dump-dom"))
	for _, want := range []string{
		`data-done="true"`,
		`<span id="pos">8 / 8</span>`,
		`<td class="gv" id="grad-0000">2.2</td>`, // ∂price/∂apple, the book's 2.2
		`<td class="gv" id="grad-0001">110</td>`,
		`<td class="gv" id="grad-0002">200</td>`,
		`<li class="backward">∂price/∂apple = mul(grad apple_price, apple_num) = 2.2</li>`,
		`<button id="next" type="button" title="next step (→)" disabled="">`,
	} {
		if !strings.Contains(dom, want) {
			t.Errorf("after autoplay: the DOM has no %s", want)
		}
	}
	if strings.Contains(dom, `class="pending"`) {
		t.Error("after autoplay: some edge labels are still hidden")
	}

	shot := filepath.Join(dir, "shot.png")
	runChromium(t, bin, dir, url+"#autoplay", "--screenshot="+shot, "--window-size=1280,900")
	data, err := os.ReadFile(shot)
	if err != nil {
		t.Fatalf("no screenshot: %v", err)
	}
	checkPicture(t, data)
	if out := os.Getenv("VIZ_DUMP"); out != "" {
		_ = os.WriteFile(filepath.Join(out, "page.png"), data, 0o644)
	}
}

// checkScript runs script, pageScript or tangentScript, over tg and checks the texts of its
// steps, "phase: text", against want; it returns the steps and the table's rows.
func checkScript(t *testing.T, tg testGraph, script func(*model, *Recording) ([]pageStep, []gradRow), want []string) ([]pageStep, []gradRow) {
	t.Helper()
	m, err := newModel(tg.outputs)
	if err != nil {
		t.Fatal(err)
	}
	steps, rows := script(m, tg.rec)
	var texts []string
	for _, s := range steps {
		texts = append(texts, s.Phase+": "+s.Text)
	}
	if strings.Join(texts, "\n") != strings.Join(want, "\n") {
		t.Errorf("steps:\n%s\nwant:\n%s", strings.Join(texts, "\n"), strings.Join(want, "\n"))
	}
	return steps, rows
}
