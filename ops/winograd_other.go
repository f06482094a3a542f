//go:build !amd64 || purego

package ops

// winoAVX2 is false: the Winograd transforms run in Go (winograd_transform.go).
const winoAVX2 = false

func winoInAVX2(v, plane []float32, th, tw, wp, sv, st int)     { panic("unreachable") }
func winoInAdjAVX2(plane, gv []float32, th, tw, wp, sv, st int) { panic("unreachable") }
func winoOutAVX2(stage, m, bias []float32, th, tw, sm, st int)  { panic("unreachable") }
func winoOutAdjAVX2(gm, stage []float32, th, tw, sm, st int)    { panic("unreachable") }
