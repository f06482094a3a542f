package dataset

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
)

// mirror serves files from a map on 127.0.0.1 and counts requests.
type mirror struct {
	*httptest.Server
	mu    sync.Mutex
	files map[string][]byte
	hits  map[string]int
}

func newMirror(t *testing.T, files map[string][]byte) *mirror {
	m := &mirror{files: files, hits: map[string]int{}}
	m.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		m.mu.Lock()
		defer m.mu.Unlock()
		name := strings.TrimPrefix(r.URL.Path, "/data/")
		m.hits[name]++
		b, ok := m.files[name]
		if !ok {
			http.NotFound(w, r)
			return
		}
		w.Write(b)
	}))
	t.Cleanup(m.Close)
	return m
}

func (m *mirror) count(name string) int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.hits[name]
}

// gzFiles returns the tiny data set's .gz files and a variant with their
// checksums.
func gzFiles(n int) (map[string][]byte, *Variant) {
	files := map[string][]byte{}
	v := &Variant{Name: "tiny", Classes: 4, Checksums: map[string]Checksum{}}
	for name, b := range tinyFiles(n, 4) {
		files[name+".gz"] = gz(b)
		v.Checksums[name+".gz"] = sumOf(files[name+".gz"])
	}
	return files, v
}

func TestDownload(t *testing.T) {
	opts := isolate(t)
	opts.NoDownload = false
	files, v := gzFiles(6)
	good := newMirror(t, files)
	empty := newMirror(t, nil)
	v.Mirrors = []string{empty.URL + "/data/", good.URL + "/data"}
	opts.Variant = v
	var logged []string
	opts.Logf = func(format string, args ...any) { logged = append(logged, format) }

	train, test, err := LoadMNIST(opts)
	if err != nil {
		t.Fatal(err)
	}
	if train.N != 6 || test.N != 4 {
		t.Errorf("N = %d and %d, want 6 and 4", train.N, test.N)
	}
	if len(logged) != 8 {
		t.Errorf("%d downloads logged, want 8 (4 files, the first mirror failing)", len(logged))
	}
	entries, _ := os.ReadDir(opts.CacheDir)
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	if len(names) != 4 {
		t.Errorf("cache holds %v, want the 4 .gz files and nothing else", names)
	}
	// A second load finds the cache and asks no mirror.
	if _, _, err := LoadMNIST(opts); err != nil {
		t.Fatal(err)
	}
	if good.count(trainImages+".gz") != 1 {
		t.Errorf("train images fetched %d times, want 1", good.count(trainImages+".gz"))
	}
}

// TestDownloadRepairsCache: a damaged file in the cache is fetched again.
func TestDownloadRepairsCache(t *testing.T) {
	opts := isolate(t)
	opts.NoDownload = false
	files, v := gzFiles(6)
	m := newMirror(t, files)
	v.Mirrors = []string{m.URL + "/data/"}
	opts.Variant = v
	for name, b := range files {
		os.MkdirAll(opts.CacheDir, 0o755)
		os.WriteFile(filepath.Join(opts.CacheDir, name), b, 0o644)
	}
	os.WriteFile(filepath.Join(opts.CacheDir, testImages+".gz"), []byte("junk"), 0o644)
	if _, _, err := LoadMNIST(opts); err != nil {
		t.Fatal(err)
	}
	if m.count(testImages+".gz") != 1 || m.count(trainImages+".gz") != 0 {
		t.Errorf("fetched %d test images and %d train images, want 1 and 0", m.count(testImages+".gz"), m.count(trainImages+".gz"))
	}
}

func TestDownloadErrors(t *testing.T) {
	noModule(t)
	files, v := gzFiles(6)
	bad := map[string][]byte{}
	for name, b := range files {
		bad[name] = append([]byte("x"), b...)
	}
	wrong := newMirror(t, bad)
	missing := newMirror(t, nil)
	v.Mirrors = []string{missing.URL + "/data/", wrong.URL + "/data/"}

	opts := isolate(t)
	opts.NoDownload = false
	opts.Variant = v
	_, _, err := LoadMNIST(opts)
	var nf *NotFoundError
	if !errors.As(err, &nf) {
		t.Fatalf("error %v, want a *NotFoundError", err)
	}
	name := trainImages + ".gz"
	wantErr(t, err,
		"\n\tdownload ("+opts.CacheDir+"): "+name+": "+missing.URL+"/data/"+name+": 404 Not Found; "+
			wrong.URL+"/data/"+name+": server announces "+strconv.Itoa(len(bad[name]))+" bytes, want "+strconv.Itoa(len(files[name])))
	if entries, _ := os.ReadDir(opts.CacheDir); len(entries) != 0 {
		t.Errorf("cache holds %d entries after failed downloads, want none", len(entries))
	}

	// Without a Content-Length, the body is read and its checksum refused.
	chunked := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b := bad[strings.TrimPrefix(r.URL.Path, "/")]
		w.Write(b[:1])
		w.(http.Flusher).Flush() // forces chunked encoding: no Content-Length
		w.Write(b[1:])
	}))
	defer chunked.Close()
	v.Mirrors = []string{chunked.URL}
	_, _, err = LoadMNIST(opts)
	wantErr(t, err, chunked.URL+"/"+name+": more than "+strconv.Itoa(len(files[name]))+" bytes")

	// A name with no known checksum is not downloaded without SkipChecksum.
	delete(v.Checksums, name)
	_, _, err = LoadMNIST(opts)
	wantErr(t, err, name+": no known checksum, and Options.SkipChecksum is not set")
}
