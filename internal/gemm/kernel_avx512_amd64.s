//go:build amd64 && !purego && !(openblas && cgo)

#include "textflag.h"

// The AVX-512 kernels: a 14x32 float32 tile and a 14x16 float64 tile, both
// 28 zmm accumulators updated by 28 VFMADD231 per k step. They take the
// arguments of the AVX2 kernels (kernel_amd64.s) and compute every element
// with the same operations in the same order (a chain of FMAs along k from
// zero, a multiply by alpha, then one FMA with beta*C), so their results are
// bit for bit those of the AVX2 kernels.
//
// Register plan. SI walks rows 0-6 of the A sliver and R10 rows 7-13 (R10 is
// SI + 7*rsa): row i of a pointer is at 0, rsa, 2rsa, 3rsa, 4rsa, 5rsa or
// 6rsa from it, with R11, R12 and R13 holding rsa, 3*rsa and 5*rsa (bytes);
// R14 holds csa. Row p of the B sliver is at DI + p*rsb, AX holding rsb. DX
// points at the C tile, R8 holds ldc (bytes). Z0, Z1 hold one row of B (the
// left and right 64 bytes), Z2, Z3 two broadcast values of A, and Z4..Z31
// the 14x2 vectors of accumulators: row r of the C tile lives in Z(4+2r)
// (left) and Z(5+2r) (right).
//
// As in the AVX2 kernels there are three main loops, unrolled four times:
// packed slivers of A and B with constant offsets, A slivers whose rows are
// contiguous (packed, or A^T read in place) with any strides, and the
// general one, which also reads A in place untransposed. When the tile has
// at most half its columns (nr <= 16 float32, <= 8 float64: the 16 output
// channels of a convolution) a second set of loops computes only the left
// vectors, half the work; the right accumulators stay zero and are not
// stored. Partial tiles are stored through the lane masks K1 and K2, which
// also keep masked-off lanes from being read or written.

// LOAD_STRIDES loads the strides; shift is log2 of the element size.
#define LOAD_STRIDES(shift) \
	MOVQ rsa+32(FP), R11;       \
	SHLQ $shift, R11;           \
	LEAQ (R11)(R11*2), R12;     \
	LEAQ (R11)(R11*4), R13;     \
	MOVQ csa+40(FP), R14;       \
	SHLQ $shift, R14;           \
	MOVQ ldc+112(FP), R8;       \
	SHLQ $shift, R8

// LOAD_TILE loads what changes from tile to tile: k, the sliver pointers,
// the C pointer and rsb (AX is reused by the stores).
#define LOAD_TILE(shift) \
	MOVQ k+0(FP), CX;           \
	MOVQ a_base+8(FP), SI;      \
	MOVQ b_base+56(FP), DI;     \
	MOVQ rsb+80(FP), AX;        \
	SHLQ $shift, AX;            \
	MOVQ c_base+88(FP), DX

// SECOND_A points R10 at row 7 of the A sliver.
#define SECOND_A \
	LEAQ (SI)(R12*2), R10; \
	ADDQ R11, R10

// ADVANCE moves SI and DI on by one k step; ADVANCE2 moves R10 too.
#define ADVANCE \
	ADDQ R14, SI; \
	ADDQ AX, DI

#define ADVANCE2 \
	ADDQ R14, SI;  \
	ADDQ R14, R10; \
	ADDQ AX, DI

// PREFETCH_C14 pulls the 14 rows of the C tile (128 bytes each) into L1.
#define PREFETCH_C14 \
	MOVQ       DX, R9;    \
	MOVQ       $14, BX;   \
	PREFETCHT0 (R9);      \
	PREFETCHT0 64(R9);    \
	PREFETCHT0 127(R9);   \
	ADDQ       R8, R9;    \
	DECQ       BX;        \
	JNZ        -5(PC)

// Row stores. lo, hi are the accumulators of one C row; DX points at it.
// Z1 holds beta, K1 and K2 the lane masks of the left and right vectors.
#define ROW_B0(LD, lo, hi) \
	LD lo, K1, (DX); \
	LD hi, K2, 64(DX)

