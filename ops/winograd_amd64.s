//go:build amd64 && !purego

#include "textflag.h"
#include "winograd_amd64.h"

// The Winograd F(2x2, 3x3) tile transforms of winograd_transform.go over one block of 8
// float32 channels (the macros, and what the registers hold, are in winograd_amd64.h).

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
