//go:build amd64 && !purego

#include "textflag.h"

// The Winograd F(2x2, 3x3) tile transforms of winograd_transform.go over blocks of 8
// float32 channels: each pixel of a tile is one Y register, 8 channels wide. Strides come
// in values and are turned into bytes: R10 a row of the planes, R11 the distance between
// two of the 16 transformed matrices (R13 three of them), R12 between two tiles.

// INROW stores the row i of a transformed input tile, (a_i0..a_i3 in Y0..Y3) B, at DX and
// moves DX to row i+1.
#define INROW \
	VSUBPS  Y2, Y0, Y4; \
	VADDPS  Y2, Y1, Y5; \
	VSUBPS  Y1, Y2, Y6; \
	VSUBPS  Y3, Y1, Y7; \
	VMOVUPS Y4, (DX); \
	VMOVUPS Y5, (DX)(R11*1); \
	VMOVUPS Y6, (DX)(R11*2); \
	VMOVUPS Y7, (DX)(R13*1); \
	LEAQ    (DX)(R11*4), DX

// INTILE writes the transformed tile of the 4x4 pixels at AX (BX its row 1) from off(DI)
// on, and leaves AX where it was. Its rows: a_0j = d_0j - d_2j, a_1j = d_1j + d_2j,
// a_2j = d_2j - d_1j, a_3j = d_1j - d_3j, each times B through INROW.
#define INTILE(off) \
	LEAQ (AX)(R10*1), BX; \
	LEAQ off(DI), DX; \
	VMOVUPS (AX), Y0; \
	VMOVUPS 32(AX), Y1; \
	VMOVUPS 64(AX), Y2; \
	VMOVUPS 96(AX), Y3; \
	VSUBPS  (AX)(R10*2), Y0, Y0; \
	VSUBPS  32(AX)(R10*2), Y1, Y1; \
	VSUBPS  64(AX)(R10*2), Y2, Y2; \
	VSUBPS  96(AX)(R10*2), Y3, Y3; \
	INROW; \
	VMOVUPS (BX), Y0; \
	VMOVUPS 32(BX), Y1; \
	VMOVUPS 64(BX), Y2; \
	VMOVUPS 96(BX), Y3; \
	VADDPS  (AX)(R10*2), Y0, Y0; \
	VADDPS  32(AX)(R10*2), Y1, Y1; \
	VADDPS  64(AX)(R10*2), Y2, Y2; \
	VADDPS  96(AX)(R10*2), Y3, Y3; \
	INROW; \
	VMOVUPS (AX)(R10*2), Y0; \
	VMOVUPS 32(AX)(R10*2), Y1; \
	VMOVUPS 64(AX)(R10*2), Y2; \
	VMOVUPS 96(AX)(R10*2), Y3; \
	VSUBPS  (BX), Y0, Y0; \
	VSUBPS  32(BX), Y1, Y1; \
	VSUBPS  64(BX), Y2, Y2; \
	VSUBPS  96(BX), Y3, Y3; \
	INROW; \
	VMOVUPS (BX), Y0; \
	VMOVUPS 32(BX), Y1; \
	VMOVUPS 64(BX), Y2; \
	VMOVUPS 96(BX), Y3; \
	VSUBPS  (BX)(R10*2), Y0, Y0; \
	VSUBPS  32(BX)(R10*2), Y1, Y1; \
	VSUBPS  64(BX)(R10*2), Y2, Y2; \
	VSUBPS  96(BX)(R10*2), Y3, Y3; \
	INROW

// func winoInAVX2(v, plane []float32, th, tw, wp, sv, st int)
TEXT ·winoInAVX2(SB), NOSPLIT, $0-88
	MOVQ v_base+0(FP), DI
	MOVQ plane_base+24(FP), SI
	MOVQ th+48(FP), R8
	MOVQ tw+56(FP), R9
	MOVQ wp+64(FP), R10
	MOVQ sv+72(FP), R11
	MOVQ st+80(FP), R12
	SHLQ $5, R10
	SHLQ $2, R11
	SHLQ $2, R12
	LEAQ (R11)(R11*2), R13

in_rows:
	MOVQ SI, AX
	MOVQ R9, CX

