package dataset

import (
	"fmt"
)

// Set is one split of a data set (training or test): N images of Rows x Cols
// pixels and their labels, all held in flat row-major slices.
type Set struct {
	N, Rows, Cols int
	Classes       int  // labels lie in [0, Classes)
	Flatten       bool // whether Shape reports [N Rows*Cols] rather than [N 1 Rows Cols]

	// Pixels holds the raw bytes, 0 (background) to 255 (ink): N*Rows*Cols.
	Pixels []byte
	// Images holds the same pixels as float32: divided by 255 into [0, 1]
	// when Options.Normalize is set, else 0 to 255 as in the file.
	Images []float32
	// Labels holds N class indices.
	Labels []int
	// OneHot holds N rows of Classes float32s, 1 at the label and 0
	// elsewhere, when Options.OneHot is set; it is nil otherwise.
	OneHot []float32
}

// ImageSize is the number of pixels in one image: Rows*Cols (784 for MNIST).
func (s *Set) ImageSize() int { return s.Rows * s.Cols }

// Shape is the shape of Images: [N Rows*Cols] when Flatten is set, else
// [N 1 Rows Cols] (one channel), as the book's load_mnist(flatten=...) gives.
func (s *Set) Shape() []int {
	if s.Flatten {
		return []int{s.N, s.Rows * s.Cols}
	}
	return []int{s.N, 1, s.Rows, s.Cols}
}

// Image returns image i's pixels as float32, sharing memory with Images.
func (s *Set) Image(i int) []float32 {
	n := s.ImageSize()
	return s.Images[i*n : (i+1)*n : (i+1)*n]
}

// OneHotLabels returns the labels as N rows of Classes float32s, 1 at the
// label: s.OneHot when it is set, else a new slice.
func (s *Set) OneHotLabels() []float32 {
	if s.OneHot != nil {
		return s.OneHot
	}
	return OneHot(nil, s.Labels, s.Classes)
}

// OneHot writes labels as len(labels) rows of classes float32s into dst
// (reused when it has the capacity) and returns it. A label outside
// [0, classes) gives a row of zeros.
func OneHot(dst []float32, labels []int, classes int) []float32 {
	dst = grow(dst, len(labels)*classes)
	clear(dst)
	for i, l := range labels {
		if 0 <= l && l < classes {
			dst[i*classes+l] = 1
		}
	}
	return dst
}

// Slice returns images lo to hi-1 as a Set that shares memory with s: the
// book trains on x_train[:300] to show overfitting.
func (s *Set) Slice(lo, hi int) *Set {
	if lo < 0 || hi < lo || hi > s.N {
		panic(fmt.Sprintf("dataset: Slice(%d, %d) out of range [0, %d]", lo, hi, s.N))
	}
	n := s.ImageSize()
	t := *s
	t.N = hi - lo
	t.Pixels = s.Pixels[lo*n : hi*n : hi*n]
	t.Images = s.Images[lo*n : hi*n : hi*n]
	t.Labels = s.Labels[lo:hi:hi]
	if s.OneHot != nil {
		t.OneHot = s.OneHot[lo*s.Classes : hi*s.Classes : hi*s.Classes]
	}
	return &t
}

// Batch copies the images with indices idx into x and their one-hot labels
// into t, growing each only when it is too short, and returns them:
// len(idx)*ImageSize() and len(idx)*Classes float32s. Pass t as nil to skip
// the labels. Reusing x and t across calls allocates nothing.
func (s *Set) Batch(idx []int, x, t []float32) (bx, bt []float32) {
	n := s.ImageSize()
	x = grow(x, len(idx)*n)
	for j, i := range idx {
		copy(x[j*n:(j+1)*n], s.Images[i*n:(i+1)*n])
	}
	if t == nil {
		return x, nil
	}
	return x, oneHotAt(t, s.Labels, idx, s.Classes)
}

// oneHotAt writes the one-hot rows of labels[idx[0]], labels[idx[1]], ...
// into dst, reused when it has the capacity.
func oneHotAt(dst []float32, labels, idx []int, classes int) []float32 {
	dst = grow(dst, len(idx)*classes)
	clear(dst)
	for j, i := range idx {
		if l := labels[i]; 0 <= l && l < classes {
			dst[j*classes+l] = 1
		}
	}
	return dst
}

// grow returns b resliced to n elements, reallocated only if too small.
func grow(b []float32, n int) []float32 {
	if cap(b) < n {
		return make([]float32, n)
	}
	return b[:n]
}

// newSet builds a Set from decoded image and label files, checking that
// they agree with each other and with classes.
func newSet(images, labels *IDX, imagesPath, labelsPath string, classes int, opts *Options) (*Set, error) {
	if len(images.Dims) != 3 {
		return nil, &FormatError{File: imagesPath, Offset: 3, Reason: fmt.Sprintf(
			"images file has %d dimensions (%s), want 3 (count x rows x cols)", len(images.Dims), dimString(images.Dims))}
	}
	if len(labels.Dims) != 1 {
		return nil, &FormatError{File: labelsPath, Offset: 3, Reason: fmt.Sprintf(
			"labels file has %d dimensions (%s), want 1 (count)", len(labels.Dims), dimString(labels.Dims))}
	}
	if images.Dims[0] != labels.Dims[0] {
		return nil, fmt.Errorf("dataset: %s holds %d images but %s holds %d labels",
			imagesPath, images.Dims[0], labelsPath, labels.Dims[0])
	}
	s := &Set{
		N: images.Dims[0], Rows: images.Dims[1], Cols: images.Dims[2],
		Classes: classes, Flatten: opts.Flatten,
		Pixels: images.Data,
		Labels: make([]int, labels.Dims[0]),
	}
	hdr := int64(4 + 4*len(labels.Dims))
	for i, l := range labels.Data {
		if int(l) >= classes {
			return nil, &FormatError{File: labelsPath, Offset: hdr + int64(i), Reason: fmt.Sprintf(
				"label %d of image %d is outside [0, %d)", l, i, classes)}
		}
		s.Labels[i] = int(l)
	}
	var table [256]float32
	for i := range table {
		table[i] = float32(i)
		if opts.Normalize {
			table[i] /= 255
		}
	}
	s.Images = make([]float32, len(s.Pixels))
	for i, p := range s.Pixels {
		s.Images[i] = table[p]
	}
	if opts.OneHot {
		s.OneHot = OneHot(nil, s.Labels, classes)
	}
	return s, nil
}
