//go:build amd64 && !purego

#include "textflag.h"

// The constants, eight lanes each: the AVX2 kernels read them as memory operands, the
// AVX-512 kernels broadcast their first lane into registers. The values are those of
// generic.go, as float32 bits.
#define VEC8(name, bits) \
	DATA name+0(SB)/4, $bits; \
	DATA name+4(SB)/4, $bits; \
	DATA name+8(SB)/4, $bits; \
	DATA name+12(SB)/4, $bits; \
	DATA name+16(SB)/4, $bits; \
	DATA name+20(SB)/4, $bits; \
	DATA name+24(SB)/4, $bits; \
	DATA name+28(SB)/4, $bits; \
	GLOBL name(SB), RODATA|NOPTR, $32

VEC8(expHi<>, 0x42b20000)  // 89
VEC8(expLo<>, 0xc2d20000)  // -105
VEC8(log2e<>, 0x3fb8aa3b)  // log2(e)
VEC8(ln2Hi<>, 0x3f317218)  // ln 2 rounded to float32
VEC8(ln2Lo<>, 0xb102e308)  // ln 2 - ln2Hi
VEC8(e0<>, 0x3f000000)
VEC8(e1<>, 0x3e2aaaaa)
VEC8(e2<>, 0x3d2aaa47)
VEC8(e3<>, 0x3c088938)
VEC8(e4<>, 0x3ab6c67a)
VEC8(e5<>, 0x394f8453)
VEC8(one<>, 0x3f800000)
VEC8(two<>, 0x40000000)
VEC8(bias<>, 127)
VEC8(absMask<>, 0x7fffffff)
VEC8(signMask<>, 0x80000000)
VEC8(tanhBig<>, 0x4111999a)   // 9.1
VEC8(tanhSmall<>, 0x3f200000) // 0.625
VEC8(t0<>, 0xbeaaaaaa)
VEC8(t1<>, 0x3e088833)
VEC8(t2<>, 0xbd5cf747)
VEC8(t3<>, 0x3cb1c5a7)
VEC8(t4<>, 0xbc05fa64)
VEC8(t5<>, 0x3b0c7089)

// EXP8 sets Y0 = e^Y0, using Y1-Y4, with Y15 = 89 and Y14 = -105 (the clamps, in
// registers so that VMINPS and VMAXPS pass a NaN in Y0 through: they return their second
// source, Y0, when either is NaN). n = round(x log2 e); r = x - n ln 2 in two FMAs (the
// first exact); e^r = 1 + (r + r^2 q(r)); then 2^n as 2^(n>>1) 2^(n-(n>>1)), the first
// product exact, so that results that overflow or fall below 2^-126 are rounded once.
#define EXP8 \
	VMINPS       Y0, Y15, Y0; \
	VMAXPS       Y0, Y14, Y0; \
	VMULPS       log2e<>(SB), Y0, Y1; \
	VROUNDPS     $0, Y1, Y1; \
	VMOVAPS      Y0, Y2; \
	VFNMADD231PS ln2Hi<>(SB), Y1, Y2; \
	VFNMADD231PS ln2Lo<>(SB), Y1, Y2; \
	VMOVUPS      e5<>(SB), Y3; \
	VFMADD213PS  e4<>(SB), Y2, Y3; \
	VFMADD213PS  e3<>(SB), Y2, Y3; \
	VFMADD213PS  e2<>(SB), Y2, Y3; \
	VFMADD213PS  e1<>(SB), Y2, Y3; \
	VFMADD213PS  e0<>(SB), Y2, Y3; \
	VMULPS       Y2, Y2, Y4; \
	VFMADD213PS  Y2, Y4, Y3; \
	VADDPS       one<>(SB), Y3, Y3; \
	VCVTPS2DQ    Y1, Y1; \
	VPSRAD       $1, Y1, Y4; \
	VPSUBD       Y4, Y1, Y1; \
	VPADDD       bias<>(SB), Y4, Y4; \
	VPSLLD       $23, Y4, Y4; \
	VPADDD       bias<>(SB), Y1, Y1; \
	VPSLLD       $23, Y1, Y1; \
	VMULPS       Y4, Y3, Y3; \
	VMULPS       Y1, Y3, Y0

// func expSumAVX2(dst, src []float32, shift float32, store bool) float32
TEXT ·expSumAVX2(SB), NOSPLIT, $0-60
	MOVQ         dst_base+0(FP), DI
	MOVQ         src_base+24(FP), SI
	MOVQ         src_len+32(FP), CX
	VBROADCASTSS shift+48(FP), Y12
	MOVBQZX      store+52(FP), DX
	VMOVUPS      expHi<>(SB), Y15
	VMOVUPS      expLo<>(SB), Y14
	VXORPS       Y11, Y11, Y11
	SHRQ         $3, CX
	JZ           esdone

esloop:
	VMOVUPS (SI), Y0
	VSUBPS  Y12, Y0, Y0
	EXP8
	VADDPS  Y0, Y11, Y11
	TESTQ   DX, DX
	JZ      esnext
	VMOVUPS Y0, (DI)

esnext:
	ADDQ $32, SI
	ADDQ $32, DI
	DECQ CX
	JNZ  esloop

