//go:build amd64 && !purego

#include "textflag.h"

// func addToAVX2(dst, src []float32)
// len(dst) is a multiple of 8: 32 lanes a step, then 8.
TEXT ·addToAVX2(SB), NOSPLIT, $0-48
	MOVQ dst_base+0(FP), DI
	MOVQ dst_len+8(FP), CX
	MOVQ src_base+24(FP), SI
	MOVQ CX, BX
	SHRQ $5, BX
	JZ   eights

loop32:
	VMOVUPS (DI), Y0
	VMOVUPS 32(DI), Y1
	VMOVUPS 64(DI), Y2
	VMOVUPS 96(DI), Y3
	VADDPS  (SI), Y0, Y0
	VADDPS  32(SI), Y1, Y1
	VADDPS  64(SI), Y2, Y2
	VADDPS  96(SI), Y3, Y3
	VMOVUPS Y0, (DI)
	VMOVUPS Y1, 32(DI)
	VMOVUPS Y2, 64(DI)
	VMOVUPS Y3, 96(DI)
	ADDQ    $128, DI
	ADDQ    $128, SI
	DECQ    BX
	JNZ     loop32

eights:
	ANDQ $31, CX
	SHRQ $3, CX
	JZ   done

loop8:
	VMOVUPS (DI), Y0
	VADDPS  (SI), Y0, Y0
	VMOVUPS Y0, (DI)
	ADDQ    $32, DI
	ADDQ    $32, SI
	DECQ    CX
	JNZ     loop8

done:
	VZEROUPPER
	RET

// func reluAVX2(y, x []float32)
// y = max(x, 0) bit for bit as Go computes it on amd64 (-min(-x, -0)): VMAXPS keeps x when
// it is NaN (its second source), and clearing the sign bit turns -0 into +0 and gives a NaN
// Go's sign (payload kept, not quieted). len(y) is a multiple of 8.
TEXT ·reluAVX2(SB), NOSPLIT, $0-48
	MOVQ   y_base+0(FP), DI
	MOVQ   y_len+8(FP), CX
	MOVQ   x_base+24(FP), SI
	VXORPS   Y15, Y15, Y15
	VPCMPEQD Y14, Y14, Y14
	VPSRLD   $1, Y14, Y14 // 0x7fffffff: every bit but the sign
	SHRQ     $3, CX
	JZ       rdone

rloop:
	VMOVUPS (SI), Y0
	VMAXPS  Y0, Y15, Y0
	VANDPS  Y14, Y0, Y0
	VMOVUPS Y0, (DI)
	ADDQ    $32, SI
	ADDQ    $32, DI
	DECQ    CX
	JNZ     rloop

rdone:
	VZEROUPPER
	RET

// func reluGradAVX2(out, gy, x []float32, slope float32)
// out = gy where x > 0 (as bits: not negative and not +0), else slope*gy: the mask is
// (bits(x)-1)>>31 | bits(x)>>31, arithmetic shifts, as reluGrad32 computes it.
// len(out) is a multiple of 8.
TEXT ·reluGradAVX2(SB), NOSPLIT, $0-76
	MOVQ         out_base+0(FP), DI
	MOVQ         out_len+8(FP), CX
	MOVQ         gy_base+24(FP), SI
	MOVQ         x_base+48(FP), DX
	VBROADCASTSS slope+72(FP), Y14
	VPCMPEQD     Y15, Y15, Y15 // -1 in every lane
	SHRQ         $3, CX
	JZ           gdone

gloop:
	VMOVUPS (DX), Y0          // x's bits
	VMOVUPS (SI), Y1          // gy
	VPADDD  Y15, Y0, Y2       // bits - 1
	VPSRAD  $31, Y2, Y2
	VPSRAD  $31, Y0, Y3
	VPOR    Y3, Y2, Y2        // all ones where x <= 0
	VMULPS  Y14, Y1, Y4       // slope gy
	VANDNPS Y1, Y2, Y5        // gy where x > 0
	VANDPS  Y2, Y4, Y4        // slope gy elsewhere
	VORPS   Y4, Y5, Y5
	VMOVUPS Y5, (DI)
	ADDQ    $32, DX
	ADDQ    $32, SI
	ADDQ    $32, DI
	DECQ    CX
	JNZ     gloop