#define ROW_B(LDZ, LD, FMA, lo, hi) \
	LDZ (DX), K1, Z2;   \
	FMA Z2, Z1, lo;     \
	LDZ 64(DX), K2, Z3; \
	FMA Z3, Z1, hi;     \
	LD  lo, K1, (DX);   \
	LD  hi, K2, 64(DX)

// NEXT moves DX to the next C row, or jumps to done when the rows counted
// in AX are written.
#define NEXT(done) \
	DECQ AX;   \
	JZ   done; \
	ADDQ R8, DX

// The k steps. WSTEP is one general step of the full tile (28 FMAs), with
// LD, BC and FMA the load, broadcast and FMA of the element type; WSTEP_P
// the same for slivers whose rows are contiguous (rsa = es bytes), at
// constant offsets ao (A) and bo (B), without pointer updates. NSTEP and
// NSTEP_P are their narrow twins (14 FMAs, the A value broadcast from
// memory by the FMA itself).
#define WSTEP(LD, BC, FMA) \
	LD (DI), Z0; \
	LD 64(DI), Z1; \
	BC (SI), Z2; \
	BC (SI)(R11*1), Z3; \
	FMA Z0, Z2, Z4; \
	FMA Z1, Z2, Z5; \
	FMA Z0, Z3, Z6; \
	FMA Z1, Z3, Z7; \
	BC (SI)(R11*2), Z2; \
	BC (SI)(R12*1), Z3; \
	FMA Z0, Z2, Z8; \
	FMA Z1, Z2, Z9; \
	FMA Z0, Z3, Z10; \
	FMA Z1, Z3, Z11; \
	BC (SI)(R11*4), Z2; \
	BC (SI)(R13*1), Z3; \
	FMA Z0, Z2, Z12; \
	FMA Z1, Z2, Z13; \
	FMA Z0, Z3, Z14; \
	FMA Z1, Z3, Z15; \
	BC (SI)(R12*2), Z2; \
	BC (R10), Z3; \
	FMA Z0, Z2, Z16; \
	FMA Z1, Z2, Z17; \
	FMA Z0, Z3, Z18; \
	FMA Z1, Z3, Z19; \
	BC (R10)(R11*1), Z2; \
	BC (R10)(R11*2), Z3; \
	FMA Z0, Z2, Z20; \
	FMA Z1, Z2, Z21; \
	FMA Z0, Z3, Z22; \
	FMA Z1, Z3, Z23; \
	BC (R10)(R12*1), Z2; \
	BC (R10)(R11*4), Z3; \
	FMA Z0, Z2, Z24; \
	FMA Z1, Z2, Z25; \
	FMA Z0, Z3, Z26; \
	FMA Z1, Z3, Z27; \
	BC (R10)(R13*1), Z2; \
	BC (R10)(R12*2), Z3; \
	FMA Z0, Z2, Z28; \
	FMA Z1, Z2, Z29; \
	FMA Z0, Z3, Z30; \
	FMA Z1, Z3, Z31; \
	ADVANCE2

