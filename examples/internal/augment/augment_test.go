package augment

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// grid makes an h x w image with the given pixels set to 1.
func grid(h, w int, on ...[2]int) []float32 {
	img := make([]float32, h*w)
	for _, p := range on {
		img[p[0]*w+p[1]] = 1
	}
	return img
}

func near(a, b []float32, tol float64) bool {
	for i := range a {
		if math.Abs(float64(a[i]-b[i])) > tol {
			return false
		}
	}
	return len(a) == len(b)
}

func TestShift(t *testing.T) {
	src := []float32{
		1, 2, 3,
		4, 5, 6,
	}
	for _, c := range []struct {
		dx, dy int
		want   []float32
	}{
		{0, 0, []float32{1, 2, 3, 4, 5, 6}},
		{1, 0, []float32{0, 1, 2, 0, 4, 5}},
		{-1, 0, []float32{2, 3, 0, 5, 6, 0}},
		{0, 1, []float32{0, 0, 0, 1, 2, 3}},
		{-2, -1, []float32{6, 0, 0, 0, 0, 0}},
		{3, 0, []float32{0, 0, 0, 0, 0, 0}},
		{0, -5, []float32{0, 0, 0, 0, 0, 0}},
	} {
		dst := slices.Repeat([]float32{9}, 6)
		Shift(dst, src, 2, 3, c.dx, c.dy)
		if !slices.Equal(dst, c.want) {
			t.Errorf("Shift(%d, %d) = %v, want %v", c.dx, c.dy, dst, c.want)
		}
		// Transform without rotation is the same shift, also through bilinear sampling.
		Transform(dst, src, 2, 3, 0, float64(c.dx), float64(c.dy))
		if !slices.Equal(dst, c.want) {
			t.Errorf("Transform(0°, %d, %d) = %v, want %v", c.dx, c.dy, dst, c.want)
		}
		Transform(dst, src, 2, 3, 1e-300, float64(c.dx), float64(c.dy))
		if !near(dst, c.want, 1e-6) {
			t.Errorf("Transform(1e-300°, %d, %d) = %v, want %v", c.dx, c.dy, dst, c.want)
		}
	}
}

// A quarter turn counterclockwise takes the top middle pixel to the left middle, the
// left middle to the bottom middle; a half turn flips top and bottom.
func TestRotateQuarterTurns(t *testing.T) {
	src := grid(3, 3, [2]int{0, 1}, [2]int{0, 2})
	for _, c := range []struct {
		deg  float64
		want []float32
	}{
		{90, grid(3, 3, [2]int{1, 0}, [2]int{0, 0})},
		{-90, grid(3, 3, [2]int{1, 2}, [2]int{2, 2})},
		{180, grid(3, 3, [2]int{2, 1}, [2]int{2, 0})},
		{360, src},
	} {
		dst := make([]float32, 9)
		Transform(dst, src, 3, 3, c.deg, 0, 0)
		if !near(dst, c.want, 1e-9) {
			t.Errorf("rotate %v°: %v, want %v", c.deg, dst, c.want)
		}
	}
	// Rotation turns about the centre, then the shift moves the result.
	dst := make([]float32, 9)
	Transform(dst, grid(3, 3, [2]int{0, 1}), 3, 3, 90, 1, 1)
	if want := grid(3, 3, [2]int{2, 1}); !near(dst, want, 1e-9) {
		t.Errorf("rotate 90° then shift (1, 1): %v, want %v", dst, want)
	}
}

