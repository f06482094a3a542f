//go:build amd64 && !purego && !(openblas && cgo)

#include "textflag.h"

// maskTab holds 16 all-ones 32-bit lanes followed by 16 zero lanes. Loading
// 32 bytes at maskTab+(16-nr)*4 gives a float32 lane mask for the first nr
// columns; at maskTab+(8-nr)*8 it gives a float64 lane mask.
DATA maskTab<>+0(SB)/8, $0xffffffffffffffff
DATA maskTab<>+8(SB)/8, $0xffffffffffffffff
DATA maskTab<>+16(SB)/8, $0xffffffffffffffff
DATA maskTab<>+24(SB)/8, $0xffffffffffffffff
DATA maskTab<>+32(SB)/8, $0xffffffffffffffff
DATA maskTab<>+40(SB)/8, $0xffffffffffffffff
DATA maskTab<>+48(SB)/8, $0xffffffffffffffff
DATA maskTab<>+56(SB)/8, $0xffffffffffffffff
DATA maskTab<>+64(SB)/8, $0
DATA maskTab<>+72(SB)/8, $0
DATA maskTab<>+80(SB)/8, $0
DATA maskTab<>+88(SB)/8, $0
DATA maskTab<>+96(SB)/8, $0
DATA maskTab<>+104(SB)/8, $0
DATA maskTab<>+112(SB)/8, $0
DATA maskTab<>+120(SB)/8, $0
GLOBL maskTab<>(SB), RODATA|NOPTR, $128

// The register plan is the same for both kernels. SI walks the A sliver,
// DI the B sliver, DX the C tile. Element (i, p) of the A sliver is at
// SI + i*rsa + p*csa, so that the kernel reads packed slivers (rsa = one
// element, csa = MR elements) and A in place, transposed or not, alike:
// R11, R12 and R13 hold rsa, 3*rsa and 5*rsa (bytes), R14 holds csa. Row p
// of the B sliver is the NR contiguous elements at DI + p*rsb; AX holds rsb.
// Y0, Y1 hold one row of B, Y2, Y3 two broadcast values of A, and Y4..Y15
// the 6x2 vectors of accumulators: row r of the C tile lives in Y(4+2r)
// (left half) and Y(5+2r) (right half).

// There are three main loops, unrolled four times: one for packed slivers
// of A and B, with constant offsets; one for A slivers whose rows are
// contiguous (packed, or A^T read in place) and any strides; and the
// general one, which also reads A in place untransposed (rows lda apart) by
// indexed addressing. The remaining k%4 steps take the general step.

// SSTEP is one k step of the float32 kernel: 12 FMAs, 6x16 results.
#define SSTEP \
	VMOVUPS      (DI), Y0;         \
	VMOVUPS      32(DI), Y1;       \
	VBROADCASTSS (SI), Y2;         \
	VBROADCASTSS (SI)(R11*1), Y3;  \
	VFMADD231PS  Y0, Y2, Y4;       \
	VFMADD231PS  Y1, Y2, Y5;       \
	VFMADD231PS  Y0, Y3, Y6;       \
	VFMADD231PS  Y1, Y3, Y7;       \
	VBROADCASTSS (SI)(R11*2), Y2;  \
	VBROADCASTSS (SI)(R12*1), Y3;  \
	VFMADD231PS  Y0, Y2, Y8;       \
	VFMADD231PS  Y1, Y2, Y9;       \
	VFMADD231PS  Y0, Y3, Y10;      \
	VFMADD231PS  Y1, Y3, Y11;      \
	VBROADCASTSS (SI)(R11*4), Y2;  \
	VBROADCASTSS (SI)(R13*1), Y3;  \
	VFMADD231PS  Y0, Y2, Y12;      \
	VFMADD231PS  Y1, Y2, Y13;      \
	VFMADD231PS  Y0, Y3, Y14;      \
	VFMADD231PS  Y1, Y3, Y15;      \
	ADVANCE

