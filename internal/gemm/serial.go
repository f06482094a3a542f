package gemm

// gemmSerial is gemm without the parallel split.
func (cfg *config[T]) gemmSerial(p *call[T]) {
	switch {
	case p.m == 0 || p.n == 0:
	case p.alpha == 0 || p.k == 0:
		scaleC(p.m, p.n, p.beta, p.c, p.ldc)
	case float64(p.m)*float64(p.n)*float64(p.k) <= smallWork:
		naive(p)
	default:
		cfg.serial(p)
	}
}