gdone:
	VZEROUPPER
	RET

// func copyRowsAVX2(dst, src []float32, rows, n, ds, ss int)
// Copies rows runs of n >= 8 values, src row r at r*ss, dst row r at r*ds; a run's last
// values, when n is not a multiple of 8, are copied as the last 8 again.
TEXT ·copyRowsAVX2(SB), NOSPLIT, $0-80
	MOVQ dst_base+0(FP), DI
	MOVQ src_base+24(FP), SI
	MOVQ rows+48(FP), R8
	MOVQ n+56(FP), R9
	MOVQ ds+64(FP), R10
	MOVQ ss+72(FP), R11
	SHLQ $2, R10
	SHLQ $2, R11
	LEAQ -32(R9*4), R12          // offset of the last 8 values, in bytes
	TESTQ R8, R8
	JZ   cdone

crow:
	XORQ AX, AX
	MOVQ R9, CX
	SHRQ $3, CX

cblock:
	VMOVUPS (SI)(AX*1), Y0
	VMOVUPS Y0, (DI)(AX*1)
	ADDQ $32, AX
	DECQ CX
	JNZ  cblock
	VMOVUPS (SI)(R12*1), Y0       // the tail (or the last block again)
	VMOVUPS Y0, (DI)(R12*1)
	ADDQ R11, SI
	ADDQ R10, DI
	DECQ R8
	JNZ  crow

cdone:
	VZEROUPPER
	RET

// BINARY defines func NAME(y, a, b []float32): y[i] = a[i] OP b[i], IEEE as Go computes it
// one element at a time (the vector instructions round each lane alike). len(y) is a
// multiple of 8, a and b at least as long: 32 lanes a step, then 8.
#define BINARY(NAME, OP) \
TEXT NAME(SB), NOSPLIT, $0-72 \
	MOVQ y_base+0(FP), DI \
	MOVQ y_len+8(FP), CX \
	MOVQ a_base+24(FP), SI \
	MOVQ b_base+48(FP), DX \
	MOVQ CX, BX \
	SHRQ $5, BX \
	JZ   eights \
loop32: \
	VMOVUPS (SI), Y0 \
	VMOVUPS 32(SI), Y1 \
	VMOVUPS 64(SI), Y2 \
	VMOVUPS 96(SI), Y3 \
	OP      (DX), Y0, Y0 \
	OP      32(DX), Y1, Y1 \
	OP      64(DX), Y2, Y2 \
	OP      96(DX), Y3, Y3 \
	VMOVUPS Y0, (DI) \
	VMOVUPS Y1, 32(DI) \
	VMOVUPS Y2, 64(DI) \
	VMOVUPS Y3, 96(DI) \
	ADDQ    $128, SI \
	ADDQ    $128, DX \
	ADDQ    $128, DI \
	DECQ    BX \
	JNZ     loop32 \
eights: \
	ANDQ $31, CX \
	SHRQ $3, CX \
	JZ   done \
loop8: \
	VMOVUPS (SI), Y0 \
	OP      (DX), Y0, Y0 \
	VMOVUPS Y0, (DI) \
	ADDQ    $32, SI \
	ADDQ    $32, DX \
	ADDQ    $32, DI \
	DECQ    CX \
	JNZ     loop8 \
done: \
	VZEROUPPER \
	RET

BINARY(·addAVX2, VADDPS)
BINARY(·subAVX2, VSUBPS)
BINARY(·mulAVX2, VMULPS)

// func sum8AVX2(v []float32, s *[8]float32)
// Adds v (len a multiple of 8) into s lane by lane: s[i] += v[i], v[8+i], v[16+i], ... in
// that order, one chain per lane, as sumK's eight scalar partial sums do.
TEXT ·sum8AVX2(SB), NOSPLIT, $0-32
	MOVQ    v_base+0(FP), SI
	MOVQ    v_len+8(FP), CX
	MOVQ    s+24(FP), DI
	VMOVUPS (DI), Y0
	SHRQ    $3, CX
	JZ      sdone

sloop:
	VADDPS (SI), Y0, Y0
	ADDQ   $32, SI
	DECQ   CX
	JNZ    sloop

sdone:
	VMOVUPS Y0, (DI)
	VZEROUPPER
	RET