// SSTEP_P is SSTEP for packed slivers: constant offsets ao and bo (bytes)
// into the A and B slivers, and no pointer updates.
#define SSTEP_P(ao, bo) \
	VMOVUPS      bo(DI), Y0;      \
	VMOVUPS      bo+32(DI), Y1;   \
	VBROADCASTSS ao(SI), Y2;      \
	VBROADCASTSS ao+4(SI), Y3;    \
	VFMADD231PS  Y0, Y2, Y4;      \
	VFMADD231PS  Y1, Y2, Y5;      \
	VFMADD231PS  Y0, Y3, Y6;      \
	VFMADD231PS  Y1, Y3, Y7;      \
	VBROADCASTSS ao+8(SI), Y2;    \
	VBROADCASTSS ao+12(SI), Y3;   \
	VFMADD231PS  Y0, Y2, Y8;      \
	VFMADD231PS  Y1, Y2, Y9;      \
	VFMADD231PS  Y0, Y3, Y10;     \
	VFMADD231PS  Y1, Y3, Y11;     \
	VBROADCASTSS ao+16(SI), Y2;   \
	VBROADCASTSS ao+20(SI), Y3;   \
	VFMADD231PS  Y0, Y2, Y12;     \
	VFMADD231PS  Y1, Y2, Y13;     \
	VFMADD231PS  Y0, Y3, Y14;     \
	VFMADD231PS  Y1, Y3, Y15

// DSTEP is one k step of the float64 kernel: 12 FMAs, 6x8 results.
#define DSTEP \
	VMOVUPD      (DI), Y0;         \
	VMOVUPD      32(DI), Y1;       \
	VBROADCASTSD (SI), Y2;         \
	VBROADCASTSD (SI)(R11*1), Y3;  \
	VFMADD231PD  Y0, Y2, Y4;       \
	VFMADD231PD  Y1, Y2, Y5;       \
	VFMADD231PD  Y0, Y3, Y6;       \
	VFMADD231PD  Y1, Y3, Y7;       \
	VBROADCASTSD (SI)(R11*2), Y2;  \
	VBROADCASTSD (SI)(R12*1), Y3;  \
	VFMADD231PD  Y0, Y2, Y8;       \
	VFMADD231PD  Y1, Y2, Y9;       \
	VFMADD231PD  Y0, Y3, Y10;      \
	VFMADD231PD  Y1, Y3, Y11;      \
	VBROADCASTSD (SI)(R11*4), Y2;  \
	VBROADCASTSD (SI)(R13*1), Y3;  \
	VFMADD231PD  Y0, Y2, Y12;      \
	VFMADD231PD  Y1, Y2, Y13;      \
	VFMADD231PD  Y0, Y3, Y14;      \
	VFMADD231PD  Y1, Y3, Y15;      \
	ADVANCE

// LOAD_ARGS loads the pointers and strides; shift is log2 of the element size.
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

// DSTEP_P is DSTEP for packed slivers, with constant offsets.
#define DSTEP_P(ao, bo) \
	VMOVUPD      bo(DI), Y0;      \
	VMOVUPD      bo+32(DI), Y1;   \
	VBROADCASTSD ao(SI), Y2;      \
	VBROADCASTSD ao+8(SI), Y3;    \
	VFMADD231PD  Y0, Y2, Y4;      \
	VFMADD231PD  Y1, Y2, Y5;      \
	VFMADD231PD  Y0, Y3, Y6;      \
	VFMADD231PD  Y1, Y3, Y7;      \
	VBROADCASTSD ao+16(SI), Y2;   \
	VBROADCASTSD ao+24(SI), Y3;   \
	VFMADD231PD  Y0, Y2, Y8;      \
	VFMADD231PD  Y1, Y2, Y9;      \
	VFMADD231PD  Y0, Y3, Y10;     \
	VFMADD231PD  Y1, Y3, Y11;     \
	VBROADCASTSD ao+32(SI), Y2;   \
	VBROADCASTSD ao+40(SI), Y3;   \
	VFMADD231PD  Y0, Y2, Y12;     \
	VFMADD231PD  Y1, Y2, Y13;     \
	VFMADD231PD  Y0, Y3, Y14;     \
	VFMADD231PD  Y1, Y3, Y15

