package ops

import "github.com/zerograd/zerograd/internal/parallel"

// Winograd's F(2x2, 3x3) for 3x3 convolutions of stride 1, in the three directions. The
// output is cut into 2x2 tiles, each read from a 4x4 tile of the padded input; in the
// transformed domain (winograd_transform.go) a tile's convolution is an elementwise
// product of 16 values, and over the channels, for the 16 positions ξ, a GEMM each:
//
//	forward        M[ξ]  = U[ξ] V[ξ]       [K x T] = [K x C] [C x T]   y  = A^T M A
//	input grad     gV[ξ] = U[ξ]^T gM[ξ]    [C x T] = [C x K] [K x T]   gx = B gV B^T
//	filter grad    gU[ξ] = gM[ξ] V[ξ]^T    [K x C] = [K x T] [T x C]   gW = G^T gU G
//
// with U = G W G^T the filters, V = B^T d B the input tiles and gM = A gy A^T the output
// gradient's. The backward kernels are the forward's adjoint, step by step, so they need
// no rotated filters and handle any padding. The products do 16 multiply-adds per tile
// and channel pair where im2col's do 36: 2.25x fewer.
//
// # Accuracy
//
// The transforms' coefficients are 0, ±1 and ±1/2, so U is exact up to one rounding per
// sum and the products' errors grow as a direct convolution's do, with sums of up to 4
// (input) and 3 (output) values in place of single ones. Against the im2col path in
// float32 the outputs differ by a few units in the last place of the values' magnitudes:
// TestWinogradMatchesIm2col bounds |winograd - im2col| by 2e-6 times the sum of |w||x|
// over the window (the error bound of a sum) for random shapes, and by 1e-12 in float64.
//
// # Work and scratch
//
// Like the im2col kernels, the batch is cut into a part per core, each walked in groups
// of images with enough tiles for the GEMMs to run at speed (winoTiles); the group's
// transformed tiles and products stay in the part's scratch, and the filter gradient sums
// its parts in order, bit for bit the same however many cores run them.
//
// The transforms write (or read) one value of each of the 16 transformed matrices per
// tile and channel, so where the channels allow they run on two blocks of 8 at once
// (winoIn2 and the like), each tile's 16 stores then filling whole cache lines, and the
// 16 matrices lie an odd number of cache lines apart (winoStride), never in one cache set.
// The conversions between NCHW and the blocks' interleaved planes (winograd_pack.go) move
// each value once. None of this changes a result: bit for bit the same sums.

// winoTiles is the number of tiles a group of images aims at.
const winoTiles = 96

// winoMode forces the choice between Winograd and im2col for tests: 0 chooses by shape
// (winoPays), 1 takes Winograd wherever it applies, -1 never.
var winoMode int

// winoGeom is the tiling of a 3x3 stride-1 convolution of images g by fn filters.
type winoGeom struct {
	g      window
	fn     int
	th, tw int // tiles down and across an image
	hp, wp int // the zero-padded plane the tiles read: 2*th+2 by 2*tw+2
	group  int // images per group
	parts  int // parts of the batch
	ld     int // tiles per group: the row length of the transformed matrices
	sv, sm int // the distance between two of the 16 transformed matrices [ld][C], [ld][K]
	su     int // and between two of the 16 transformed filters [K][C] (or [C][K])
}

// useWinograd reports whether a convolution of images g with fn filters, in T, runs
// Winograd.
func useWinograd[T float](g window, fn int) bool {
	if g.fh != 3 || g.fw != 3 || g.stride != 1 || g.oh < 1 || g.ow < 1 || winoMode < 0 {
		return false
	}
	return winoMode > 0 || winoPays[T](g, fn)
}

// winoPays is the measured choice (BenchmarkConv3x3, CPU time per call, batch 100): in
// float32 with the AVX2 transforms, Winograd takes 0.37-0.78 of im2col's time for every
// direction of DeepConvNet's convolutions of 16 to 64 channels and filters (the filter
// gradient gains least), and 2.6-9.5x longer for its first (one channel), whose products
// are too small to save much. In Go (float64, or without AVX2) the transforms cost more
// than the products they save, and a block of fewer than 8 channels runs in Go.
func winoPays[T float](g window, fn int) bool {
	return winoVec[T](winoLanes) && g.c >= 16 && fn >= 16 && g.c%winoLanes == 0 && fn%winoLanes == 0
}