#define WSTEP_P(ao, bo, es, LD, BC, FMA) \
	LD bo(DI), Z0; \
	LD bo+64(DI), Z1; \
	BC ao+0*es(SI), Z2; \
	BC ao+1*es(SI), Z3; \
	FMA Z0, Z2, Z4; \
	FMA Z1, Z2, Z5; \
	FMA Z0, Z3, Z6; \
	FMA Z1, Z3, Z7; \
	BC ao+2*es(SI), Z2; \
	BC ao+3*es(SI), Z3; \
	FMA Z0, Z2, Z8; \
	FMA Z1, Z2, Z9; \
	FMA Z0, Z3, Z10; \
	FMA Z1, Z3, Z11; \
	BC ao+4*es(SI), Z2; \
	BC ao+5*es(SI), Z3; \
	FMA Z0, Z2, Z12; \
	FMA Z1, Z2, Z13; \
	FMA Z0, Z3, Z14; \
	FMA Z1, Z3, Z15; \
	BC ao+6*es(SI), Z2; \
	BC ao+7*es(SI), Z3; \
	FMA Z0, Z2, Z16; \
	FMA Z1, Z2, Z17; \
	FMA Z0, Z3, Z18; \
	FMA Z1, Z3, Z19; \
	BC ao+8*es(SI), Z2; \
	BC ao+9*es(SI), Z3; \
	FMA Z0, Z2, Z20; \
	FMA Z1, Z2, Z21; \
	FMA Z0, Z3, Z22; \
	FMA Z1, Z3, Z23; \
	BC ao+10*es(SI), Z2; \
	BC ao+11*es(SI), Z3; \
	FMA Z0, Z2, Z24; \
	FMA Z1, Z2, Z25; \
	FMA Z0, Z3, Z26; \
	FMA Z1, Z3, Z27; \
	BC ao+12*es(SI), Z2; \
	BC ao+13*es(SI), Z3; \
	FMA Z0, Z2, Z28; \
	FMA Z1, Z2, Z29; \
	FMA Z0, Z3, Z30; \
	FMA Z1, Z3, Z31

#define NSTEP(LD, FMAB) \
	LD (DI), Z0; \
	FMAB (SI), Z0, Z4; \
	FMAB (SI)(R11*1), Z0, Z6; \
	FMAB (SI)(R11*2), Z0, Z8; \
	FMAB (SI)(R12*1), Z0, Z10; \
	FMAB (SI)(R11*4), Z0, Z12; \
	FMAB (SI)(R13*1), Z0, Z14; \
	FMAB (SI)(R12*2), Z0, Z16; \
	FMAB (R10), Z0, Z18; \
	FMAB (R10)(R11*1), Z0, Z20; \
	FMAB (R10)(R11*2), Z0, Z22; \
	FMAB (R10)(R12*1), Z0, Z24; \
	FMAB (R10)(R11*4), Z0, Z26; \
	FMAB (R10)(R13*1), Z0, Z28; \
	FMAB (R10)(R12*2), Z0, Z30; \
	ADVANCE2

#define NSTEP_P(ao, bo, es, LD, FMAB) \
	LD bo(DI), Z0; \
	FMAB ao+0*es(SI), Z0, Z4; \
	FMAB ao+1*es(SI), Z0, Z6; \
	FMAB ao+2*es(SI), Z0, Z8; \
	FMAB ao+3*es(SI), Z0, Z10; \
	FMAB ao+4*es(SI), Z0, Z12; \
	FMAB ao+5*es(SI), Z0, Z14; \
	FMAB ao+6*es(SI), Z0, Z16; \
	FMAB ao+7*es(SI), Z0, Z18; \
	FMAB ao+8*es(SI), Z0, Z20; \
	FMAB ao+9*es(SI), Z0, Z22; \
	FMAB ao+10*es(SI), Z0, Z24; \
	FMAB ao+11*es(SI), Z0, Z26; \
	FMAB ao+12*es(SI), Z0, Z28; \
	FMAB ao+13*es(SI), Z0, Z30

#define ZERO_ACC28 \
	VPXORD Z4, Z4, Z4; \
	VPXORD Z5, Z5, Z5; \
	VPXORD Z6, Z6, Z6; \
	VPXORD Z7, Z7, Z7; \
	VPXORD Z8, Z8, Z8; \
	VPXORD Z9, Z9, Z9; \
	VPXORD Z10, Z10, Z10; \
	VPXORD Z11, Z11, Z11; \
	VPXORD Z12, Z12, Z12; \
	VPXORD Z13, Z13, Z13; \
	VPXORD Z14, Z14, Z14; \
	VPXORD Z15, Z15, Z15; \
	VPXORD Z16, Z16, Z16; \
	VPXORD Z17, Z17, Z17; \
	VPXORD Z18, Z18, Z18; \
	VPXORD Z19, Z19, Z19; \
	VPXORD Z20, Z20, Z20; \
	VPXORD Z21, Z21, Z21; \
	VPXORD Z22, Z22, Z22; \
	VPXORD Z23, Z23, Z23; \
	VPXORD Z24, Z24, Z24; \
	VPXORD Z25, Z25, Z25; \
	VPXORD Z26, Z26, Z26; \
	VPXORD Z27, Z27, Z27; \
	VPXORD Z28, Z28, Z28; \
	VPXORD Z29, Z29, Z29; \
	VPXORD Z30, Z30, Z30; \
	VPXORD Z31, Z31, Z31

