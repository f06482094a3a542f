// Package paramfile reads and writes parameter files: safetensors (F32 and F64, plus a
// string metadata map) and the book's pickles (a dict or OrderedDict of name -> numpy
// ndarray, protocols 1 to 5, float32 or float64, C or Fortran order, either endianness).
//
// Parameters travel as an ordered list of named tensors, []NamedTensor, independent of any
// graph; package nn turns a model's parameters into one (nn.State) and back (nn.Load).
// SaveSafetensors writes to a temporary file in the same folder, syncs it, renames it over
// the target and syncs the folder, so a crash never leaves a half-written file. Assign
// copies loaded tensors into a model's by name, checking every name, shape and dtype first
// and reporting every mismatch in one *AssignError; nothing is written unless all match.
// Sniff tells the two formats apart by their first bytes.
//
// # Error handling
//
// Everything that reads files returns errors naming the file, the tensor and the byte
// offset, never a partial result, and a malformed file never panics. Files are never
// trusted: every length, offset, shape and byte count is checked against the bytes present
// before anything is allocated, and pickles run no code: only the globals the book's files
// hold are accepted (collections.OrderedDict, numpy's _reconstruct, ndarray and dtype, and
// the byte-string helpers of protocol 2); any other (os.system, builtins.eval, ...) is
// refused by name with an *UnsafeGlobalError. Loading a pickle of n bytes allocates at most
// 16n bytes plus 4 MiB however the file is made (an array, bytes or a string memoised once
// and used many times is paid for at each use; integers longer than 8 bytes are refused),
// and a file that would cost more is an error. Only regular files are read: a FIFO or a
// device is refused by name rather than blocking or reading without end.
//
// Package paramfile imports gorgonia.org/tensor, gopickle and only internal/regular of
// zerograd (which opens regular files only: no FIFO, no device).
package paramfile