func newWinoGeom(g window, fn int) winoGeom {
	th, tw := (g.oh+1)/2, (g.ow+1)/2
	group := min(g.n, max(1, (winoTiles+th*tw-1)/(th*tw)))
	ld := group * th * tw
	return winoGeom{g: g, fn: fn, th: th, tw: tw, hp: 2*th + 2, wp: 2*tw + 2, group: group,
		parts: min(g.n, parallel.Cores()), ld: ld, sv: winoStride(ld * g.c), sm: winoStride(ld * fn),
		su: winoStride(fn * g.c)}
}

// winoStride is the distance between two of 16 matrices of n values each: n rounded up
// to an odd number of 16 values (64 bytes in float32), so that the 16 matrices' rows at
// the same place fall in 16 different sets of the caches. The transforms write (or
// read) a value in each of the 16 at once, and at a distance that is a multiple of 4096
// bytes (as 64 filters of 64 channels, or 128 tiles of 32 channels, make it) the 16 share
// one set of an 8-way L1 cache and evict each other: the transforms ran 2.5-4x slower.
func winoStride(n int) int {
	const line = 16
	k := (n + line - 1) / line
	return (k | 1) * line
}

func (w *winoGeom) tiles() int { return w.th * w.tw }

// winoScratch is a part's working memory: two blocks of padded planes (or of output
// tiles), the group's transformed input tiles V (or their gradient) [16][ld][C], its
// products M (or the output gradient's tiles) [16][ld][K], a filter-domain sum
// [16][K][C], zeros for a missing bias; and pool room for the group's output before
// pooling.
type winoScratch[T float] struct {
	plane, v, m, u, zero []T
	pool                 []T
}

// winoLanes is the number of channels the transforms interleave.
const winoLanes = 8

// winoBuffers lays out the scratch of every part, with room values per image of a group
// for its pool scratch, and after them the transformed filters [16][K][C] that all parts
// read, in the node's buffer.
func winoBuffers[T float](s *convScratch, w *winoGeom, room int) (parts []winoScratch[T], u []T) {
	np := w.hp * w.wp * winoLanes
	per := 2*np + 16*(w.sv+w.sm+w.su) + 2*winoLanes + w.group*room
	per = (per + 15) &^ 15 // each part's buffers start on a cache line
	b := buffers[T](s)
	if n := w.parts*per + 16*w.su; cap(b.buf) < n {
		b.buf = make([]T, n)
	}
	ps := b.wino.parts[:0]
	for c := range w.parts {
		buf := b.buf[c*per : (c+1)*per]
		var p winoScratch[T]
		cut := func(n int) []T {
			r := buf[:n:n]
			buf = buf[n:]
			return r
		}
		p.plane = cut(2 * np)
		p.v, p.m, p.u = cut(16*w.sv), cut(16*w.sm), cut(16*w.su)
		p.zero = cut(2 * winoLanes)
		clear(p.zero)
		p.pool = buf
		ps = append(ps, p)
	}
	b.wino.parts = ps
	return ps, b.buf[w.parts*per:][:16*w.su]
}

// winoState is a node's Winograd kernels: the one running now, and its parts' scratch.
type winoState[T float] struct {
	fwd   winoForward[T]
	dx    winoInputGrad[T]
	dw    winoFilterGrad[T]
	parts []winoScratch[T]
}

// run runs the parts of w's batch, on all cores when the work is big.
func (w *winoGeom) run(k parallel.Task) {
	parallel.For(w.parts, w.g.n*w.tiles()*16*w.g.c*w.fn, k)
}

// part returns the images [lo, hi) of part c.
func (w *winoGeom) part(c int) (lo, hi int) { return c * w.g.n / w.parts, (c + 1) * w.g.n / w.parts }

// ---- forward ----

// winoForward is convForward by Winograd.
type winoForward[T float] struct {
	y, x, b []T
	ep      epilogue
	w       winoGeom
	u       []T
	s       []winoScratch[T]
	gemm    gemmFunc[T]
}

func (k convForward[T]) runWinograd(s *convScratch, g window, fn int) {
	t := &buffers[T](s).wino.fwd
	t.w = newWinoGeom(g, fn)
	t.y, t.x, t.b, t.ep, t.gemm = k.y, k.x, k.b, k.ep, serialGemm[T]()
	room := 0
	if k.ep.pool {
		room = fn * g.pixels()
	}
	t.s, t.u = winoBuffers[T](s, &t.w, room)
	winoFilters(t.u, k.w, fn, g.c, t.w.su, true)
	t.w.run(t)
	*t = winoForward[T]{}
}