in_tiles:
	INTILE(0)
	ADDQ $64, AX
	ADDQ R12, DI
	DECQ CX
	JNZ  in_tiles
	LEAQ (SI)(R10*2), SI
	DECQ R8
	JNZ  in_rows
	VZEROUPPER
	RET

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

// BROW loads row i of a transformed gradient tile (at DX) times B^T: a = m0,
// b = m1 - m2 + m3, c = m1 + m2 - m0, d = -m3 (Y15 is zero).
#define BROW(a, b, c, d) \
	VMOVUPS (DX), a; \
	VMOVUPS (DX)(R11*1), b; \
	VSUBPS  (DX)(R11*2), b, b; \
	VADDPS  (DX)(R13*1), b, b; \
	VMOVUPS (DX)(R11*1), c; \
	VADDPS  (DX)(R11*2), c, c; \
	VSUBPS  a, c, c; \
	VSUBPS  (DX)(R13*1), Y15, d

// IATILE adds the tile B gv B^T of the transformed gradient tile at SI onto the 4x4
// pixels at AX (BX their row 1): rows 1 and 2 of b in Y0..Y7, then b1 - b2 in Y0..Y3 and
// b1 + b2 in Y4..Y7; row 0 of b: plane row 0 += b0 and d2 = b1 + b2 - b0; row 3: d1 =
// b1 - b2 + b3 and plane row 3 -= b3; then plane row 1 += d1, row 2 += d2.
#define IATILE() \
	LEAQ (AX)(R10*1), BX; \
	LEAQ    (SI)(R11*4), DX; \
	BROW(Y0, Y1, Y2, Y3); \
	LEAQ    (DX)(R11*4), DX; \
	BROW(Y4, Y5, Y6, Y7); \
	VADDPS  Y4, Y0, Y12; \
	VSUBPS  Y4, Y0, Y0; \
	VMOVAPS Y12, Y4; \
	VADDPS  Y5, Y1, Y12; \
	VSUBPS  Y5, Y1, Y1; \
	VMOVAPS Y12, Y5; \
	VADDPS  Y6, Y2, Y12; \
	VSUBPS  Y6, Y2, Y2; \
	VMOVAPS Y12, Y6; \
	VADDPS  Y7, Y3, Y12; \
	VSUBPS  Y7, Y3, Y3; \
	VMOVAPS Y12, Y7; \
	MOVQ    SI, DX; \
	BROW(Y8, Y9, Y10, Y11); \
	VSUBPS  Y8, Y4, Y4; \
	VSUBPS  Y9, Y5, Y5; \
	VSUBPS  Y10, Y6, Y6; \
	VSUBPS  Y11, Y7, Y7; \
	VADDPS  (AX), Y8, Y8; \
	VADDPS  32(AX), Y9, Y9; \
	VADDPS  64(AX), Y10, Y10; \
	VADDPS  96(AX), Y11, Y11; \
	VMOVUPS Y8, (AX); \
	VMOVUPS Y9, 32(AX); \
	VMOVUPS Y10, 64(AX); \
	VMOVUPS Y11, 96(AX); \
	LEAQ    (SI)(R11*8), DX; \
	LEAQ    (DX)(R11*4), DX; \
	BROW(Y8, Y9, Y10, Y11); \
	VADDPS  Y8, Y0, Y0; \
	VADDPS  Y9, Y1, Y1; \
	VADDPS  Y10, Y2, Y2; \
	VADDPS  Y11, Y3, Y3; \
	VMOVUPS (BX)(R10*2), Y12; \
	VSUBPS  Y8, Y12, Y12; \
	VMOVUPS Y12, (BX)(R10*2); \
	VMOVUPS 32(BX)(R10*2), Y12; \
	VSUBPS  Y9, Y12, Y12; \
	VMOVUPS Y12, 32(BX)(R10*2); \
	VMOVUPS 64(BX)(R10*2), Y12; \
	VSUBPS  Y10, Y12, Y12; \
	VMOVUPS Y12, 64(BX)(R10*2); \
	VMOVUPS 96(BX)(R10*2), Y12; \
	VSUBPS  Y11, Y12, Y12; \
	VMOVUPS Y12, 96(BX)(R10*2); \
	VADDPS  (BX), Y0, Y0; \
	VADDPS  32(BX), Y1, Y1; \
	VADDPS  64(BX), Y2, Y2; \
	VADDPS  96(BX), Y3, Y3; \
	VMOVUPS Y0, (BX); \
	VMOVUPS Y1, 32(BX); \
	VMOVUPS Y2, 64(BX); \
	VMOVUPS Y3, 96(BX); \
	VADDPS  (AX)(R10*2), Y4, Y4; \
	VADDPS  32(AX)(R10*2), Y5, Y5; \
	VADDPS  64(AX)(R10*2), Y6, Y6; \
	VADDPS  96(AX)(R10*2), Y7, Y7; \
	VMOVUPS Y4, (AX)(R10*2); \
	VMOVUPS Y5, 32(AX)(R10*2); \
	VMOVUPS Y6, 64(AX)(R10*2); \
	VMOVUPS Y7, 96(AX)(R10*2)