// ADVANCE moves SI and DI on by one k step.
#define ADVANCE \
	ADDQ R14, SI; \
	ADDQ AX, DI

// Row stores. lo, hi are the accumulators of one C row; DX points at it.
// Y1 holds beta, Y2 and Y3 the lane masks of the left and right halves.
#define SROW_B0(lo, hi) \
	VMOVUPS lo, (DX); \
	VMOVUPS hi, 32(DX)

#define SROW_B(lo, hi) \
	VFMADD231PS (DX), Y1, lo;   \
	VFMADD231PS 32(DX), Y1, hi; \
	VMOVUPS     lo, (DX);       \
	VMOVUPS     hi, 32(DX)

#define SROW_MASK_B0(lo, hi) \
	VMASKMOVPS lo, Y2, (DX); \
	VMASKMOVPS hi, Y3, 32(DX)

#define SROW_MASK_B(lo, hi) \
	VMASKMOVPS  (DX), Y2, Y0;   \
	VFMADD231PS Y0, Y1, lo;     \
	VMASKMOVPS  32(DX), Y3, Y0; \
	VFMADD231PS Y0, Y1, hi;     \
	VMASKMOVPS  lo, Y2, (DX);   \
	VMASKMOVPS  hi, Y3, 32(DX)

#define DROW_B0(lo, hi) \
	VMOVUPD lo, (DX); \
	VMOVUPD hi, 32(DX)

#define DROW_B(lo, hi) \
	VFMADD231PD (DX), Y1, lo;   \
	VFMADD231PD 32(DX), Y1, hi; \
	VMOVUPD     lo, (DX);       \
	VMOVUPD     hi, 32(DX)

#define DROW_MASK_B0(lo, hi) \
	VMASKMOVPD lo, Y2, (DX); \
	VMASKMOVPD hi, Y3, 32(DX)

#define DROW_MASK_B(lo, hi) \
	VMASKMOVPD  (DX), Y2, Y0;   \
	VFMADD231PD Y0, Y1, lo;     \
	VMASKMOVPD  32(DX), Y3, Y0; \
	VFMADD231PD Y0, Y1, hi;     \
	VMASKMOVPD  lo, Y2, (DX);   \
	VMASKMOVPD  hi, Y3, 32(DX)

// NEXT moves DX to the next C row, or jumps to done when the mr rows
// counted in AX are written. (Go assembly macros cannot define labels, so
// done is a label of the function.)
#define NEXT(done) \
	DECQ AX;   \
	JZ   done; \
	ADDQ R8, DX

// PREFETCH_C pulls the 6 rows of the C tile (64 bytes each) into L1.
#define PREFETCH_C \
	MOVQ       DX, R9;     \
	PREFETCHT0 (R9);       \
	PREFETCHT0 63(R9);     \
	ADDQ       R8, R9;     \
	PREFETCHT0 (R9);       \
	PREFETCHT0 63(R9);     \
	ADDQ       R8, R9;     \
	PREFETCHT0 (R9);       \
	PREFETCHT0 63(R9);     \
	ADDQ       R8, R9;     \
	PREFETCHT0 (R9);       \
	PREFETCHT0 63(R9);     \
	ADDQ       R8, R9;     \
	PREFETCHT0 (R9);       \
	PREFETCHT0 63(R9);     \
	ADDQ       R8, R9;     \
	PREFETCHT0 (R9);       \
	PREFETCHT0 63(R9)

