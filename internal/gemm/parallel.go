package gemm

import "sync/atomic"

// parallelGemm is the state of one gemm call split over several workers. It
// is pooled with its config, so that a parallel call allocates nothing.
//
// Three splits are used. A product of middling size (rows) is cut into bands of
// whole row tiles of C, one per worker, each run on the serial path. When C is
// small and k long (the weight gradient of a convolution: 25 x 30 with
// k = 57600), the workers each take a range of k and sum into their own copy of
// C, which are added at the end. Otherwise the loops over jc and pc stay on the
// caller, and each step runs in two parallel phases: the workers pack the
// kc x nc block of op(B) together, then take blocks of rows (and, if C has few
// rows, of columns) of C, each packing its own block of op(A) and running the
// kernels over it.
type parallelGemm[T scalar] struct {
	cfg *config[T]
	p   call[T]

	phase int   // which of the phase constants below run does
	tasks int64 // how many tasks the running phase has (workers.go)
	// next is the next task to take, on a cache line of its own: every worker adds to it
	// while they all read the fields around it.
	_    [64]byte
	next atomic.Int64
	_    [56]byte

	// k split
	kpart int // k per worker
	tmp   []T // partial sums of C for workers 1.., m x n each

	// grid split, current (jc, pc) step
	bp          []T  // packed op(B) block, nil when B is read in place
	dA          bool // A is read in place
	jc, ncb     int
	pc, kcb     int
	beta        T
	bTasks      int // tasks packing B
	mTiles      int // register tiles down the m rows
	nPanels     int // slivers of B in the block
	mParts      int // row blocks of C
	nParts      int // column blocks of C
	packPerTask int // B slivers packed by one task
}

const (
	phaseRows = iota
	phaseKSplit
	phasePackB
	phaseCompute
)

// newJob returns the state of a parallel call of p, reused from cfg's stash (its k-split
// buffer kept); give it back with done.
func (cfg *config[T]) newJob(p *call[T]) *parallelGemm[T] {
	s, ok := cfg.jobs.take()
	if !ok {
		s = new(parallelGemm[T])
	}
	*s = parallelGemm[T]{cfg: cfg, p: *p, tmp: s.tmp}
	return s
}

// done drops the caller's slices from s and gives it back to the stash.
func (s *parallelGemm[T]) done() {
	s.p = call[T]{}
	s.bp = nil
	s.cfg.jobs.put(s)
}

func (cfg *config[T]) parallel(p *call[T], workers int) {
	s := cfg.newJob(p)
	if p.k >= 4*max(p.m, p.n) && p.k >= workers*cfg.kc/2 && p.m*p.n <= 1<<20 {
		s.kSplit(workers)
	} else {
		s.grid(workers)
	}
	s.done()
}

func (s *parallelGemm[T]) run(i int) {
	switch s.phase {
	case phaseRows:
		s.runRows(i)
	case phaseKSplit:
		s.runKPart(i)
	case phasePackB:
		s.runPackB(i)
	case phaseCompute:
		s.runTile(i)
	}
}

// rows cuts C into parts bands of whole register tiles of rows (fewer if it has
// fewer tiles; mTiles and mParts below) and runs each band's product on the serial
// path: one hand-off and one wait in all. A band packs its own copy of B where the
// serial path would pack it; the products this serves mostly read B in place.
func (cfg *config[T]) rows(p *call[T], parts int) {
	s := cfg.newJob(p)
	s.mTiles = (p.m + cfg.mr - 1) / cfg.mr
	s.mParts = max(1, min(parts, s.mTiles))
	s.phase = phaseRows
	s.parallelFor(s.mParts, s.mParts)
	s.done()
}

// runRows runs band t of the row split.
func (s *parallelGemm[T]) runRows(t int) {
	mr := s.cfg.mr
	i0 := t * s.mTiles / s.mParts * mr
	i1 := min((t+1)*s.mTiles/s.mParts*mr, s.p.m)
	if i0 >= i1 {
		return
	}
	q := s.p
	q.m = i1 - i0
	if q.transA {
		q.a = q.a[i0:]
	} else {
		q.a = q.a[i0*q.lda:]
	}
	q.c = q.c[i0*q.ldc:]
	s.cfg.serial(&q)
}

// kSplit cuts k into parts K_i. Part i computes alpha*op(A)[:, K_i]*op(B)[K_i, :];
// part 0 adds beta*C and writes to C, the others write to tmp, which is
// then added to C.
func (s *parallelGemm[T]) kSplit(workers int) {
	p := &s.p
	// Two parts per worker when k is long enough, so that a worker slowed
	// down by something else on the machine leaves its second part to the
	// others instead of making them wait.
	parts := workers
	if p.k >= 2*workers*s.cfg.kc {
		parts = 2 * workers
	}
	s.kpart = (p.k + parts - 1) / parts
	parts = (p.k + s.kpart - 1) / s.kpart
	mn := p.m * p.n
	need := (parts - 1) * mn
	if cap(s.tmp) < need {
		s.tmp = make([]T, need)
	}
	s.tmp = s.tmp[:need]
	s.phase = phaseKSplit
	s.parallelFor(parts, workers)
	for i := range p.m {
		row := p.c[i*p.ldc : i*p.ldc+p.n]
		for w := 1; w < parts; w++ {
			o := (w-1)*mn + i*p.n
			for j, v := range s.tmp[o : o+p.n] {
				row[j] += v
			}
		}
	}
}