// func winoInAdjAVX2(plane, gv []float32, th, tw, wp, sv, st int)
TEXT ·winoInAdjAVX2(SB), NOSPLIT, $0-88
	MOVQ   plane_base+0(FP), DI
	MOVQ   gv_base+24(FP), SI
	MOVQ   th+48(FP), R8
	MOVQ   tw+56(FP), R9
	MOVQ   wp+64(FP), R10
	MOVQ   sv+72(FP), R11
	MOVQ   st+80(FP), R12
	SHLQ   $5, R10
	SHLQ   $2, R11
	SHLQ   $2, R12
	LEAQ   (R11)(R11*2), R13
	VXORPS Y15, Y15, Y15

ia_rows:
	MOVQ DI, AX
	MOVQ R9, CX

ia_tiles:
	IATILE()
	ADDQ $64, AX
	ADDQ R12, SI
	DECQ CX
	JNZ  ia_tiles
	LEAQ (DI)(R10*2), DI
	DECQ R8
	JNZ  ia_rows
	VZEROUPPER
	RET

// OTILE writes the output tile of the transformed tile at SI, plus bias (a register),
// at AX: u_0j = m_0j + m_1j + m_2j in Y4..Y7, u_1j = m_1j - m_2j - m_3j in Y8..Y11, then
// the 2x2 outputs.
#define OTILE(bias) \
	MOVQ    SI, DX; \
	VMOVUPS (DX), Y4; \
	VMOVUPS (DX)(R11*1), Y5; \
	VMOVUPS (DX)(R11*2), Y6; \
	VMOVUPS (DX)(R13*1), Y7; \
	LEAQ    (DX)(R11*4), DX; \
	VMOVUPS (DX), Y8; \
	VMOVUPS (DX)(R11*1), Y9; \
	VMOVUPS (DX)(R11*2), Y10; \
	VMOVUPS (DX)(R13*1), Y11; \
	VADDPS  Y8, Y4, Y4; \
	VADDPS  Y9, Y5, Y5; \
	VADDPS  Y10, Y6, Y6; \
	VADDPS  Y11, Y7, Y7; \
	LEAQ    (DX)(R11*4), DX; \
	VMOVUPS (DX), Y0; \
	VMOVUPS (DX)(R11*1), Y1; \
	VMOVUPS (DX)(R11*2), Y2; \
	VMOVUPS (DX)(R13*1), Y3; \
	VADDPS  Y0, Y4, Y4; \
	VADDPS  Y1, Y5, Y5; \
	VADDPS  Y2, Y6, Y6; \
	VADDPS  Y3, Y7, Y7; \
	VSUBPS  Y0, Y8, Y8; \
	VSUBPS  Y1, Y9, Y9; \
	VSUBPS  Y2, Y10, Y10; \
	VSUBPS  Y3, Y11, Y11; \
	LEAQ    (DX)(R11*4), DX; \
	VSUBPS  (DX), Y8, Y8; \
	VSUBPS  (DX)(R11*1), Y9, Y9; \
	VSUBPS  (DX)(R11*2), Y10, Y10; \
	VSUBPS  (DX)(R13*1), Y11, Y11; \
	VADDPS  Y5, Y4, Y0; \
	VADDPS  Y6, Y0, Y0; \
	VADDPS  bias, Y0, Y0; \
	VMOVUPS Y0, (AX); \
	VSUBPS  Y6, Y5, Y1; \
	VSUBPS  Y7, Y1, Y1; \
	VADDPS  bias, Y1, Y1; \
	VMOVUPS Y1, 32(AX); \
	VADDPS  Y9, Y8, Y2; \
	VADDPS  Y10, Y2, Y2; \
	VADDPS  bias, Y2, Y2; \
	VMOVUPS Y2, (AX)(R10*1); \
	VSUBPS  Y10, Y9, Y3; \
	VSUBPS  Y11, Y3, Y3; \
	VADDPS  bias, Y3, Y3; \
	VMOVUPS Y3, 32(AX)(R10*1)