#define ZERO_ACC \
	VXORPS Y4, Y4, Y4;    \
	VXORPS Y5, Y5, Y5;    \
	VXORPS Y6, Y6, Y6;    \
	VXORPS Y7, Y7, Y7;    \
	VXORPS Y8, Y8, Y8;    \
	VXORPS Y9, Y9, Y9;    \
	VXORPS Y10, Y10, Y10; \
	VXORPS Y11, Y11, Y11; \
	VXORPS Y12, Y12, Y12; \
	VXORPS Y13, Y13, Y13; \
	VXORPS Y14, Y14, Y14; \
	VXORPS Y15, Y15, Y15

#define SCALE_ACC(op) \
	op Y0, Y4, Y4;   \
	op Y0, Y5, Y5;   \
	op Y0, Y6, Y6;   \
	op Y0, Y7, Y7;   \
	op Y0, Y8, Y8;   \
	op Y0, Y9, Y9;   \
	op Y0, Y10, Y10; \
	op Y0, Y11, Y11; \
	op Y0, Y12, Y12; \
	op Y0, Y13, Y13; \
	op Y0, Y14, Y14; \
	op Y0, Y15, Y15

// func sgemmKernelAVX2(k int, a []float32, rsa, csa, sa int, b []float32, rsb int, c []float32, ldc int, alpha, beta float32, tiles, mrLast, nr int)
//
// sgemmKernelAVX2 runs down a column of tiles 6x16 tiles of C. Tile t is
//
//	c[(6t+i)*ldc+j] = alpha * sum_p a[t*sa + i*rsa + p*csa]*b[p*rsb+j] + beta*c[(6t+i)*ldc+j]
//
// for i < mr (6, or mrLast in the last tile) and j < nr. It reads the whole
// 6 x k window of a for every tile and the k x 16 window of b (rows and
// columns past mr and nr feed only results it does not store); c is read
// only when beta != 0. Looping over the tiles here rather than in Go saves a
// call per tile, which matters when k is small.
TEXT ·sgemmKernelAVX2(SB), NOSPLIT, $0-152
	LOAD_STRIDES(2)

stile:
	LOAD_TILE(2)
	PREFETCH_C
	ZERO_ACC

	MOVQ CX, BX
	SHRQ $2, BX
	JZ   stail
	CMPQ R11, $4
	JNE  sloop4
	CMPQ R14, $24
	JNE  scloop4
	CMPQ AX, $64
	JNE  scloop4

sploop4:
	SSTEP_P(0, 0)
	SSTEP_P(24, 64)
	SSTEP_P(48, 128)
	SSTEP_P(72, 192)
	ADDQ $96, SI
	ADDQ $256, DI
	DECQ BX
	JNZ  sploop4
	JMP  stail

scloop4:
	SSTEP_P(0, 0)
	ADVANCE
	SSTEP_P(0, 0)
	ADVANCE
	SSTEP_P(0, 0)
	ADVANCE
	SSTEP_P(0, 0)
	ADVANCE
	DECQ BX
	JNZ  scloop4
	JMP  stail

sloop4:
	SSTEP
	SSTEP
	SSTEP
	SSTEP
	DECQ BX
	JNZ  sloop4

stail:
	ANDQ $3, CX
	JZ   sstore

sloop1:
	SSTEP
	DECQ CX
	JNZ  sloop1

sstore:
	VBROADCASTSS alpha+120(FP), Y0
	SCALE_ACC(VMULPS)
	VBROADCASTSS beta+124(FP), Y1
	MOVQ         $6, AX
	MOVQ         mrLast+136(FP), R9
	CMPQ         tiles+128(FP), $1
	CMOVQEQ      R9, AX
	MOVQ         nr+144(FP), BX
	VXORPS       X2, X2, X2
	VUCOMISS     X2, X1
	JNE          sbeta
	JPS          sbeta

	// beta == 0: C is written, never read.
	CMPQ AX, $6
	JNE  smask0
	CMPQ BX, $16
	JNE  smask0

	SROW_B0(Y4, Y5)
	ADDQ R8, DX
	SROW_B0(Y6, Y7)
	ADDQ R8, DX
	SROW_B0(Y8, Y9)
	ADDQ R8, DX
	SROW_B0(Y10, Y11)
	ADDQ R8, DX
	SROW_B0(Y12, Y13)
	ADDQ R8, DX
	SROW_B0(Y14, Y15)
	JMP  snext