// runKPart runs part w of a k split on the serial path.
func (s *parallelGemm[T]) runKPart(w int) {
	q := s.p
	k0 := w * s.kpart
	q.k = min(s.kpart, s.p.k-k0)
	if q.transA {
		q.a = q.a[k0*q.lda:]
	} else {
		q.a = q.a[k0:]
	}
	if q.transB {
		q.b = q.b[k0:]
	} else {
		q.b = q.b[k0*q.ldb:]
	}
	if w > 0 {
		q.c = s.tmp[(w-1)*q.m*q.n:]
		q.ldc = q.n
		q.beta = 0
	}
	s.cfg.serial(&q)
}

// grid runs the blocked loops with the two parallel phases in each step.
func (s *parallelGemm[T]) grid(workers int) {
	cfg, p := s.cfg, &s.p
	kc := blockSize(p.k, cfg.kc, 1)
	nc := blockSize(p.n, cfg.nc, cfg.nr)
	dA, dB := cfg.inPlace(p)
	s.dA = dA
	var bbuf *[]T
	if !dB {
		bbuf = getBuf[T](&cfg.bBufs, nc*kc)
		s.bp = *bbuf
	}

	// Rows of C go in blocks of at most mc, at least workers of them and a
	// multiple of workers so that each step ends with everyone busy; when C
	// has too few rows for that, its columns are split too.
	s.mTiles = (p.m + cfg.mr - 1) / cfg.mr
	mcTiles := cfg.mc / cfg.mr
	s.mParts = roundUp((s.mTiles+mcTiles-1)/mcTiles, workers)
	s.mParts = min(s.mParts, s.mTiles)

	for jc := 0; jc < p.n; jc += nc {
		s.jc, s.ncb = jc, min(nc, p.n-jc)
		s.nPanels = (s.ncb + cfg.nr - 1) / cfg.nr
		s.nParts = 1
		if s.mParts < 2*workers {
			s.nParts = min(s.nPanels, (2*workers+s.mParts-1)/s.mParts)
		}
		for pc := 0; pc < p.k; pc += kc {
			s.pc, s.kcb = pc, min(kc, p.k-pc)
			s.beta = p.beta
			if pc > 0 {
				s.beta = 1
			}
			if !dB {
				// Small B blocks are packed by one worker: waking others costs more.
				s.bTasks = 1
				if s.kcb*s.ncb >= 64*1024 {
					s.bTasks = min(workers, s.nPanels)
				}
				s.packPerTask = (s.nPanels + s.bTasks - 1) / s.bTasks
				s.phase = phasePackB
				s.parallelFor(s.bTasks, workers)
			}
			s.phase = phaseCompute
			s.parallelFor(s.mParts*s.nParts, workers)
		}
	}
	if bbuf != nil {
		cfg.bBufs.put(bbuf)
	}
}

func (s *parallelGemm[T]) runPackB(t int) {
	nr := s.cfg.nr
	j0 := t * s.packPerTask * nr
	if j0 >= s.ncb {
		return
	}
	cols := min(s.packPerTask*nr, s.ncb-j0)
	packB(nr, s.bp[j0*s.kcb:], &s.p, s.pc, s.kcb, s.jc+j0, cols)
}

// runTile packs one row block of op(A) and multiplies it by one column
// block of op(B).
func (s *parallelGemm[T]) runTile(t int) {
	cfg, p := s.cfg, &s.p
	mi, ni := t/s.nParts, t%s.nParts
	// Even splits in whole tiles and slivers.
	i0 := mi * s.mTiles / s.mParts * cfg.mr
	i1 := min((mi+1)*s.mTiles/s.mParts*cfg.mr, p.m)
	j0 := ni * s.nPanels / s.nParts * cfg.nr
	j1 := min((ni+1)*s.nPanels/s.nParts*cfg.nr, s.ncb)
	if i0 >= i1 || j0 >= j1 {
		return
	}
	abuf := getBuf[T](&cfg.aBufs, cfg.aBufSize(i1-i0, s.kcb, s.dA))
	blk := block[T]{i0: i0, mc: i1 - i0, j0: s.jc + j0, nc: j1 - j0, p0: s.pc, kc: s.kcb, beta: s.beta}
	blk.edge = (*abuf)[:(cfg.mr+cfg.nr)*s.kcb]
	if !s.dA {
		blk.ap = (*abuf)[len(blk.edge):]
		packA(cfg.mr, blk.ap, p, i0, blk.mc, s.pc, s.kcb)
	}
	if s.bp != nil {
		blk.bp = s.bp[j0*s.kcb:]
	}
	cfg.macro(p, &blk)
	cfg.aBufs.put(abuf)
}