#define SCALE_ACC28(op) \
	op Z0, Z4, Z4; \
	op Z0, Z5, Z5; \
	op Z0, Z6, Z6; \
	op Z0, Z7, Z7; \
	op Z0, Z8, Z8; \
	op Z0, Z9, Z9; \
	op Z0, Z10, Z10; \
	op Z0, Z11, Z11; \
	op Z0, Z12, Z12; \
	op Z0, Z13, Z13; \
	op Z0, Z14, Z14; \
	op Z0, Z15, Z15; \
	op Z0, Z16, Z16; \
	op Z0, Z17, Z17; \
	op Z0, Z18, Z18; \
	op Z0, Z19, Z19; \
	op Z0, Z20, Z20; \
	op Z0, Z21, Z21; \
	op Z0, Z22, Z22; \
	op Z0, Z23, Z23; \
	op Z0, Z24, Z24; \
	op Z0, Z25, Z25; \
	op Z0, Z26, Z26; \
	op Z0, Z27, Z27; \
	op Z0, Z28, Z28; \
	op Z0, Z29, Z29; \
	op Z0, Z30, Z30; \
	op Z0, Z31, Z31


// func sgemmKernelAVX512(k int, a []float32, rsa, csa, sa int, b []float32, rsb int, c []float32, ldc int, alpha, beta float32, tiles, mrLast, nr int)
TEXT ·sgemmKernelAVX512(SB), NOSPLIT, $0-152
	LOAD_STRIDES(2)

stile:
	LOAD_TILE(2)
	PREFETCH_C14
	ZERO_ACC28

	MOVQ CX, BX
	SHRQ $2, BX
	CMPQ nr+144(FP), $16
	JLE  snarrow
	TESTQ BX, BX
	JZ   stail
	CMPQ R11, $4
	JNE  sgen4
	CMPQ R14, $56
	JNE  scont4
	CMPQ AX, $128
	JNE  scont4

spack4:
	WSTEP_P(0, 0, 4, VMOVUPS, VBROADCASTSS, VFMADD231PS)
	WSTEP_P(56, 128, 4, VMOVUPS, VBROADCASTSS, VFMADD231PS)
	WSTEP_P(112, 256, 4, VMOVUPS, VBROADCASTSS, VFMADD231PS)
	WSTEP_P(168, 384, 4, VMOVUPS, VBROADCASTSS, VFMADD231PS)
	ADDQ $224, SI
	ADDQ $512, DI
	DECQ BX
	JNZ  spack4
	JMP  stail

scont4:
	WSTEP_P(0, 0, 4, VMOVUPS, VBROADCASTSS, VFMADD231PS)
	ADVANCE
	WSTEP_P(0, 0, 4, VMOVUPS, VBROADCASTSS, VFMADD231PS)
	ADVANCE
	WSTEP_P(0, 0, 4, VMOVUPS, VBROADCASTSS, VFMADD231PS)
	ADVANCE
	WSTEP_P(0, 0, 4, VMOVUPS, VBROADCASTSS, VFMADD231PS)
	ADVANCE
	DECQ BX
	JNZ  scont4
	JMP  stail

sgen4:
	SECOND_A
sgen4loop:
	WSTEP(VMOVUPS, VBROADCASTSS, VFMADD231PS)
	WSTEP(VMOVUPS, VBROADCASTSS, VFMADD231PS)
	WSTEP(VMOVUPS, VBROADCASTSS, VFMADD231PS)
	WSTEP(VMOVUPS, VBROADCASTSS, VFMADD231PS)
	DECQ BX
	JNZ  sgen4loop