smask0:
	LEAQ    maskTab<>(SB), R9
	MOVQ    $16, R10
	SUBQ    BX, R10
	VMOVDQU (R9)(R10*4), Y2
	VMOVDQU 32(R9)(R10*4), Y3
	SROW_MASK_B0(Y4, Y5)
	NEXT(snext)
	SROW_MASK_B0(Y6, Y7)
	NEXT(snext)
	SROW_MASK_B0(Y8, Y9)
	NEXT(snext)
	SROW_MASK_B0(Y10, Y11)
	NEXT(snext)
	SROW_MASK_B0(Y12, Y13)
	NEXT(snext)
	SROW_MASK_B0(Y14, Y15)
	JMP  snext

sbeta:
	CMPQ AX, $6
	JNE  smask
	CMPQ BX, $16
	JNE  smask

	SROW_B(Y4, Y5)
	ADDQ R8, DX
	SROW_B(Y6, Y7)
	ADDQ R8, DX
	SROW_B(Y8, Y9)
	ADDQ R8, DX
	SROW_B(Y10, Y11)
	ADDQ R8, DX
	SROW_B(Y12, Y13)
	ADDQ R8, DX
	SROW_B(Y14, Y15)
	JMP  snext

smask:
	LEAQ    maskTab<>(SB), R9
	MOVQ    $16, R10
	SUBQ    BX, R10
	VMOVDQU (R9)(R10*4), Y2
	VMOVDQU 32(R9)(R10*4), Y3
	SROW_MASK_B(Y4, Y5)
	NEXT(snext)
	SROW_MASK_B(Y6, Y7)
	NEXT(snext)
	SROW_MASK_B(Y8, Y9)
	NEXT(snext)
	SROW_MASK_B(Y10, Y11)
	NEXT(snext)
	SROW_MASK_B(Y12, Y13)
	NEXT(snext)
	SROW_MASK_B(Y14, Y15)
	JMP  snext

snext:
	// On to the next tile, if any: move the A sliver and C tile arguments.
	DECQ  tiles+128(FP)
	JZ    sdone
	MOVQ  sa+48(FP), R9
	SHLQ  $2, R9
	ADDQ  R9, a_base+8(FP)
	LEAQ  (R8)(R8*2), R9
	SHLQ  $1, R9
	ADDQ  R9, c_base+88(FP)
	JMP   stile

sdone:
	VZEROUPPER
	RET

// func dgemmKernelAVX2(k int, a []float64, rsa, csa, sa int, b []float64, rsb int, c []float64, ldc int, alpha, beta float64, tiles, mrLast, nr int)
//
// The float64 twin of sgemmKernelAVX2, with 6x8 tiles.
TEXT ·dgemmKernelAVX2(SB), NOSPLIT, $0-160
	LOAD_STRIDES(3)

dtile:
	LOAD_TILE(3)
	PREFETCH_C
	ZERO_ACC

	MOVQ CX, BX
	SHRQ $2, BX
	JZ   dtail
	CMPQ R11, $8
	JNE  dloop4
	CMPQ R14, $48
	JNE  dcloop4
	CMPQ AX, $64
	JNE  dcloop4

dploop4:
	DSTEP_P(0, 0)
	DSTEP_P(48, 64)
	DSTEP_P(96, 128)
	DSTEP_P(144, 192)
	ADDQ $192, SI
	ADDQ $256, DI
	DECQ BX
	JNZ  dploop4
	JMP  dtail

dcloop4:
	DSTEP_P(0, 0)
	ADVANCE
	DSTEP_P(0, 0)
	ADVANCE
	DSTEP_P(0, 0)
	ADVANCE
	DSTEP_P(0, 0)
	ADVANCE
	DECQ BX
	JNZ  dcloop4
	JMP  dtail