// func winoOutAVX2(stage, m, bias []float32, th, tw, sm, st int)
TEXT ·winoOutAVX2(SB), NOSPLIT, $0-104
	MOVQ    stage_base+0(FP), DI
	MOVQ    m_base+24(FP), SI
	MOVQ    bias_base+48(FP), AX
	VMOVUPS (AX), Y15
	MOVQ    th+72(FP), R8
	MOVQ    tw+80(FP), R9
	MOVQ    sm+88(FP), R11
	MOVQ    st+96(FP), R12
	MOVQ    R9, R10
	SHLQ    $6, R10
	SHLQ    $2, R11
	SHLQ    $2, R12
	LEAQ    (R11)(R11*2), R13

o_rows:
	MOVQ DI, AX
	MOVQ R9, CX

o_tiles:
	OTILE(Y15)
	ADDQ $64, AX
	ADDQ R12, SI
	DECQ CX
	JNZ  o_tiles
	LEAQ (DI)(R10*2), DI
	DECQ R8
	JNZ  o_rows
	VZEROUPPER
	RET

// OAROW stores row i of a transformed output gradient tile, (a, b) A^T = (a, a+b, a-b,
// -b), at DX and moves DX to row i+1 (Y15 is zero).
#define OAROW(a, b) \
	VMOVUPS a, (DX); \
	VADDPS  b, a, Y4; \
	VMOVUPS Y4, (DX)(R11*1); \
	VSUBPS  b, a, Y5; \
	VMOVUPS Y5, (DX)(R11*2); \
	VSUBPS  b, Y15, Y6; \
	VMOVUPS Y6, (DX)(R13*1); \
	LEAQ    (DX)(R11*4), DX

// OATILE writes the transformed gradient tile of the 2x2 pixels at AX (a row of the stage
// is R10 bytes) from off(DI) on.
#define OATILE(off) \
	VMOVUPS (AX), Y0; \
	VMOVUPS 32(AX), Y1; \
	VMOVUPS (AX)(R10*1), Y2; \
	VMOVUPS 32(AX)(R10*1), Y3; \
	LEAQ    off(DI), DX; \
	OAROW(Y0, Y1); \
	VADDPS  Y2, Y0, Y8; \
	VADDPS  Y3, Y1, Y9; \
	OAROW(Y8, Y9); \
	VSUBPS  Y2, Y0, Y8; \
	VSUBPS  Y3, Y1, Y9; \
	OAROW(Y8, Y9); \
	VSUBPS  Y2, Y15, Y8; \
	VSUBPS  Y3, Y15, Y9; \
	OAROW(Y8, Y9)

// func winoOutAdjAVX2(gm, stage []float32, th, tw, sm, st int)
TEXT ·winoOutAdjAVX2(SB), NOSPLIT, $0-80
	MOVQ   gm_base+0(FP), DI
	MOVQ   stage_base+24(FP), SI
	MOVQ   th+48(FP), R8
	MOVQ   tw+56(FP), R9
	MOVQ   sm+64(FP), R11
	MOVQ   st+72(FP), R12
	MOVQ   R9, R10
	SHLQ   $6, R10
	SHLQ   $2, R11
	SHLQ   $2, R12
	LEAQ   (R11)(R11*2), R13
	VXORPS Y15, Y15, Y15

oa_rows:
	MOVQ SI, AX
	MOVQ R9, CX

oa_tiles:
	OATILE(0)
	ADDQ $64, AX
	ADDQ R12, DI
	DECQ CX
	JNZ  oa_tiles
	LEAQ (SI)(R10*2), SI
	DECQ R8
	JNZ  oa_rows
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