esdone:
	VEXTRACTF128 $1, Y11, X1
	VADDPS       X11, X1, X0
	VPERMILPS    $0x4e, X0, X1
	VADDPS       X1, X0, X0
	VPERMILPS    $0xb1, X0, X1
	VADDPS       X1, X0, X0
	VMOVSS       X0, ret+56(FP)
	VZEROUPPER
	RET

// func tanhAVX2(dst, src []float32)
// a = |x|; below 0.625, tanh(a) = a + a^3 t(a^2); above, 1 - 2/(e^2a + 1) with a clamped
// to 9.1 (where it rounds to 1); the result takes x's sign. A NaN fails the comparison and
// goes through the second form, which keeps it.
TEXT ·tanhAVX2(SB), NOSPLIT, $0-48
	MOVQ    dst_base+0(FP), DI
	MOVQ    src_base+24(FP), SI
	MOVQ    src_len+32(FP), CX
	VMOVUPS expHi<>(SB), Y15
	VMOVUPS expLo<>(SB), Y14
	VMOVUPS tanhBig<>(SB), Y13
	SHRQ    $3, CX
	JZ      tdone

tloop:
	VMOVUPS      (SI), Y5
	VANDPS       absMask<>(SB), Y5, Y6
	VMINPS       Y6, Y13, Y0
	VADDPS       Y0, Y0, Y0
	EXP8
	VADDPS       one<>(SB), Y0, Y0
	VMOVUPS      two<>(SB), Y1
	VDIVPS       Y0, Y1, Y1
	VMOVUPS      one<>(SB), Y0
	VSUBPS       Y1, Y0, Y0
	VMULPS       Y6, Y6, Y2
	VMOVUPS      t5<>(SB), Y3
	VFMADD213PS  t4<>(SB), Y2, Y3
	VFMADD213PS  t3<>(SB), Y2, Y3
	VFMADD213PS  t2<>(SB), Y2, Y3
	VFMADD213PS  t1<>(SB), Y2, Y3
	VFMADD213PS  t0<>(SB), Y2, Y3
	VMULPS       Y6, Y2, Y2
	VFMADD213PS  Y6, Y2, Y3
	VCMPPS       $1, tanhSmall<>(SB), Y6, Y4
	VBLENDVPS    Y4, Y3, Y0, Y0
	VANDPS       signMask<>(SB), Y5, Y5
	VORPS        Y5, Y0, Y0
	VMOVUPS      Y0, (DI)
	ADDQ         $32, SI
	ADDQ         $32, DI
	DECQ         CX
	JNZ          tloop

tdone:
	VZEROUPPER
	RET

// func sigmoidAVX2(dst, src []float32)
// 1/(1 + e^-x): e^-x overflows to +Inf below x = -88.7, giving 0 where the true value is
// below 2^-126.
TEXT ·sigmoidAVX2(SB), NOSPLIT, $0-48
	MOVQ    dst_base+0(FP), DI
	MOVQ    src_base+24(FP), SI
	MOVQ    src_len+32(FP), CX
	VMOVUPS expHi<>(SB), Y15
	VMOVUPS expLo<>(SB), Y14
	SHRQ    $3, CX
	JZ      sdone

sloop:
	VMOVUPS (SI), Y0
	VXORPS  signMask<>(SB), Y0, Y0
	EXP8
	VADDPS  one<>(SB), Y0, Y0
	VMOVUPS one<>(SB), Y1
	VDIVPS  Y0, Y1, Y0
	VMOVUPS Y0, (DI)
	ADDQ    $32, SI
	ADDQ    $32, DI
	DECQ    CX
	JNZ     sloop

sdone:
	VZEROUPPER
	RET

// The AVX-512 kernels compute what the AVX2 ones do, 16 lanes at a time, with every
// constant in a register and 2^n applied by VSCALEFPS (one rounding, as the AVX2 pair of
// products): bit for bit the same results.

// BCAST16 broadcasts the constants EXP16 reads.
#define BCAST16 \
	VBROADCASTSS expHi<>(SB), Z16; \
	VBROADCASTSS expLo<>(SB), Z17; \
	VBROADCASTSS log2e<>(SB), Z18; \
	VBROADCASTSS ln2Hi<>(SB), Z19; \
	VBROADCASTSS ln2Lo<>(SB), Z20; \
	VBROADCASTSS e0<>(SB), Z21; \
	VBROADCASTSS e1<>(SB), Z22; \
	VBROADCASTSS e2<>(SB), Z23; \
	VBROADCASTSS e3<>(SB), Z24; \
	VBROADCASTSS e4<>(SB), Z25; \
	VBROADCASTSS e5<>(SB), Z26; \
	VBROADCASTSS one<>(SB), Z27

