package dataset

import (
	"crypto/md5"
	"encoding/hex"
	"fmt"
	"io"
	"path/filepath"

	"github.com/zerograd/zerograd/internal/regular"
)

// Checksum is the size in bytes and the MD5 digest (lowercase hex) of one file.
type Checksum struct {
	Size int64
	MD5  string
}

func (c Checksum) String() string {
	if c.MD5 == "" {
		return fmt.Sprintf("%d bytes", c.Size)
	}
	return fmt.Sprintf("%d bytes, md5 %s", c.Size, c.MD5)
}

// sumOf returns the checksum of b.
func sumOf(b []byte) Checksum {
	d := md5.Sum(b)
	return Checksum{Size: int64(len(b)), MD5: hex.EncodeToString(d[:])}
}

// A Variant describes one data set in MNIST's layout: four IDX files named
// train-images-idx3-ubyte, train-labels-idx1-ubyte, t10k-images-idx3-ubyte
// and t10k-labels-idx1-ubyte, each gzip-compressed (.gz) or not.
// MNIST and FashionMNIST are the two known ones; treat them as read-only.
type Variant struct {
	// Name names the variant in errors and is the folder looked in under
	// $ZEROGRAD_DATA and under the cache folder: "mnist", "fashion-mnist".
	Name string
	// Classes is the number of distinct labels: labels lie in [0, Classes);
	// 0 accepts any byte (256 classes).
	Classes int
	// Checksums holds the known size and MD5 of each file, by file name.
	// A file whose name is missing here is refused unless
	// Options.SkipChecksum is set.
	Checksums map[string]Checksum
	// Mirrors are base URLs tried in order to download the .gz files.
	Mirrors []string

	module string // a Go module whose data/ folder holds a copy, or ""
}

// The four files every variant has, without the .gz suffix.
const (
	trainImages = "train-images-idx3-ubyte"
	trainLabels = "train-labels-idx1-ubyte"
	testImages  = "t10k-images-idx3-ubyte"
	testLabels  = "t10k-labels-idx1-ubyte"
)

var fileNames = [4]string{trainImages, trainLabels, testImages, testLabels}

// MNIST is LeCun, Cortes and Burges' handwritten digits: 60000 training and
// 10000 test images of 28 x 28 pixels, labels 0 to 9.
//
// The .gz checksums are the published ones (the ones torchvision checks); the uncompressed files' checksums were computed here from
// the decompressed .gz files after those matched.
var MNIST = Variant{
	Name:    "mnist",
	Classes: 10,
	Checksums: map[string]Checksum{
		trainImages + ".gz": {9912422, "f68b3c2dcbeaaa9fbdd348bbdeb94873"},
		trainLabels + ".gz": {28881, "d53e105ee54ea40749a09fcbcd1e9432"},
		testImages + ".gz":  {1648877, "9fb629c4189551a2d022fa330f9573f3"},
		testLabels + ".gz":  {4542, "ec29112dd5afa0611ce80d1b7f02629c"},
		trainImages:         {47040016, "6bbc9ace898e44ae57da46a324031adb"},
		trainLabels:         {60008, "a25bea736e30d166cdddb491f175f624"},
		testImages:          {7840016, "2646ac647ad5339dbf082846283269ea"},
		testLabels:          {10008, "27ae3e4e09519cfbb04c329615203637"},
	},
	// The book's dataset/mnist.py downloads from the first (it moved there
	// when the second began refusing downloads); the second is the original.
	Mirrors: []string{
		"https://ossci-datasets.s3.amazonaws.com/mnist/",
		"http://yann.lecun.com/exdb/mnist/",
	},
	module: gomnistPath,
}

// FashionMNIST is Zalando Research's Fashion-MNIST: ten kinds of clothing in
// MNIST's exact format and sizes. Only the published .gz checksums are known;
// load uncompressed Fashion-MNIST files with Options.SkipChecksum.
var FashionMNIST = Variant{
	Name:    "fashion-mnist",
	Classes: 10,
	Checksums: map[string]Checksum{
		trainImages + ".gz": {26421880, "8d4fb7e6c68d591d4c3dfef9ec88bf0d"},
		trainLabels + ".gz": {29515, "25c81989df183df01b3e8a0aad5dffbe"},
		testImages + ".gz":  {4422102, "bef4ecab320f06d8554ea6380940ec79"},
		testLabels + ".gz":  {5148, "bb300cfdad3c16e7a12a480ee83cd310"},
	},
	Mirrors: []string{"http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/"},
}