stail:
	ANDQ $3, CX
	JZ   sstore
	SECOND_A

sloop1:
	WSTEP(VMOVUPS, VBROADCASTSS, VFMADD231PS)
	DECQ CX
	JNZ  sloop1
	JMP  sstore

	// At most 16 columns: only the left vector of each row is computed.
snarrow:
	TESTQ BX, BX
	JZ   sntail
	CMPQ R11, $4
	JNE  sngen4
	CMPQ R14, $56
	JNE  sncont4
	CMPQ AX, $128
	JNE  sncont4

snpack4:
	NSTEP_P(0, 0, 4, VMOVUPS, VFMADD231PS.BCST)
	NSTEP_P(56, 128, 4, VMOVUPS, VFMADD231PS.BCST)
	NSTEP_P(112, 256, 4, VMOVUPS, VFMADD231PS.BCST)
	NSTEP_P(168, 384, 4, VMOVUPS, VFMADD231PS.BCST)
	ADDQ $224, SI
	ADDQ $512, DI
	DECQ BX
	JNZ  snpack4
	JMP  sntail

sncont4:
	NSTEP_P(0, 0, 4, VMOVUPS, VFMADD231PS.BCST)
	ADVANCE
	NSTEP_P(0, 0, 4, VMOVUPS, VFMADD231PS.BCST)
	ADVANCE
	NSTEP_P(0, 0, 4, VMOVUPS, VFMADD231PS.BCST)
	ADVANCE
	NSTEP_P(0, 0, 4, VMOVUPS, VFMADD231PS.BCST)
	ADVANCE
	DECQ BX
	JNZ  sncont4
	JMP  sntail

sngen4:
	SECOND_A
sngen4loop:
	NSTEP(VMOVUPS, VFMADD231PS.BCST)
	NSTEP(VMOVUPS, VFMADD231PS.BCST)
	NSTEP(VMOVUPS, VFMADD231PS.BCST)
	NSTEP(VMOVUPS, VFMADD231PS.BCST)
	DECQ BX
	JNZ  sngen4loop

sntail:
	ANDQ $3, CX
	JZ   sstore
	SECOND_A

snloop1:
	NSTEP(VMOVUPS, VFMADD231PS.BCST)
	DECQ CX
	JNZ  snloop1

sstore:
	VBROADCASTSS alpha+120(FP), Z0
	SCALE_ACC28(VMULPS)
	VBROADCASTSS beta+124(FP), Z1
	// Lane masks: K1 for the first 16 columns, K2 for the rest.
	MOVQ  nr+144(FP), CX
	MOVQ  $1, R9
	SHLQ  CX, R9
	DECQ  R9
	KMOVW R9, K1
	SHRQ  $16, R9
	KMOVW R9, K2
	MOVQ    $14, AX
	MOVQ    mrLast+136(FP), R9
	CMPQ    tiles+128(FP), $1
	CMOVQEQ R9, AX
	VXORPS X2, X2, X2
	VUCOMISS X2, X1
	JNE     sbeta
	JPS     sbeta

	// beta == 0: C is written, never read.
	ROW_B0(VMOVUPS, Z4, Z5)
	NEXT(snext)
	ROW_B0(VMOVUPS, Z6, Z7)
	NEXT(snext)
	ROW_B0(VMOVUPS, Z8, Z9)
	NEXT(snext)
	ROW_B0(VMOVUPS, Z10, Z11)
	NEXT(snext)
	ROW_B0(VMOVUPS, Z12, Z13)
	NEXT(snext)
	ROW_B0(VMOVUPS, Z14, Z15)
	NEXT(snext)
	ROW_B0(VMOVUPS, Z16, Z17)
	NEXT(snext)
	ROW_B0(VMOVUPS, Z18, Z19)
	NEXT(snext)
	ROW_B0(VMOVUPS, Z20, Z21)
	NEXT(snext)
	ROW_B0(VMOVUPS, Z22, Z23)
	NEXT(snext)
	ROW_B0(VMOVUPS, Z24, Z25)
	NEXT(snext)
	ROW_B0(VMOVUPS, Z26, Z27)
	NEXT(snext)
	ROW_B0(VMOVUPS, Z28, Z29)
	NEXT(snext)
	ROW_B0(VMOVUPS, Z30, Z31)
	JMP snext