// EXP16 sets Z0 = e^Z0 as EXP8 does, using Z1-Z4.
#define EXP16 \
	VMINPS       Z0, Z16, Z0; \
	VMAXPS       Z0, Z17, Z0; \
	VMULPS       Z18, Z0, Z1; \
	VRNDSCALEPS  $0, Z1, Z1; \
	VMOVAPS      Z0, Z2; \
	VFNMADD231PS Z19, Z1, Z2; \
	VFNMADD231PS Z20, Z1, Z2; \
	VMOVAPS      Z26, Z3; \
	VFMADD213PS  Z25, Z2, Z3; \
	VFMADD213PS  Z24, Z2, Z3; \
	VFMADD213PS  Z23, Z2, Z3; \
	VFMADD213PS  Z22, Z2, Z3; \
	VFMADD213PS  Z21, Z2, Z3; \
	VMULPS       Z2, Z2, Z4; \
	VFMADD213PS  Z2, Z4, Z3; \
	VADDPS       Z27, Z3, Z3; \
	VSCALEFPS    Z1, Z3, Z0

// func expSumAVX512(dst, src []float32, shift float32, store bool) float32
TEXT ·expSumAVX512(SB), NOSPLIT, $0-60
	MOVQ         dst_base+0(FP), DI
	MOVQ         src_base+24(FP), SI
	MOVQ         src_len+32(FP), CX
	VBROADCASTSS shift+48(FP), Z12
	MOVBQZX      store+52(FP), DX
	BCAST16
	VPXORD       Z11, Z11, Z11
	SHRQ         $4, CX
	JZ           zesdone

zesloop:
	VMOVUPS (SI), Z0
	VSUBPS  Z12, Z0, Z0
	EXP16
	VADDPS  Z0, Z11, Z11
	TESTQ   DX, DX
	JZ      zesnext
	VMOVUPS Z0, (DI)

zesnext:
	ADDQ $64, SI
	ADDQ $64, DI
	DECQ CX
	JNZ  zesloop

zesdone:
	VEXTRACTF64X4 $1, Z11, Y1
	VADDPS        Y11, Y1, Y0
	VEXTRACTF128  $1, Y0, X1
	VADDPS        X0, X1, X0
	VPERMILPS     $0x4e, X0, X1
	VADDPS        X1, X0, X0
	VPERMILPS     $0xb1, X0, X1
	VADDPS        X1, X0, X0
	VMOVSS        X0, ret+56(FP)
	VZEROUPPER
	RET

// func tanhAVX512(dst, src []float32)
TEXT ·tanhAVX512(SB), NOSPLIT, $0-48
	MOVQ         dst_base+0(FP), DI
	MOVQ         src_base+24(FP), SI
	MOVQ         src_len+32(FP), CX
	BCAST16
	VBROADCASTSS absMask<>(SB), Z28
	VBROADCASTSS signMask<>(SB), Z29
	VBROADCASTSS tanhBig<>(SB), Z30
	VBROADCASTSS tanhSmall<>(SB), Z31
	VBROADCASTSS two<>(SB), Z9
	VBROADCASTSS t0<>(SB), Z10
	VBROADCASTSS t1<>(SB), Z11
	VBROADCASTSS t2<>(SB), Z12
	VBROADCASTSS t3<>(SB), Z13
	VBROADCASTSS t4<>(SB), Z14
	VBROADCASTSS t5<>(SB), Z15
	SHRQ         $4, CX
	JZ           ztdone

ztloop:
	VMOVUPS     (SI), Z5
	VPANDD      Z28, Z5, Z6
	VMINPS      Z6, Z30, Z0
	VADDPS      Z0, Z0, Z0
	EXP16
	VADDPS      Z27, Z0, Z0
	VDIVPS      Z0, Z9, Z1
	VSUBPS      Z1, Z27, Z0
	VMULPS      Z6, Z6, Z2
	VMOVAPS     Z15, Z3
	VFMADD213PS Z14, Z2, Z3
	VFMADD213PS Z13, Z2, Z3
	VFMADD213PS Z12, Z2, Z3
	VFMADD213PS Z11, Z2, Z3
	VFMADD213PS Z10, Z2, Z3
	VMULPS      Z6, Z2, Z2
	VFMADD213PS Z6, Z2, Z3
	VCMPPS      $1, Z31, Z6, K1
	VMOVAPS     Z3, K1, Z0
	VPANDD      Z29, Z5, Z5
	VPORD       Z5, Z0, Z0
	VMOVUPS     Z0, (DI)
	ADDQ        $64, SI
	ADDQ        $64, DI
	DECQ        CX
	JNZ         ztloop

ztdone:
	VZEROUPPER
	RET

// func sigmoidAVX512(dst, src []float32)
TEXT ·sigmoidAVX512(SB), NOSPLIT, $0-48
	MOVQ         dst_base+0(FP), DI
	MOVQ         src_base+24(FP), SI
	MOVQ         src_len+32(FP), CX
	BCAST16
	VBROADCASTSS signMask<>(SB), Z29
	SHRQ         $4, CX
	JZ           zsdone

zsloop:
	VMOVUPS (SI), Z0
	VPXORD  Z29, Z0, Z0
	EXP16
	VADDPS  Z27, Z0, Z0
	VDIVPS  Z0, Z27, Z0
	VMOVUPS Z0, (DI)
	ADDQ    $64, SI
	ADDQ    $64, DI
	DECQ    CX
	JNZ     zsloop

zsdone:
	VZEROUPPER
	RET