// A ChecksumError reports a file whose size or MD5 differs from the known
// one, or a file with no known checksum.
type ChecksumError struct {
	File    string   // the file's path
	Variant string   // the variant whose table was used
	Got     Checksum // what the file has
	Want    Checksum // what the table says; zero when the name is not in it
	Hint    string   // a guess at what the file is instead, or ""
}

func (e *ChecksumError) Error() string {
	var msg string
	if e.Want == (Checksum{}) {
		msg = fmt.Sprintf("dataset: %s: no known %s checksum for %q; set Options.SkipChecksum to load it unverified",
			e.File, e.Variant, filepath.Base(e.File))
	} else {
		msg = fmt.Sprintf("dataset: %s: checksum mismatch: got %v, want %v (%s)", e.File, e.Got, e.Want, e.Variant)
	}
	if e.Hint != "" {
		msg += ": " + e.Hint
	}
	return msg
}

// knownVariants are searched for a hint when a checksum does not match.
var knownVariants = []*Variant{&MNIST, &FashionMNIST}

// verifySize checks a file's size against v's table before it is read, so
// that a huge wrong file is not read at all. It returns the table's entry
// (ok false when the name has none).
func verifySize(v *Variant, path string, size int64) (want Checksum, ok bool, err error) {
	want, ok = v.Checksums[filepath.Base(path)]
	if ok && size != want.Size {
		got := Checksum{Size: size} // the MD5 is not computed: the size already differs
		return want, ok, &ChecksumError{File: path, Variant: v.Name, Got: got, Want: want, Hint: hint(v, path, got)}
	}
	return want, ok, nil
}

// verify checks the bytes b of the file at path against v's table.
func verify(v *Variant, path string, b []byte) error {
	want, ok := v.Checksums[filepath.Base(path)]
	got := sumOf(b)
	if !ok {
		return &ChecksumError{File: path, Variant: v.Name, Got: got, Hint: hint(v, path, got)}
	}
	if got != want {
		return &ChecksumError{File: path, Variant: v.Name, Got: got, Want: want, Hint: hint(v, path, got)}
	}
	return nil
}

// hint names the known variant a file belongs to when it is not v's; a got
// without MD5 is matched by size alone.
func hint(v *Variant, path string, got Checksum) string {
	name := filepath.Base(path)
	for _, k := range knownVariants {
		if k.Name == v.Name {
			continue
		}
		if want, ok := k.Checksums[name]; ok && want.Size == got.Size && (got.MD5 == "" || want.MD5 == got.MD5) {
			return fmt.Sprintf("this looks like %s's file: set Options.Variant to &dataset.%s", k.Name, goName(k))
		}
	}
	return ""
}

func goName(v *Variant) string {
	if v == &FashionMNIST {
		return "FashionMNIST"
	}
	return "MNIST"
}

// readVerified reads the file at path, checking its size against v's table
// before reading and its MD5 after, unless skip is set. Only a regular file
// is read, and only as many bytes as it held when opened.
func readVerified(v *Variant, path string, skip bool) ([]byte, error) {
	f, size, err := regular.Open(path)
	if err != nil {
		return nil, fmt.Errorf("dataset: %w", err)
	}
	defer f.Close()
	if !skip {
		if _, _, err := verifySize(v, path, size); err != nil {
			return nil, err
		}
	}
	if size > MaxIDXBytes+1<<20 {
		return nil, fmt.Errorf("dataset: %s: %d bytes, more than an IDX file may hold (%d)", path, size, MaxIDXBytes)
	}
	b := make([]byte, size)
	if _, err := io.ReadFull(f, b); err != nil {
		return nil, fmt.Errorf("dataset: reading %s: %w", path, err)
	}
	if !skip {
		if err := verify(v, path, b); err != nil {
			return nil, err
		}
	}
	return b, nil
}