sbeta:
	ROW_B(VMOVUPS.Z, VMOVUPS, VFMADD231PS, Z4, Z5)
	NEXT(snext)
	ROW_B(VMOVUPS.Z, VMOVUPS, VFMADD231PS, Z6, Z7)
	NEXT(snext)
	ROW_B(VMOVUPS.Z, VMOVUPS, VFMADD231PS, Z8, Z9)
	NEXT(snext)
	ROW_B(VMOVUPS.Z, VMOVUPS, VFMADD231PS, Z10, Z11)
	NEXT(snext)
	ROW_B(VMOVUPS.Z, VMOVUPS, VFMADD231PS, Z12, Z13)
	NEXT(snext)
	ROW_B(VMOVUPS.Z, VMOVUPS, VFMADD231PS, Z14, Z15)
	NEXT(snext)
	ROW_B(VMOVUPS.Z, VMOVUPS, VFMADD231PS, Z16, Z17)
	NEXT(snext)
	ROW_B(VMOVUPS.Z, VMOVUPS, VFMADD231PS, Z18, Z19)
	NEXT(snext)
	ROW_B(VMOVUPS.Z, VMOVUPS, VFMADD231PS, Z20, Z21)
	NEXT(snext)
	ROW_B(VMOVUPS.Z, VMOVUPS, VFMADD231PS, Z22, Z23)
	NEXT(snext)
	ROW_B(VMOVUPS.Z, VMOVUPS, VFMADD231PS, Z24, Z25)
	NEXT(snext)
	ROW_B(VMOVUPS.Z, VMOVUPS, VFMADD231PS, Z26, Z27)
	NEXT(snext)
	ROW_B(VMOVUPS.Z, VMOVUPS, VFMADD231PS, Z28, Z29)
	NEXT(snext)
	ROW_B(VMOVUPS.Z, VMOVUPS, VFMADD231PS, Z30, Z31)
	JMP snext

snext:
	// On to the next tile, if any: move the A sliver and C tile arguments.
	DECQ    tiles+128(FP)
	JZ      sdone
	MOVQ    sa+48(FP), R9
	SHLQ    $2, R9
	ADDQ    R9, a_base+8(FP)
	IMUL3Q  $14, R8, R9
	ADDQ    R9, c_base+88(FP)
	JMP     stile

sdone:
	VZEROUPPER
	RET


// func dgemmKernelAVX512(k int, a []float64, rsa, csa, sa int, b []float64, rsb int, c []float64, ldc int, alpha, beta float64, tiles, mrLast, nr int)
TEXT ·dgemmKernelAVX512(SB), NOSPLIT, $0-160
	LOAD_STRIDES(3)

dtile:
	LOAD_TILE(3)
	PREFETCH_C14
	ZERO_ACC28

	MOVQ CX, BX
	SHRQ $2, BX
	CMPQ nr+152(FP), $8
	JLE  dnarrow
	TESTQ BX, BX
	JZ   dtail
	CMPQ R11, $8
	JNE  dgen4
	CMPQ R14, $112
	JNE  dcont4
	CMPQ AX, $128
	JNE  dcont4

dpack4:
	WSTEP_P(0, 0, 8, VMOVUPD, VBROADCASTSD, VFMADD231PD)
	WSTEP_P(112, 128, 8, VMOVUPD, VBROADCASTSD, VFMADD231PD)
	WSTEP_P(224, 256, 8, VMOVUPD, VBROADCASTSD, VFMADD231PD)
	WSTEP_P(336, 384, 8, VMOVUPD, VBROADCASTSD, VFMADD231PD)
	ADDQ $448, SI
	ADDQ $512, DI
	DECQ BX
	JNZ  dpack4
	JMP  dtail

