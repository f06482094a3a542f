//go:build amd64 && !purego

#include "textflag.h"
#include "winograd_amd64.h"

// The Winograd tile transforms on two blocks of 8 float32 channels per pass over the
// tiles: the one-block kernels' bodies (winograd_amd64.h) run once per block, so the
// results are those of two one-block passes, while each tile's 16 values of 16 channels
// fill whole cache lines of the transformed matrices.

// func winoIn2AVX2(v, plane []float32, np, th, tw, wp, sv, st int)
//
// winoInAVX2 on two blocks at once: the planes at plane and plane[np:] give channels 0..7
// and 8..15 of v, so that each tile's stores fill whole 64-byte lines of v where the
// channels' stride st is a multiple of 16 (the transforms are the same instructions, so
// the results are those of two calls of winoInAVX2).
TEXT ·winoIn2AVX2(SB), NOSPLIT, $0-96
	MOVQ v_base+0(FP), DI
	MOVQ plane_base+24(FP), SI
	MOVQ th+56(FP), R8
	MOVQ tw+64(FP), R9
	MOVQ wp+72(FP), R10
	MOVQ sv+80(FP), R11
	MOVQ st+88(FP), R12
	SHLQ $5, R10
	SHLQ $2, R11
	SHLQ $2, R12
	LEAQ (R11)(R11*2), R13

in2_rows:
	MOVQ SI, AX
	MOVQ R9, CX

in2_tiles:
	INTILE(0)
	MOVQ np+48(FP), BX
	LEAQ (AX)(BX*4), AX
	INTILE(32)
	MOVQ np+48(FP), BX
	SHLQ $2, BX
	SUBQ BX, AX
	ADDQ $64, AX
	ADDQ R12, DI
	DECQ CX
	JNZ  in2_tiles
	LEAQ (SI)(R10*2), SI
	DECQ R8
	JNZ  in2_rows
	VZEROUPPER
	RET

// func winoOutAdj2AVX2(gm, stage []float32, np, th, tw, sm, st int)
//
// winoOutAdjAVX2 on two blocks at once, the stages at stage and stage[np:] giving
// filters 0..7 and 8..15 of gm: each tile's stores fill whole 64-byte lines.
TEXT ·winoOutAdj2AVX2(SB), NOSPLIT, $0-88
	MOVQ   gm_base+0(FP), DI
	MOVQ   stage_base+24(FP), SI
	MOVQ   th+56(FP), R8
	MOVQ   tw+64(FP), R9
	MOVQ   sm+72(FP), R11
	MOVQ   st+80(FP), R12
	MOVQ   R9, R10
	SHLQ   $6, R10
	SHLQ   $2, R11
	SHLQ   $2, R12
	LEAQ   (R11)(R11*2), R13
	VXORPS Y15, Y15, Y15

oa2_rows:
	MOVQ SI, AX
	MOVQ R9, CX

oa2_tiles:
	OATILE(0)
	MOVQ np+48(FP), BX
	LEAQ (AX)(BX*4), AX
	OATILE(32)
	MOVQ np+48(FP), BX
	SHLQ $2, BX
	SUBQ BX, AX
	ADDQ $64, AX
	ADDQ R12, DI
	DECQ CX
	JNZ  oa2_tiles
	LEAQ (SI)(R10*2), SI
	DECQ R8
	JNZ  oa2_rows
	VZEROUPPER
	RET

// func winoOut2AVX2(stage, m, bias []float32, np, th, tw, sm, st int)
//
// winoOutAVX2 on two blocks at once: filters 0..7 and 8..15 of m (bias[0:8], bias[8:16])
// into the stages at stage and stage[np:], reading whole 64-byte lines of m.
TEXT ·winoOut2AVX2(SB), NOSPLIT, $0-112
	MOVQ    stage_base+0(FP), DI
	MOVQ    m_base+24(FP), SI
	MOVQ    bias_base+48(FP), AX
	VMOVUPS (AX), Y15
	VMOVUPS 32(AX), Y14
	MOVQ    th+80(FP), R8
	MOVQ    tw+88(FP), R9
	MOVQ    sm+96(FP), R11
	MOVQ    st+104(FP), R12
	MOVQ    R9, R10
	SHLQ    $6, R10
	SHLQ    $2, R11
	SHLQ    $2, R12
	LEAQ    (R11)(R11*2), R13

o2_rows:
	MOVQ DI, AX
	MOVQ R9, CX

o2_tiles:
	OTILE(Y15)
	ADDQ $32, SI
	MOVQ np+72(FP), BX
	LEAQ (AX)(BX*4), AX
	OTILE(Y14)
	SUBQ $32, SI
	MOVQ np+72(FP), BX
	SHLQ $2, BX
	SUBQ BX, AX
	ADDQ $64, AX
	ADDQ R12, SI
	DECQ CX
	JNZ  o2_tiles
	LEAQ (DI)(R10*2), DI
	DECQ R8
	JNZ  o2_rows
	VZEROUPPER
	RET

// func winoInAdj2AVX2(plane, gv []float32, np, th, tw, wp, sv, st int)
//
// winoInAdjAVX2 on two blocks at once: channels 0..7 and 8..15 of gv onto the planes at
// plane and plane[np:], reading whole 64-byte lines of gv.
TEXT ·winoInAdj2AVX2(SB), NOSPLIT, $0-96
	MOVQ   plane_base+0(FP), DI
	MOVQ   gv_base+24(FP), SI
	MOVQ   th+56(FP), R8
	MOVQ   tw+64(FP), R9
	MOVQ   wp+72(FP), R10
	MOVQ   sv+80(FP), R11
	MOVQ   st+88(FP), R12
	SHLQ   $5, R10
	SHLQ   $2, R11
	SHLQ   $2, R12
	LEAQ   (R11)(R11*2), R13
	VXORPS Y15, Y15, Y15

ia2_rows:
	MOVQ DI, AX
	MOVQ R9, CX

ia2_tiles:
	IATILE()
	ADDQ $32, SI
	MOVQ np+48(FP), BX
	LEAQ (AX)(BX*4), AX
	IATILE()
	SUBQ $32, SI
	MOVQ np+48(FP), BX
	SHLQ $2, BX
	SUBQ BX, AX
	ADDQ $64, AX
	ADDQ R12, SI
	DECQ CX
	JNZ  ia2_tiles
	LEAQ (DI)(R10*2), DI
	DECQ R8
	JNZ  ia2_rows
	VZEROUPPER
	RET
