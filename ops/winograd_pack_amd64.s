//go:build amd64 && !purego

#include "textflag.h"

// The conversions of winograd_pack.go between 8 planes of NCHW and a block of 8
// interleaved planes, in one pass: each 8x8 block (8 channels by 8 pixels) is read as
// sixteen 4-value halves, two to a Y register so that one in-lane 4x4 transpose (TR4, 8
// shuffles) per four pixels leaves each pixel's 8 channels in a register, and written
// straight to its place. A row of 8 or more pixels whose width is not a multiple of 8
// ends with the row's last 8 pixels again (the overlap is written twice with the same
// values); a row of fewer goes through masked moves. Values are only moved: NaN
// payloads and signed zeros arrive as they left.

// winoMask holds 8 all-ones 32-bit lanes followed by 8 zero lanes: the 32 bytes at
// winoMask+(8-n)*4 select the first n lanes.
DATA winoMask<>+0(SB)/8, $0xffffffffffffffff
DATA winoMask<>+8(SB)/8, $0xffffffffffffffff
DATA winoMask<>+16(SB)/8, $0xffffffffffffffff
DATA winoMask<>+24(SB)/8, $0xffffffffffffffff
DATA winoMask<>+32(SB)/8, $0
DATA winoMask<>+40(SB)/8, $0
DATA winoMask<>+48(SB)/8, $0
DATA winoMask<>+56(SB)/8, $0
GLOBL winoMask<>(SB), RODATA|NOPTR, $64

// TR4 transposes the 4x4 block in each 128-bit lane of r0..r3 (lane k of ri is row i of
// that lane's block; afterwards it is column i), with Y8..Y11 as scratch.
#define TR4(r0, r1, r2, r3) \
	VUNPCKLPS r1, r0, Y8; \
	VUNPCKHPS r1, r0, Y9; \
	VUNPCKLPS r3, r2, Y10; \
	VUNPCKHPS r3, r2, Y11; \
	VSHUFPS   $0x44, Y10, Y8, r0; \
	VSHUFPS   $0xEE, Y10, Y8, r1; \
	VSHUFPS   $0x44, Y11, Y9, r2; \
	VSHUFPS   $0xEE, Y11, Y9, r3

// func winoPackAVX2(dst, src []float32, rows, cols, cs, ss, ds, padL, padR int)
//
// For r < rows: dst[r*ds:] gets padL zero pixels, then pixels c < cols with
// dst[r*ds+(padL+c)*8+l] = src[l*cs+r*ss+c] for l < 8, then padR zero pixels.
// Registers: DI, SI the current rows of dst and src; R10 cs, R11 ss, R12 ds in bytes, R13
// 3*cs; BX a block's channel 0 in src and DX its channel 3; AX the block's first pixel
// in dst.
TEXT ·winoPackAVX2(SB), NOSPLIT, $0-104
	MOVQ   dst_base+0(FP), DI
	MOVQ   src_base+24(FP), SI
	MOVQ   rows+48(FP), R8
	MOVQ   cols+56(FP), R9
	MOVQ   cs+64(FP), R10
	MOVQ   ss+72(FP), R11
	MOVQ   ds+80(FP), R12
	SHLQ   $2, R10
	SHLQ   $2, R11
	SHLQ   $2, R12
	LEAQ   (R10)(R10*2), R13
	VXORPS Y15, Y15, Y15
	TESTQ  R8, R8
	JZ     p_done
	CMPQ   R9, $8
	JLT    p_small

p_row:
	MOVQ DI, AX
	MOVQ padL+88(FP), CX
p_left:
	TESTQ   CX, CX
	JZ      p_left_done
	VMOVUPS Y15, (AX)
	ADDQ    $32, AX
	DECQ    CX
	JMP     p_left

p_left_done:
	XORQ CX, CX

p_block:
	MOVQ    R9, AX
	SUBQ    $8, AX
	CMPQ    CX, AX
	CMOVQLT CX, AX                     // AX = min(c0, cols-8)
	LEAQ    (SI)(AX*4), BX
	LEAQ    (BX)(R13*1), DX
	ADDQ    padL+88(FP), AX
	SHLQ    $5, AX
	ADDQ    DI, AX
	VMOVUPS     (BX), X0               // channels a..d in the low lanes, e..h in the high
	VINSERTF128 $1, (BX)(R10*4), Y0, Y0
	VMOVUPS     (BX)(R10*1), X1
	VINSERTF128 $1, (DX)(R10*2), Y1, Y1
	VMOVUPS     (BX)(R10*2), X2
	VINSERTF128 $1, (DX)(R13*1), Y2, Y2
	VMOVUPS     (DX), X3
	VINSERTF128 $1, (DX)(R10*4), Y3, Y3
	VMOVUPS     16(BX), X4
	VINSERTF128 $1, 16(BX)(R10*4), Y4, Y4
	VMOVUPS     16(BX)(R10*1), X5
	VINSERTF128 $1, 16(DX)(R10*2), Y5, Y5
	VMOVUPS     16(BX)(R10*2), X6
	VINSERTF128 $1, 16(DX)(R13*1), Y6, Y6
	VMOVUPS     16(DX), X7
	VINSERTF128 $1, 16(DX)(R10*4), Y7, Y7
	TR4(Y0, Y1, Y2, Y3)
	TR4(Y4, Y5, Y6, Y7)
	VMOVUPS Y0, (AX)
	VMOVUPS Y1, 32(AX)
	VMOVUPS Y2, 64(AX)
	VMOVUPS Y3, 96(AX)
	VMOVUPS Y4, 128(AX)
	VMOVUPS Y5, 160(AX)
	VMOVUPS Y6, 192(AX)
	VMOVUPS Y7, 224(AX)
	ADDQ    $8, CX
	CMPQ    CX, R9
	JLT     p_block

	MOVQ padL+88(FP), AX
	ADDQ R9, AX
	SHLQ $5, AX
	ADDQ DI, AX
	MOVQ padR+96(FP), CX
