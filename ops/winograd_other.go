//go:build !amd64 || purego

package ops

// winoAVX2 is false: the Winograd transforms run in Go (winograd_transform.go).
var winoAVX2 = false // a variable, as on amd64, so that tests can switch it

func winoInAVX2(v, plane []float32, th, tw, wp, sv, st int)          { panic("unreachable") }
func winoIn2AVX2(v, plane []float32, np, th, tw, wp, sv, st int)     { panic("unreachable") }
func winoInAdjAVX2(plane, gv []float32, th, tw, wp, sv, st int)      { panic("unreachable") }
func winoOutAVX2(stage, m, bias []float32, th, tw, sm, st int)       { panic("unreachable") }
func winoOutAdjAVX2(gm, stage []float32, th, tw, sm, st int)         { panic("unreachable") }
func winoOutAdj2AVX2(gm, stage []float32, np, th, tw, sm, st int)    { panic("unreachable") }
func winoOut2AVX2(stage, m, bias []float32, np, th, tw, sm, st int)  { panic("unreachable") }
func winoInAdj2AVX2(plane, gv []float32, np, th, tw, wp, sv, st int) { panic("unreachable") }

func winoPackAVX2(dst, src []float32, rows, cols, cs, ss, ds, padL, padR int) {
	panic("unreachable")
}
func winoUnpackAVX2(dst, src []float32, rows, cols, cs, ds, ss int) { panic("unreachable") }