// A small rotation moves ink a little, keeps values in range and loses almost none of a
// centred stroke; it interpolates between pixels.
func TestSmallRotation(t *testing.T) {
	const h, w = 28, 28
	src := make([]float32, h*w)
	for r := 6; r < 22; r++ {
		src[r*w+14] = 1 // a vertical stroke, like a 1
	}
	dst := make([]float32, h*w)
	Transform(dst, src, h, w, 10, 0, 0)
	var sum, srcSum float64
	for i, v := range dst {
		if v < 0 || v > 1 {
			t.Fatalf("pixel %d = %v outside [0, 1]", i, v)
		}
		sum += float64(v)
		srcSum += float64(src[i])
	}
	if math.Abs(sum-srcSum) > 0.05*srcSum {
		t.Fatalf("ink %v after rotating, %v before", sum, srcSum)
	}
	// Counterclockwise: the top of the stroke leans left, the bottom right.
	if dst[6*w+13]+dst[6*w+12] <= dst[6*w+15]+dst[6*w+16] {
		t.Errorf("top row %v: stroke did not lean left", dst[6*w+10:6*w+19])
	}
	if dst[21*w+15]+dst[21*w+16] <= dst[21*w+13]+dst[21*w+12] {
		t.Errorf("bottom row %v: stroke did not lean right", dst[21*w+10:21*w+19])
	}
}

func TestApply(t *testing.T) {
	const h, w, n = 28, 28, 16
	rng := rand.New(rand.NewPCG(7, 7))
	x := make([]float32, n*h*w)
	for i := range x {
		x[i] = rng.Float32()
	}
	orig := slices.Clone(x)

	// No shift and no rotation leaves the batch alone.
	New(h, w, 0, 0).Apply(x, rand.New(rand.NewPCG(1, 2)))
	if !slices.Equal(x, orig) {
		t.Fatal("Apply with no shift and no rotation changed the batch")
	}

	// Shifts only: each image is its original shifted by whole pixels within ±2.
	a := New(h, w, 2, 0)
	a.Apply(x, rand.New(rand.NewPCG(1, 2)))
	for i := range n {
		img, src := x[i*h*w:(i+1)*h*w], orig[i*h*w:(i+1)*h*w]
		found := false
		want := make([]float32, h*w)
		for dy := -2; dy <= 2 && !found; dy++ {
			for dx := -2; dx <= 2 && !found; dx++ {
				Shift(want, src, h, w, dx, dy)
				found = slices.Equal(img, want)
			}
		}
		if !found {
			t.Fatalf("image %d is not a shift of its original by at most 2 pixels", i)
		}
	}

	// The same seed gives the same batch; another seed another one.
	b1, b2, b3 := slices.Clone(orig), slices.Clone(orig), slices.Clone(orig)
	aug := New(h, w, 2, 10)
	aug.Apply(b1, rand.New(rand.NewPCG(3, 4)))
	aug.Apply(b2, rand.New(rand.NewPCG(3, 4)))
	aug.Apply(b3, rand.New(rand.NewPCG(3, 5)))
	if !slices.Equal(b1, b2) {
		t.Fatal("same seed, different batches")
	}
	if slices.Equal(b1, b3) || slices.Equal(b1, orig) {
		t.Fatal("augmentation did not change the batch")
	}
	// Keep leaves that share of the images alone: all of them at 1, some of them at 1/2.
	for _, c := range []struct {
		keep     float64
		min, max int
	}{{1, n, n}, {0.5, 3, n - 3}} {
		b := slices.Clone(orig)
		k := New(h, w, 2, 10)
		k.Keep = c.keep
		k.Apply(b, rand.New(rand.NewPCG(5, 6)))
		kept := 0
		for i := range n {
			if slices.Equal(b[i*h*w:(i+1)*h*w], orig[i*h*w:(i+1)*h*w]) {
				kept++
			}
		}
		if kept < c.min || kept > c.max {
			t.Fatalf("Keep %v left %d of %d images alone", c.keep, kept, n)
		}
	}
	if allocs := testing.AllocsPerRun(10, func() { aug.Apply(b1, rng) }); allocs != 0 {
		t.Fatalf("Apply allocates %v times per batch", allocs)
	}
}

func TestPanics(t *testing.T) {
	for name, f := range map[string]func(){
		"short dst":     func() { Shift(make([]float32, 3), make([]float32, 4), 2, 2, 0, 0) },
		"short src":     func() { Transform(make([]float32, 4), make([]float32, 3), 2, 2, 5, 0, 0) },
		"partial image": func() { New(2, 2, 1, 0).Apply(make([]float32, 6), rand.New(rand.NewPCG(1, 1))) },
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("%s: no panic", name)
				}
			}()
			f()
		}()
	}
}