p_right:
	TESTQ   CX, CX
	JZ      p_right_done
	VMOVUPS Y15, (AX)
	ADDQ    $32, AX
	DECQ    CX
	JMP     p_right

p_right_done:
	ADDQ R11, SI
	ADDQ R12, DI
	DECQ R8
	JNZ  p_row
	JMP  p_done

p_small: // cols < 8: masked loads, then cols stores
	LEAQ    winoMask<>(SB), AX
	MOVQ    $8, CX
	SUBQ    R9, CX
	VMOVUPS (AX)(CX*4), Y14

ps_row:
	MOVQ DI, AX
	MOVQ padL+88(FP), CX
ps_left:
	TESTQ   CX, CX
	JZ      ps_left_done
	VMOVUPS Y15, (AX)
	ADDQ    $32, AX
	DECQ    CX
	JMP     ps_left

ps_left_done:
	MOVQ SI, BX
	LEAQ (BX)(R13*1), DX
	VMASKMOVPS (BX), Y14, Y12
	VMASKMOVPS (BX)(R10*4), Y14, Y13
	VPERM2F128 $0x20, Y13, Y12, Y0
	VPERM2F128 $0x31, Y13, Y12, Y4
	VMASKMOVPS (BX)(R10*1), Y14, Y12
	VMASKMOVPS (DX)(R10*2), Y14, Y13
	VPERM2F128 $0x20, Y13, Y12, Y1
	VPERM2F128 $0x31, Y13, Y12, Y5
	VMASKMOVPS (BX)(R10*2), Y14, Y12
	VMASKMOVPS (DX)(R13*1), Y14, Y13
	VPERM2F128 $0x20, Y13, Y12, Y2
	VPERM2F128 $0x31, Y13, Y12, Y6
	VMASKMOVPS (DX), Y14, Y12
	VMASKMOVPS (DX)(R10*4), Y14, Y13
	VPERM2F128 $0x20, Y13, Y12, Y3
	VPERM2F128 $0x31, Y13, Y12, Y7
	TR4(Y0, Y1, Y2, Y3)
	TR4(Y4, Y5, Y6, Y7)
	VMOVUPS Y0, (AX)
	CMPQ    R9, $1
	JEQ     ps_stored
	VMOVUPS Y1, 32(AX)
	CMPQ    R9, $2
	JEQ     ps_stored
	VMOVUPS Y2, 64(AX)
	CMPQ    R9, $3
	JEQ     ps_stored
	VMOVUPS Y3, 96(AX)
	CMPQ    R9, $4
	JEQ     ps_stored
	VMOVUPS Y4, 128(AX)
	CMPQ    R9, $5
	JEQ     ps_stored
	VMOVUPS Y5, 160(AX)
	CMPQ    R9, $6
	JEQ     ps_stored
	VMOVUPS Y6, 192(AX)

ps_stored:
	MOVQ R9, CX
	SHLQ $5, CX
	ADDQ CX, AX
	MOVQ padR+96(FP), CX
ps_right:
	TESTQ   CX, CX
	JZ      ps_right_done
	VMOVUPS Y15, (AX)
	ADDQ    $32, AX
	DECQ    CX
	JMP     ps_right

ps_right_done:
	ADDQ R11, SI
	ADDQ R12, DI
	DECQ R8
	JNZ  ps_row

p_done:
	VZEROUPPER
	RET

// func winoUnpackAVX2(dst, src []float32, rows, cols, cs, ds, ss int)
//
// dst[l*cs+r*ds+c] = src[r*ss+c*8+l] for l < 8, r < rows and c < cols. Registers: DI,
// SI the current rows of dst and src; R10 cs, R11 ds, R12 ss in bytes, R13 3*cs; AX a
// block's first pixel in src; BX its channel 0 in dst and DX its channel 3.
TEXT ·winoUnpackAVX2(SB), NOSPLIT, $0-88
	MOVQ  dst_base+0(FP), DI
	MOVQ  src_base+24(FP), SI
	MOVQ  rows+48(FP), R8
	MOVQ  cols+56(FP), R9
	MOVQ  cs+64(FP), R10
	MOVQ  ds+72(FP), R11
	MOVQ  ss+80(FP), R12
	SHLQ  $2, R10
	SHLQ  $2, R11
	SHLQ  $2, R12
	LEAQ  (R10)(R10*2), R13
	TESTQ R8, R8
	JZ    u_done
	CMPQ  R9, $8
	JLT   u_small

