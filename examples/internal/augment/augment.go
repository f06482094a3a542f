// Package augment makes new training images out of old ones on the fly: random shifts of a
// few pixels and small rotations, the data augmentation that lifts the book's chapter 8
// DeepConvNet above 99%. It works over raw row-major float32 slices (a batch of images back
// to back, as the trainer feeds them), with a seeded *rand.Rand, and allocates nothing after
// the first batch.
//
//	aug := augment.New(28, 28, 2, 10) // shifts of up to 2 pixels, rotations of up to ±10°
//	aug.Apply(xBatch, rng)             // every image of the batch, in place
package augment

import (
	"fmt"
	"math"
	"math/rand/v2"
)

// Transform writes into dst the h x w image src rotated by angle degrees counterclockwise
// (as seen on the screen, rows growing downwards) about the image's centre, then shifted dx
// pixels to the right and dy pixels down. Each pixel of dst samples src bilinearly at the
// point it came from; points outside src read 0 (the background of MNIST). dst and src must
// hold h*w values each and must not overlap.
func Transform(dst, src []float32, h, w int, angle, dx, dy float64) {
	check(dst, src, h, w)
	if angle == 0 && dx == math.Trunc(dx) && dy == math.Trunc(dy) {
		Shift(dst, src, h, w, int(dx), int(dy))
		return
	}
	sin, cos := math.Sincos(angle * math.Pi / 180)
	cy, cx := float64(h-1)/2, float64(w-1)/2
	for r := range h {
		for c := range w {
			// Undo the shift, then the rotation: the inverse maps dst's pixel to src's point.
			u := float64(c) - cx - dx
			v := cy - (float64(r) - dy) // upwards, so the angle turns counterclockwise on screen
			sx := cx + u*cos + v*sin
			sy := cy - (-u*sin + v*cos)
			dst[r*w+c] = bilinear(src, h, w, sy, sx)
		}
	}
}

// bilinear reads src at the fractional point (y, x), 0 outside the image.
func bilinear(src []float32, h, w int, y, x float64) float32 {
	y0, x0 := math.Floor(y), math.Floor(x)
	fy, fx := float32(y-y0), float32(x-x0)
	r, c := int(y0), int(x0)
	at := func(r, c int) float32 {
		if r < 0 || r >= h || c < 0 || c >= w {
			return 0
		}
		return src[r*w+c]
	}
	top := at(r, c)*(1-fx) + at(r, c+1)*fx
	bottom := at(r+1, c)*(1-fx) + at(r+1, c+1)*fx
	return top*(1-fy) + bottom*fy
}

// Shift writes into dst the h x w image src moved dx pixels to the right and dy pixels down
// (negative: left and up); the pixels uncovered are 0. dst and src must not overlap.
func Shift(dst, src []float32, h, w, dx, dy int) {
	check(dst, src, h, w)
	clear(dst[:h*w])
	for r := max(0, dy); r < min(h, h+dy); r++ {
		sr := r - dy
		c0, c1 := max(0, dx), min(w, w+dx)
		if c0 < c1 {
			copy(dst[r*w+c0:r*w+c1], src[sr*w+c0-dx:sr*w+c1-dx])
		}
	}
}

func check(dst, src []float32, h, w int) {
	if h < 1 || w < 1 || len(dst) < h*w || len(src) < h*w {
		panic(fmt.Sprintf("augment: images of %dx%d need %d values, have dst %d and src %d", h, w, h*w, len(dst), len(src)))
	}
}

// Augmenter moves every image of a batch by its own random shift and rotation.
type Augmenter struct {
	H, W       int     // image size
	MaxShift   int     // each axis shifts by a whole number of pixels in [-MaxShift, MaxShift]
	MaxDegrees float64 // the rotation is uniform in [-MaxDegrees, MaxDegrees]
	// Keep is the share of images left as they are, drawn image by image (0: every image
	// moves). Rotations resample, which blurs a little; keeping some originals keeps the
	// sharp digits of the test set in the training stream too.
	Keep float64
	buf  []float32
}

// New returns an Augmenter of h x w images.
func New(h, w, maxShift int, maxDegrees float64) *Augmenter {
	return &Augmenter{H: h, W: w, MaxShift: maxShift, MaxDegrees: maxDegrees}
}

// Apply transforms every image of x (whole images back to back) in place, drawing each
// image's shift and angle from rng: for a seeded rng the result is reproducible. Its
// signature fits a per-batch training hook, func(x []float32, rng *rand.Rand).
func (a *Augmenter) Apply(x []float32, rng *rand.Rand) {
	n := a.H * a.W
	if n == 0 || len(x)%n != 0 {
		panic(fmt.Sprintf("augment: %d values is not a whole number of %dx%d images", len(x), a.H, a.W))
	}
	if cap(a.buf) < n {
		a.buf = make([]float32, n)
	}
	buf := a.buf[:n]
	for i := 0; i < len(x); i += n {
		img := x[i : i+n]
		if a.Keep > 0 && rng.Float64() < a.Keep {
			continue
		}
		dx := rng.IntN(2*a.MaxShift+1) - a.MaxShift
		dy := rng.IntN(2*a.MaxShift+1) - a.MaxShift
		angle := (2*rng.Float64() - 1) * a.MaxDegrees
		if dx == 0 && dy == 0 && angle == 0 {
			continue
		}
		copy(buf, img)
		Transform(img, buf, a.H, a.W, angle, float64(dx), float64(dy))
	}
}