dcont4:
	WSTEP_P(0, 0, 8, VMOVUPD, VBROADCASTSD, VFMADD231PD)
	ADVANCE
	WSTEP_P(0, 0, 8, VMOVUPD, VBROADCASTSD, VFMADD231PD)
	ADVANCE
	WSTEP_P(0, 0, 8, VMOVUPD, VBROADCASTSD, VFMADD231PD)
	ADVANCE
	WSTEP_P(0, 0, 8, VMOVUPD, VBROADCASTSD, VFMADD231PD)
	ADVANCE
	DECQ BX
	JNZ  dcont4
	JMP  dtail

dgen4:
	SECOND_A
dgen4loop:
	WSTEP(VMOVUPD, VBROADCASTSD, VFMADD231PD)
	WSTEP(VMOVUPD, VBROADCASTSD, VFMADD231PD)
	WSTEP(VMOVUPD, VBROADCASTSD, VFMADD231PD)
	WSTEP(VMOVUPD, VBROADCASTSD, VFMADD231PD)
	DECQ BX
	JNZ  dgen4loop

dtail:
	ANDQ $3, CX
	JZ   dstore
	SECOND_A

dloop1:
	WSTEP(VMOVUPD, VBROADCASTSD, VFMADD231PD)
	DECQ CX
	JNZ  dloop1
	JMP  dstore

	// At most 8 columns: only the left vector of each row is computed.
dnarrow:
	TESTQ BX, BX
	JZ   dntail
	CMPQ R11, $8
	JNE  dngen4
	CMPQ R14, $112
	JNE  dncont4
	CMPQ AX, $128
	JNE  dncont4

dnpack4:
	NSTEP_P(0, 0, 8, VMOVUPD, VFMADD231PD.BCST)
	NSTEP_P(112, 128, 8, VMOVUPD, VFMADD231PD.BCST)
	NSTEP_P(224, 256, 8, VMOVUPD, VFMADD231PD.BCST)
	NSTEP_P(336, 384, 8, VMOVUPD, VFMADD231PD.BCST)
	ADDQ $448, SI
	ADDQ $512, DI
	DECQ BX
	JNZ  dnpack4
	JMP  dntail

dncont4:
	NSTEP_P(0, 0, 8, VMOVUPD, VFMADD231PD.BCST)
	ADVANCE
	NSTEP_P(0, 0, 8, VMOVUPD, VFMADD231PD.BCST)
	ADVANCE
	NSTEP_P(0, 0, 8, VMOVUPD, VFMADD231PD.BCST)
	ADVANCE
	NSTEP_P(0, 0, 8, VMOVUPD, VFMADD231PD.BCST)
	ADVANCE
	DECQ BX
	JNZ  dncont4
	JMP  dntail

dngen4:
	SECOND_A
dngen4loop:
	NSTEP(VMOVUPD, VFMADD231PD.BCST)
	NSTEP(VMOVUPD, VFMADD231PD.BCST)
	NSTEP(VMOVUPD, VFMADD231PD.BCST)
	NSTEP(VMOVUPD, VFMADD231PD.BCST)
	DECQ BX
	JNZ  dngen4loop

dntail:
	ANDQ $3, CX
	JZ   dstore
	SECOND_A

dnloop1:
	NSTEP(VMOVUPD, VFMADD231PD.BCST)
	DECQ CX
	JNZ  dnloop1