u_row:
	XORQ CX, CX

u_block:
	MOVQ    R9, AX
	SUBQ    $8, AX
	CMPQ    CX, AX
	CMOVQLT CX, AX                     // AX = min(c0, cols-8)
	LEAQ    (DI)(AX*4), BX
	LEAQ    (BX)(R13*1), DX
	SHLQ    $5, AX
	ADDQ    SI, AX
	VMOVUPS     (AX), X0               // channels 0..3 of pixels 0..3 (low) and 4..7 (high)
	VINSERTF128 $1, 128(AX), Y0, Y0
	VMOVUPS     32(AX), X1
	VINSERTF128 $1, 160(AX), Y1, Y1
	VMOVUPS     64(AX), X2
	VINSERTF128 $1, 192(AX), Y2, Y2
	VMOVUPS     96(AX), X3
	VINSERTF128 $1, 224(AX), Y3, Y3
	VMOVUPS     16(AX), X4             // channels 4..7
	VINSERTF128 $1, 144(AX), Y4, Y4
	VMOVUPS     48(AX), X5
	VINSERTF128 $1, 176(AX), Y5, Y5
	VMOVUPS     80(AX), X6
	VINSERTF128 $1, 208(AX), Y6, Y6
	VMOVUPS     112(AX), X7
	VINSERTF128 $1, 240(AX), Y7, Y7
	TR4(Y0, Y1, Y2, Y3)
	TR4(Y4, Y5, Y6, Y7)
	VMOVUPS Y0, (BX)
	VMOVUPS Y1, (BX)(R10*1)
	VMOVUPS Y2, (BX)(R10*2)
	VMOVUPS Y3, (DX)
	VMOVUPS Y4, (BX)(R10*4)
	VMOVUPS Y5, (DX)(R10*2)
	VMOVUPS Y6, (DX)(R13*1)
	VMOVUPS Y7, (DX)(R10*4)
	ADDQ    $8, CX
	CMPQ    CX, R9
	JLT     u_block

	ADDQ R11, DI
	ADDQ R12, SI
	DECQ R8
	JNZ  u_row
	JMP  u_done

u_small: // cols < 8: cols loads (the other lanes hold what they held), masked stores
	LEAQ    winoMask<>(SB), AX
	MOVQ    $8, CX
	SUBQ    R9, CX
	VMOVUPS (AX)(CX*4), Y14

us_row:
	MOVQ        SI, AX
	VMOVUPS     (AX), X0
	VMOVUPS     16(AX), X4
	CMPQ        R9, $1
	JEQ         us_loaded
	VMOVUPS     32(AX), X1
	VMOVUPS     48(AX), X5
	CMPQ        R9, $2
	JEQ         us_loaded
	VMOVUPS     64(AX), X2
	VMOVUPS     80(AX), X6
	CMPQ        R9, $3
	JEQ         us_loaded
	VMOVUPS     96(AX), X3
	VMOVUPS     112(AX), X7
	CMPQ        R9, $4
	JEQ         us_loaded
	VINSERTF128 $1, 128(AX), Y0, Y0
	VINSERTF128 $1, 144(AX), Y4, Y4
	CMPQ        R9, $5
	JEQ         us_loaded
	VINSERTF128 $1, 160(AX), Y1, Y1
	VINSERTF128 $1, 176(AX), Y5, Y5
	CMPQ        R9, $6
	JEQ         us_loaded
	VINSERTF128 $1, 192(AX), Y2, Y2
	VINSERTF128 $1, 208(AX), Y6, Y6

us_loaded:
	TR4(Y0, Y1, Y2, Y3)
	TR4(Y4, Y5, Y6, Y7)
	MOVQ       DI, BX
	LEAQ       (BX)(R13*1), DX
	VMASKMOVPS Y0, Y14, (BX)
	VMASKMOVPS Y1, Y14, (BX)(R10*1)
	VMASKMOVPS Y2, Y14, (BX)(R10*2)
	VMASKMOVPS Y3, Y14, (DX)
	VMASKMOVPS Y4, Y14, (BX)(R10*4)
	VMASKMOVPS Y5, Y14, (DX)(R10*2)
	VMASKMOVPS Y6, Y14, (DX)(R13*1)
	VMASKMOVPS Y7, Y14, (DX)(R10*4)
	ADDQ       R11, DI
	ADDQ       R12, SI
	DECQ       R8
	JNZ        us_row

u_done:
	VZEROUPPER
	RET