func (t *winoForward[T]) Run(lo, hi int) {
	w := &t.w
	g, fn, pix, tpi := w.g, w.fn, w.g.pixels(), w.tiles()
	out, su, sv, sm := fn*pix, w.su, w.sv, w.sm
	np := w.hp * w.wp * winoLanes
	for c := lo; c < hi; c++ {
		n0, n1 := w.part(c)
		s := &t.s[c]
		for ; n0 < n1; n0 += w.group {
			gn := min(w.group, n1-n0)
			winoInputTiles(s, w, t.x, n0, gn)
			for xi := range 16 {
				t.gemm(false, false, gn*tpi, fn, g.c, 1, s.v[xi*sv:], g.c, t.u[xi*su:], fn, 0, s.m[xi*sm:], fn)
			}
			var y []T
			if t.ep.pool { // the output goes to scratch, and its pooling to t.y
				y = s.pool[:gn*out]
			} else {
				y = t.y[n0*out : (n0+gn)*out]
			}
			for i := range gn {
				for k0 := 0; k0 < fn; {
					bias := s.zero
					if t.b != nil {
						bias = t.b[k0:]
					}
					m := s.m[i*tpi*fn+k0:]
					if fn-k0 >= 2*winoLanes { // two blocks at once (winoOut2)
						winoOut2(s.plane, m, bias, np, w.th, w.tw, sm, fn)
						unpackOutput(y[i*out:], s.plane, k0, winoLanes, w)
						unpackOutput(y[i*out:], s.plane[np:], k0+winoLanes, winoLanes, w)
						k0 += 2 * winoLanes
						continue
					}
					L := min(winoLanes, fn-k0)
					winoOut(s.plane, m, bias, L, w.th, w.tw, sm, fn)
					unpackOutput(y[i*out:], s.plane, k0, L, w)
					k0 += L
				}
			}
			apply(&t.ep, t.y, y, n0*fn, gn*fn, pix)
		}
	}
}

// winoInputTiles writes the transformed tiles of images [n0, n0+gn) of x into s.v.
func winoInputTiles[T float](s *winoScratch[T], w *winoGeom, x []T, n0, gn int) {
	g, tpi := w.g, w.tiles()
	img, np := g.c*g.h*g.w, w.hp*w.wp*winoLanes
	for i := range gn {
		xi := x[(n0+i)*img:][:img]
		for c0 := 0; c0 < g.c; {
			v := s.v[i*tpi*g.c+c0:]
			if g.c-c0 >= 2*winoLanes { // two blocks at once (winoIn2)
				packPlanes(s.plane, xi, c0, winoLanes, w)
				packPlanes(s.plane[np:], xi, c0+winoLanes, winoLanes, w)
				winoIn2(v, s.plane, np, w.th, w.tw, w.wp, w.sv, g.c)
				c0 += 2 * winoLanes
				continue
			}
			L := min(winoLanes, g.c-c0)
			packPlanes(s.plane, xi, c0, L, w)
			winoIn(v, s.plane, L, w.th, w.tw, w.wp, w.sv, g.c)
			c0 += L
		}
	}
}

// winoOutputGradTiles writes the transformed output gradient tiles of images
// [n0, n0+gn) of gy into s.m.
func winoOutputGradTiles[T float](s *winoScratch[T], w *winoGeom, gy []T, n0, gn int) {
	tpi, fn := w.tiles(), w.fn
	out, np := fn*w.g.pixels(), w.hp*w.wp*winoLanes
	for i := range gn {
		gi := gy[(n0+i)*out:][:out]
		for k0 := 0; k0 < fn; {
			m := s.m[i*tpi*fn+k0:]
			if fn-k0 >= 2*winoLanes { // two blocks at once (winoOutAdjoint2)
				packOutput(s.plane, gi, k0, winoLanes, w)
				packOutput(s.plane[np:], gi, k0+winoLanes, winoLanes, w)
				winoOutAdjoint2(m, s.plane, np, w.th, w.tw, w.sm, fn)
				k0 += 2 * winoLanes
				continue
			}
			L := min(winoLanes, fn-k0)
			packOutput(s.plane, gi, k0, L, w)
			winoOutAdjoint(m, s.plane, L, w.th, w.tw, w.sm, fn)
			k0 += L
		}
	}
}

// ---- input gradient ----

// winoInputGrad is convInputGrad by Winograd.
type winoInputGrad[T float] struct {
	gx, gy []T
	ep     backEpilogue[T]
	w      winoGeom
	u      []T
	s      []winoScratch[T]
	gemm   gemmFunc[T]
}