dloop4:
	DSTEP
	DSTEP
	DSTEP
	DSTEP
	DECQ BX
	JNZ  dloop4

dtail:
	ANDQ $3, CX
	JZ   dstore

dloop1:
	DSTEP
	DECQ CX
	JNZ  dloop1

dstore:
	VBROADCASTSD alpha+120(FP), Y0
	SCALE_ACC(VMULPD)
	VBROADCASTSD beta+128(FP), Y1
	MOVQ         $6, AX
	MOVQ         mrLast+144(FP), R9
	CMPQ         tiles+136(FP), $1
	CMOVQEQ      R9, AX
	MOVQ         nr+152(FP), BX
	VXORPD       X2, X2, X2
	VUCOMISD     X2, X1
	JNE          dbeta
	JPS          dbeta

	// beta == 0: C is written, never read.
	CMPQ AX, $6
	JNE  dmask0
	CMPQ BX, $8
	JNE  dmask0

	DROW_B0(Y4, Y5)
	ADDQ R8, DX
	DROW_B0(Y6, Y7)
	ADDQ R8, DX
	DROW_B0(Y8, Y9)
	ADDQ R8, DX
	DROW_B0(Y10, Y11)
	ADDQ R8, DX
	DROW_B0(Y12, Y13)
	ADDQ R8, DX
	DROW_B0(Y14, Y15)
	JMP  dnext

dmask0:
	LEAQ    maskTab<>(SB), R9
	MOVQ    $8, R10
	SUBQ    BX, R10
	VMOVDQU (R9)(R10*8), Y2
	VMOVDQU 32(R9)(R10*8), Y3
	DROW_MASK_B0(Y4, Y5)
	NEXT(dnext)
	DROW_MASK_B0(Y6, Y7)
	NEXT(dnext)
	DROW_MASK_B0(Y8, Y9)
	NEXT(dnext)
	DROW_MASK_B0(Y10, Y11)
	NEXT(dnext)
	DROW_MASK_B0(Y12, Y13)
	NEXT(dnext)
	DROW_MASK_B0(Y14, Y15)
	JMP  dnext

dbeta:
	CMPQ AX, $6
	JNE  dmask
	CMPQ BX, $8
	JNE  dmask

	DROW_B(Y4, Y5)
	ADDQ R8, DX
	DROW_B(Y6, Y7)
	ADDQ R8, DX
	DROW_B(Y8, Y9)
	ADDQ R8, DX
	DROW_B(Y10, Y11)
	ADDQ R8, DX
	DROW_B(Y12, Y13)
	ADDQ R8, DX
	DROW_B(Y14, Y15)
	JMP  dnext

dmask:
	LEAQ    maskTab<>(SB), R9
	MOVQ    $8, R10
	SUBQ    BX, R10
	VMOVDQU (R9)(R10*8), Y2
	VMOVDQU 32(R9)(R10*8), Y3
	DROW_MASK_B(Y4, Y5)
	NEXT(dnext)
	DROW_MASK_B(Y6, Y7)
	NEXT(dnext)
	DROW_MASK_B(Y8, Y9)
	NEXT(dnext)
	DROW_MASK_B(Y10, Y11)
	NEXT(dnext)
	DROW_MASK_B(Y12, Y13)
	NEXT(dnext)
	DROW_MASK_B(Y14, Y15)
	JMP  dnext

dnext:
	// On to the next tile, if any: move the A sliver and C tile arguments.
	DECQ  tiles+136(FP)
	JZ    ddone
	MOVQ  sa+48(FP), R9
	SHLQ  $3, R9
	ADDQ  R9, a_base+8(FP)
	LEAQ  (R8)(R8*2), R9
	SHLQ  $1, R9
	ADDQ  R9, c_base+88(FP)
	JMP   dtile

ddone:
	VZEROUPPER
	RET
