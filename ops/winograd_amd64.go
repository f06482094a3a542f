//go:build amd64 && !purego

package ops

// winoAVX2 says whether the Winograd transforms of blocks of 8 float32 channels run in
// winograd_amd64.s. Each kernel walks th x tw tiles; strides are in values: wp the padded
// planes' width, sv (sm) the distance between the 16 transformed matrices, st between two
// tiles' rows of them. The callers check the slices' lengths (winoCheck).
var winoAVX2 = vecAVX2

//go:noescape
func winoInAVX2(v, plane []float32, th, tw, wp, sv, st int)

//go:noescape
func winoIn2AVX2(v, plane []float32, np, th, tw, wp, sv, st int)

//go:noescape
func winoInAdjAVX2(plane, gv []float32, th, tw, wp, sv, st int)

//go:noescape
func winoInAdj2AVX2(plane, gv []float32, np, th, tw, wp, sv, st int)

//go:noescape
func winoOutAVX2(stage, m, bias []float32, th, tw, sm, st int)

//go:noescape
func winoOut2AVX2(stage, m, bias []float32, np, th, tw, sm, st int)

//go:noescape
func winoOutAdjAVX2(gm, stage []float32, th, tw, sm, st int)

//go:noescape
func winoOutAdj2AVX2(gm, stage []float32, np, th, tw, sm, st int)

// winoPackAVX2 and winoUnpackAVX2 convert between 8 planes of NCHW and a block of 8
// interleaved planes (winograd_pack_amd64.s); winoPack and winoUnpack say what they do
// and check the slices' reach.
//
//go:noescape
func winoPackAVX2(dst, src []float32, rows, cols, cs, ss, ds, padL, padR int)

//go:noescape
func winoUnpackAVX2(dst, src []float32, rows, cols, cs, ds, ss int)