dstore:
	VBROADCASTSD alpha+120(FP), Z0
	SCALE_ACC28(VMULPD)
	VBROADCASTSD beta+128(FP), Z1
	// Lane masks: K1 for the first 8 columns, K2 for the rest.
	MOVQ  nr+152(FP), CX
	MOVQ  $1, R9
	SHLQ  CX, R9
	DECQ  R9
	KMOVW R9, K1
	SHRQ  $8, R9
	KMOVW R9, K2
	MOVQ    $14, AX
	MOVQ    mrLast+144(FP), R9
	CMPQ    tiles+136(FP), $1
	CMOVQEQ R9, AX
	VXORPD X2, X2, X2
	VUCOMISD X2, X1
	JNE     dbeta
	JPS     dbeta

	// beta == 0: C is written, never read.
	ROW_B0(VMOVUPD, Z4, Z5)
	NEXT(dnext)
	ROW_B0(VMOVUPD, Z6, Z7)
	NEXT(dnext)
	ROW_B0(VMOVUPD, Z8, Z9)
	NEXT(dnext)
	ROW_B0(VMOVUPD, Z10, Z11)
	NEXT(dnext)
	ROW_B0(VMOVUPD, Z12, Z13)
	NEXT(dnext)
	ROW_B0(VMOVUPD, Z14, Z15)
	NEXT(dnext)
	ROW_B0(VMOVUPD, Z16, Z17)
	NEXT(dnext)
	ROW_B0(VMOVUPD, Z18, Z19)
	NEXT(dnext)
	ROW_B0(VMOVUPD, Z20, Z21)
	NEXT(dnext)
	ROW_B0(VMOVUPD, Z22, Z23)
	NEXT(dnext)
	ROW_B0(VMOVUPD, Z24, Z25)
	NEXT(dnext)
	ROW_B0(VMOVUPD, Z26, Z27)
	NEXT(dnext)
	ROW_B0(VMOVUPD, Z28, Z29)
	NEXT(dnext)
	ROW_B0(VMOVUPD, Z30, Z31)
	JMP dnext

dbeta:
	ROW_B(VMOVUPD.Z, VMOVUPD, VFMADD231PD, Z4, Z5)
	NEXT(dnext)
	ROW_B(VMOVUPD.Z, VMOVUPD, VFMADD231PD, Z6, Z7)
	NEXT(dnext)
	ROW_B(VMOVUPD.Z, VMOVUPD, VFMADD231PD, Z8, Z9)
	NEXT(dnext)
	ROW_B(VMOVUPD.Z, VMOVUPD, VFMADD231PD, Z10, Z11)
	NEXT(dnext)
	ROW_B(VMOVUPD.Z, VMOVUPD, VFMADD231PD, Z12, Z13)
	NEXT(dnext)
	ROW_B(VMOVUPD.Z, VMOVUPD, VFMADD231PD, Z14, Z15)
	NEXT(dnext)
	ROW_B(VMOVUPD.Z, VMOVUPD, VFMADD231PD, Z16, Z17)
	NEXT(dnext)
	ROW_B(VMOVUPD.Z, VMOVUPD, VFMADD231PD, Z18, Z19)
	NEXT(dnext)
	ROW_B(VMOVUPD.Z, VMOVUPD, VFMADD231PD, Z20, Z21)
	NEXT(dnext)
	ROW_B(VMOVUPD.Z, VMOVUPD, VFMADD231PD, Z22, Z23)
	NEXT(dnext)
	ROW_B(VMOVUPD.Z, VMOVUPD, VFMADD231PD, Z24, Z25)
	NEXT(dnext)
	ROW_B(VMOVUPD.Z, VMOVUPD, VFMADD231PD, Z26, Z27)
	NEXT(dnext)
	ROW_B(VMOVUPD.Z, VMOVUPD, VFMADD231PD, Z28, Z29)
	NEXT(dnext)
	ROW_B(VMOVUPD.Z, VMOVUPD, VFMADD231PD, Z30, Z31)
	JMP dnext

dnext:
	// On to the next tile, if any: move the A sliver and C tile arguments.
	DECQ    tiles+136(FP)
	JZ      ddone
	MOVQ    sa+48(FP), R9
	SHLQ    $3, R9
	ADDQ    R9, a_base+8(FP)
	IMUL3Q  $14, R8, R9
	ADDQ    R9, c_base+88(FP)
	JMP     dtile

ddone:
	VZEROUPPER
	RET