func (k convInputGrad[T]) runWinograd(s *convScratch, g window, fn int) {
	t := &buffers[T](s).wino.dx
	t.w = newWinoGeom(g, fn)
	t.gx, t.gy, t.ep, t.gemm = k.gx, k.gy, k.ep, serialGemm[T]()
	room := 0
	if k.ep.pool {
		room = g.c * g.h * g.w
	}
	t.s, t.u = winoBuffers[T](s, &t.w, room)
	winoFilters(t.u, k.w, fn, g.c, t.w.su, false)
	t.w.run(t)
	*t = winoInputGrad[T]{}
}

func (t *winoInputGrad[T]) Run(lo, hi int) {
	w := &t.w
	g, fn, tpi := w.g, w.fn, w.tiles()
	img, su, sv, sm := g.c*g.h*g.w, w.su, w.sv, w.sm
	np := w.hp * w.wp * winoLanes
	for c := lo; c < hi; c++ {
		n0, n1 := w.part(c)
		s := &t.s[c]
		for ; n0 < n1; n0 += w.group {
			gn := min(w.group, n1-n0)
			winoOutputGradTiles(s, w, t.gy, n0, gn)
			for xi := range 16 {
				t.gemm(false, false, gn*tpi, g.c, fn, 1, s.m[xi*sm:], fn, t.u[xi*su:], g.c, 0, s.v[xi*sv:], g.c)
			}
			gxs := t.gx[n0*img:]
			if t.ep.pool { // the group's gradient goes to scratch, its pooling's gradient out
				gxs = s.pool
			}
			for i := range gn {
				gx := gxs[i*img:][:img]
				for c0 := 0; c0 < g.c; {
					v := s.v[i*tpi*g.c+c0:]
					if g.c-c0 >= 2*winoLanes { // two blocks at once (winoInAdjoint2)
						clear(s.plane[:2*np])
						winoInAdjoint2(s.plane, v, np, w.th, w.tw, w.wp, sv, g.c)
						unpackPlanes(gx, s.plane, c0, winoLanes, w)
						unpackPlanes(gx, s.plane[np:], c0+winoLanes, winoLanes, w)
						c0 += 2 * winoLanes
						continue
					}
					L := min(winoLanes, g.c-c0)
					clear(s.plane[:w.hp*w.wp*L])
					winoInAdjoint(s.plane, v, L, w.th, w.tw, w.wp, sv, g.c)
					unpackPlanes(gx, s.plane, c0, L, w)
					c0 += L
				}
			}
			t.ep.apply(t.gx, gxs[:gn*img], n0, gn)
		}
	}
}

// ---- filter gradient ----

// winoFilterGrad is convFilterGrad by Winograd: each part sums its groups' products gU
// into its scratch, and the parts' sums are added in order at the end.
type winoFilterGrad[T float] struct {
	x, gy []T
	w     winoGeom
	s     []winoScratch[T]
	gemm  gemmFunc[T]
}

func (k convFilterGrad[T]) runWinograd(s *convScratch, g window, fn int) {
	t := &buffers[T](s).wino.dw
	t.w = newWinoGeom(g, fn)
	t.x, t.gy, t.gemm = k.x, k.gy, serialGemm[T]()
	var sum []T
	t.s, sum = winoBuffers[T](s, &t.w, 0)
	t.w.run(t)
	copy(sum, t.s[0].u)
	for _, p := range t.s[1:] {
		addTo(sum, p.u)
	}
	winoFiltersAdjoint(k.gw, sum, fn, g.c, t.w.su)
	*t = winoFilterGrad[T]{}
}

func (t *winoFilterGrad[T]) Run(lo, hi int) {
	w := &t.w
	g, fn, tpi := w.g, w.fn, w.tiles()
	su, sv, sm := w.su, w.sv, w.sm
	for c := lo; c < hi; c++ {
		n0, n1 := w.part(c)
		s := &t.s[c]
		clear(s.u)
		for ; n0 < n1; n0 += w.group {
			gn := min(w.group, n1-n0)
			winoInputTiles(s, w, t.x, n0, gn)
			winoOutputGradTiles(s, w, t.gy, n0, gn)
			for xi := range 16 {
				t.gemm(true, false, fn, g.c, gn*tpi, 1, s.m[xi*sm:], fn, s.v[xi*sv:], g.c, 1, s.u[xi*su:], g.c)
			}
		}
	}
}
