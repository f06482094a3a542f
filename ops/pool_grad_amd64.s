//go:build amd64 && !purego

#include "textflag.h"

#include "pool_amd64.h"

// The kernels of the 2x2 max-pool gradient (pool.go argmax2x2): each window's first maximal
// pixel found again from x, gradients scattered there or values gathered from there.

// LOADX loads 16 columns of the rows SI and DX from byte BX on into Y0, Y1 and Y2, Y3;
// LOADXM the first 2*(ow%8) of them, the masks at 0(SP) and 32(SP) (the others read as 0).
#define LOADX \
	VMOVUPS (SI)(BX*1), Y0;   \
	VMOVUPS 32(SI)(BX*1), Y1; \
	VMOVUPS (DX)(BX*1), Y2;   \
	VMOVUPS 32(DX)(BX*1), Y3

#define LOADXM \
	VMOVUPS    0(SP), Y8;               \
	VMASKMOVPS (SI)(BX*1), Y8, Y0;      \
	VMASKMOVPS (DX)(BX*1), Y8, Y2;      \
	VMOVUPS    32(SP), Y9;              \
	VMASKMOVPS 32(SI)(BX*1), Y9, Y1;    \
	VMASKMOVPS 32(DX)(BX*1), Y9, Y3

// LOADXP, RELU4P and STORE4P are LOADX, RELU4 and STORE4 for a block whose second 8
// columns are at byte AX of the rows rather than at BX+32: a block that straddles two rows
// of windows.
#define LOADXP \
	VMOVUPS (SI)(BX*1), Y0; \
	VMOVUPS (SI)(AX*1), Y1; \
	VMOVUPS (DX)(BX*1), Y2; \
	VMOVUPS (DX)(AX*1), Y3

#define RELU4P \
	VMOVUPS (R12)(BX*1), Y1; \
	VMOVUPS (R12)(AX*1), Y2; \
	VMOVUPS (R13)(BX*1), Y3; \
	VMOVUPS (R13)(AX*1), Y4; \
	RELU(Y5, Y1, Y0);        \
	RELU(Y6, Y2, Y8);        \
	RELU(Y7, Y3, Y10);       \
	RELU(Y9, Y4, Y11)

#define STORE4P \
	VMOVUPS Y5, (R8)(BX*1); \
	VMOVUPS Y6, (R8)(AX*1); \
	VMOVUPS Y7, (R9)(BX*1); \
	VMOVUPS Y9, (R9)(AX*1)

// WINDOWS takes 8 windows (16 columns of two rows, loaded by LOADX into Y0..Y3) and leaves
// in Y10..Y13 the all-ones masks of each window's first maximal pixel, a (top left), b, c,
// d (bottom right), lanes in the order the even/odd shuffle leaves them: windows 0 1 4 5 |
// 2 3 6 7. A pixel matches when it equals the window's max, or is NaN (the max is then NaN,
// equal to nothing); -0 equals +0. Uses Y0..Y9; Y14 must be all ones.
#define WINDOWS \
	VSHUFPS $0x88, Y1, Y0, Y4;    \
	VSHUFPS $0xDD, Y1, Y0, Y5;    \
	VSHUFPS $0x88, Y3, Y2, Y6;    \
	VSHUFPS $0xDD, Y3, Y2, Y7;    \
	VMOVAPS Y4, Y8;               \
	MAXPS(Y8, Y5, Y0, Y1);        \
	VMOVAPS Y6, Y9;               \
	MAXPS(Y9, Y7, Y0, Y1);        \
	MAXPS(Y8, Y9, Y0, Y1);        \
	VCMPPS  $0, Y8, Y4, Y10;      \
	VCMPPS  $3, Y4, Y4, Y0;       \
	VORPS   Y0, Y10, Y10;         \
	VCMPPS  $0, Y8, Y5, Y11;      \
	VCMPPS  $3, Y5, Y5, Y0;       \
	VORPS   Y0, Y11, Y11;         \
	VCMPPS  $0, Y8, Y6, Y12;      \
	VCMPPS  $3, Y6, Y6, Y0;       \
	VORPS   Y0, Y12, Y12;         \
	VANDNPS Y11, Y10, Y11;        \
	VORPS   Y11, Y10, Y13;        \
	VANDNPS Y12, Y13, Y12;        \
	VORPS   Y12, Y13, Y13;        \
	VANDNPS Y14, Y13, Y13

// SCATTER routes the 8 gradients in Y0 through the masks of WINDOWS: the 16 values of the
// top row in Y5, Y6 and of the bottom row in Y7, Y9, each window's gradient at its first
// maximal pixel and +0 at the others. Uses Y1..Y4.
#define SCATTER \
	VPERMPD   $0xD8, Y0, Y0;  \
	VANDPS    Y0, Y10, Y1;    \
	VANDPS    Y0, Y11, Y2;    \
	VANDPS    Y0, Y12, Y3;    \
	VANDPS    Y0, Y13, Y4;    \
	VUNPCKLPS Y2, Y1, Y5;     \
	VUNPCKHPS Y2, Y1, Y6;     \
	VUNPCKLPS Y4, Y3, Y7;     \
	VUNPCKHPS Y4, Y3, Y9

// RELU is reluGradAVX2's step on v with the mask's bits in m: v where the mask is > 0 (as
// bits: not negative and not +0), else slope*v (slope in Y15). Clobbers m and t.
#define RELU(v, m, t) \
	VPADDD  Y14, m, t; \
	VPSRAD  $31, t, t; \
	VPSRAD  $31, m, m; \
	VPOR    m, t, t;   \
	VMULPS  Y15, v, m; \
	VANDNPS v, t, v;   \
	VANDPS  t, m, m;   \
	VORPS   m, v, v

// RELU4 applies RELU to the scattered rows with the mask rows R12, R13 from byte BX on;
// RELU4M reads the masks' first 2*(ow%8) columns only.
#define RELU4 \
	VMOVUPS (R12)(BX*1), Y1;   \
	VMOVUPS 32(R12)(BX*1), Y2; \
	VMOVUPS (R13)(BX*1), Y3;   \
	VMOVUPS 32(R13)(BX*1), Y4; \
	RELU(Y5, Y1, Y0);          \
	RELU(Y6, Y2, Y8);          \
	RELU(Y7, Y3, Y10);         \
	RELU(Y9, Y4, Y11)

#define RELU4M \
	VMOVUPS    0(SP), Y12;             \
	VMASKMOVPS (R12)(BX*1), Y12, Y1;   \
	VMASKMOVPS (R13)(BX*1), Y12, Y3;   \
	VMOVUPS    32(SP), Y13;            \
	VMASKMOVPS 32(R12)(BX*1), Y13, Y2; \
	VMASKMOVPS 32(R13)(BX*1), Y13, Y4; \
	RELU(Y5, Y1, Y0);                  \
	RELU(Y6, Y2, Y8);                  \
	RELU(Y7, Y3, Y10);                 \
	RELU(Y9, Y4, Y11)

// STORE4 writes the scattered rows to the image rows R8, R9 from byte BX on.
#define STORE4 \
	VMOVUPS Y5, (R8)(BX*1);   \
	VMOVUPS Y6, 32(R8)(BX*1); \
	VMOVUPS Y7, (R9)(BX*1);   \
	VMOVUPS Y9, 32(R9)(BX*1)

// GATHER reads the image rows R8, R9 (loaded into Y0..Y3 by LOADX or LOADXM) at each
// window's first maximal pixel, the masks of WINDOWS, into Y4 in window order.
#define GATHER \
	VSHUFPS $0x88, Y1, Y0, Y4; \
	VSHUFPS $0xDD, Y1, Y0, Y5; \
	VSHUFPS $0x88, Y3, Y2, Y6; \
	VSHUFPS $0xDD, Y3, Y2, Y7; \
	VANDPS  Y10, Y4, Y4;       \
	VANDPS  Y11, Y5, Y5;       \
	VANDPS  Y12, Y6, Y6;       \
	VANDPS  Y13, Y7, Y7;       \
	VORPS   Y5, Y4, Y4;        \
	VORPS   Y7, Y6, Y6;        \
	VORPS   Y6, Y4, Y4;        \
	VPERMPD $0xD8, Y4, Y4

// func maxPoolScatter2x2PlaneAVX2(img, gy []uint32, x, mask []float32, rows, ow, w int, slope float32, relu bool)
//
// Output row r of gy, gy[r*ow:][:ow], goes to the image rows 2r and 2r+1 of img from x's
// rows 2r and 2r+1 (rows w values apart): each window's gradient at its first maximal
// pixel, +0 at the others; with relu, each value written then goes through reluGradAVX2's
// step with mask (laid out as x) and slope.
TEXT ·maxPoolScatter2x2PlaneAVX2(SB), NOSPLIT, $160-125
	MOVQ ow+104(FP), AX
	TAIL
	CMPB ·poolAVX512(SB), $0     // AVX-512: the narrow rows' stores through K1..K3
	JEQ  sk
	MOVQ ow+104(FP), CX
	ANDQ $7, CX
	MOVL $1, DX
	SHLL CX, DX
	DECL DX
	KMOVW DX, K3                // the first ow%8 windows
	ADDQ CX, CX
	MOVL $1, DX
	SHLL CX, DX
	DECL DX
	KMOVW DX, K1                // the first 2*(ow%8) columns: 8 of them in K1, the rest in K2
	SHRL $8, DX
	KMOVW DX, K2

sk:
	MOVQ         AX, 120(SP)            // blocks per row
	MOVQ         ow+104(FP), CX
	SHLQ         $3, CX
	MOVQ         CX, 128(SP)            // the bytes of a row's windows
	MOVQ         img_base+0(FP), R8
	MOVQ         gy_base+24(FP), R10
	MOVQ         x_base+48(FP), SI
	MOVQ         mask_base+72(FP), R12
	MOVQ         rows+96(FP), DI
	MOVQ         w+112(FP), R11
	SHLQ         $2, R11                // a row, in bytes
	LEAQ         (SI)(R11*1), DX
	LEAQ         (R8)(R11*1), R9
	LEAQ         (R12)(R11*1), R13
	LEAQ         (R11)(R11*1), CX
	MOVQ         CX, 136(SP)            // two rows, in bytes: the next row of windows
	VBROADCASTSS slope+120(FP), Y15
	VPCMPEQD     Y14, Y14, Y14
	TESTQ        DI, DI
	JZ           sdone

srow:
	XORQ BX, BX
	CMPQ ow+104(FP), $8
	JLT  snarrow
	CMPQ 96(SP), $16
	JNE  ssingle
	CMPQ DI, $2
	JGE  spair

ssingle:
	MOVQ 120(SP), CX

sblock:
	CMPQ CX, $1
	JNE  sload
	SUBQ 104(SP), BX            // the last block: the row's last 8 windows
	SUBQ 112(SP), R10

sload:
	LOADX
	WINDOWS
	VMOVUPS (R10), Y0
	SCATTER
	CMPB    relu+124(FP), $0
	JEQ     sstore
	RELU4

sstore:
	STORE4
	ADDQ $64, BX
	ADDQ $32, R10
	DECQ CX
	JNZ  sblock
	JMP  snext

spair:                              // ow%8 = 4: two rows of windows in ow/4 blocks of 8, one
	MOVQ ow+104(FP), CX             // straddling the rows (its second 4 windows the next
	SHRQ $2, CX                     // row's first): 4-window steps from BX to AX to BX ...
	MOVQ $32, AX

spblock:
	LOADXP
	WINDOWS
	VMOVUPS (R10), Y0
	SCATTER
	CMPB    relu+124(FP), $0
	JEQ     spstore
	RELU4P

spstore:
	STORE4P
	ADDQ    $32, R10
	LEAQ    32(AX), BX              // the next 4 windows, in the next row past the last
	CMPQ    BX, 128(SP)
	CMOVQEQ 136(SP), BX
	LEAQ    32(BX), AX
	CMPQ    AX, 128(SP)
	CMOVQEQ 136(SP), AX
	DECQ    CX
	JNZ     spblock
	LEAQ    (SI)(R11*4), SI
	LEAQ    (DX)(R11*4), DX
	LEAQ    (R8)(R11*4), R8
	LEAQ    (R9)(R11*4), R9
	LEAQ    (R12)(R11*4), R12
	LEAQ    (R13)(R11*4), R13
	SUBQ    $2, DI
	JNZ     srow
	JMP     sdone

snarrow:                            // fewer than 8 windows: masked loads and stores
	LOADXM
	WINDOWS
	VMOVUPS    64(SP), Y1
	VMASKMOVPS (R10), Y1, Y0
	SCATTER
	CMPB       relu+124(FP), $0
	JEQ        snstore
	RELU4M

snstore:
	CMPB ·poolAVX512(SB), $0
	JNE  snstore512
	CMPQ 96(SP), $16                // VMASKMOVPS only where a store is partial: the first 8
	JLT  snlow                      // columns are whole when ow >= 4, the others empty
	VMOVUPS Y5, (R8)(BX*1)          // when ow <= 4
	VMOVUPS Y7, (R9)(BX*1)
	JEQ  snstored
	VMOVUPS    32(SP), Y0
	VMASKMOVPS Y6, Y0, 32(R8)(BX*1)
	VMASKMOVPS Y9, Y0, 32(R9)(BX*1)
	JMP  snstored

snlow:
	VMOVUPS    0(SP), Y0
	VMASKMOVPS Y5, Y0, (R8)(BX*1)
	VMASKMOVPS Y7, Y0, (R9)(BX*1)

snstored:
	ADDQ 96(SP), R10
	JMP  snext

snstore512:
	VMOVUPS Y5, K1, (R8)(BX*1)
	VMOVUPS Y7, K1, (R9)(BX*1)
	VMOVUPS Y6, K2, 32(R8)(BX*1)
	VMOVUPS Y9, K2, 32(R9)(BX*1)
	ADDQ    96(SP), R10

snext:
	LEAQ (SI)(R11*2), SI
	LEAQ (DX)(R11*2), DX
	LEAQ (R8)(R11*2), R8
	LEAQ (R9)(R11*2), R9
	LEAQ (R12)(R11*2), R12
	LEAQ (R13)(R11*2), R13
	DECQ DI
	JNZ  srow

sdone:
	VZEROUPPER
	RET

// func maxPoolGather2x2PlaneAVX2(y, img []uint32, x []float32, rows, ow, w int)
//
// Output row r of y, y[r*ow:][:ow], reads the image rows 2r and 2r+1 of img at the first
// maximal pixel of each window of x's rows 2r and 2r+1 (rows w values apart).
TEXT ·maxPoolGather2x2PlaneAVX2(SB), NOSPLIT, $128-96
	MOVQ     ow+80(FP), AX
	TAIL
	CMPB ·poolAVX512(SB), $0     // AVX-512: the narrow rows' stores through K1..K3
	JEQ  gk
	MOVQ ow+80(FP), CX
	ANDQ $7, CX
	MOVL $1, DX
	SHLL CX, DX
	DECL DX
	KMOVW DX, K3                // the first ow%8 windows
	ADDQ CX, CX
	MOVL $1, DX
	SHLL CX, DX
	DECL DX
	KMOVW DX, K1                // the first 2*(ow%8) columns: 8 of them in K1, the rest in K2
	SHRL $8, DX
	KMOVW DX, K2

gk:
	MOVQ     y_base+0(FP), R10
	MOVQ     img_base+24(FP), R8
	MOVQ     x_base+48(FP), SI
	MOVQ     rows+72(FP), DI
	MOVQ     w+88(FP), R11
	SHLQ     $2, R11
	LEAQ     (SI)(R11*1), DX
	LEAQ     (R8)(R11*1), R9
	VPCMPEQD Y14, Y14, Y14
	TESTQ    DI, DI
	JZ       gdone

grow:
	XORQ BX, BX
	CMPQ ow+80(FP), $8
	JLT  gnarrow
	MOVQ AX, CX

gblock:
	CMPQ CX, $1
	JNE  gload
	SUBQ 104(SP), BX
	SUBQ 112(SP), R10

gload:
	LOADX
	WINDOWS
	VMOVUPS (R8)(BX*1), Y0
	VMOVUPS 32(R8)(BX*1), Y1
	VMOVUPS (R9)(BX*1), Y2
	VMOVUPS 32(R9)(BX*1), Y3
	GATHER
	VMOVUPS Y4, (R10)
	ADDQ    $64, BX
	ADDQ    $32, R10
	DECQ    CX
	JNZ     gblock
	JMP     gnext

gnarrow:
	LOADXM
	WINDOWS
	VMOVUPS    0(SP), Y8
	VMASKMOVPS (R8)(BX*1), Y8, Y0
	VMASKMOVPS (R9)(BX*1), Y8, Y2
	VMOVUPS    32(SP), Y9
	VMASKMOVPS 32(R8)(BX*1), Y9, Y1
	VMASKMOVPS 32(R9)(BX*1), Y9, Y3
	GATHER
	CMPB       ·poolAVX512(SB), $0
	JNE        gnstore512
	VMOVUPS    64(SP), Y0
	VMASKMOVPS Y4, Y0, (R10)
	ADDQ       96(SP), R10
	JMP        gnext

gnstore512:
	VMOVUPS Y4, K3, (R10)
	ADDQ    96(SP), R10

gnext:
	LEAQ (SI)(R11*2), SI
	LEAQ (DX)(R11*2), DX
	LEAQ (R8)(R11*2), R8
	LEAQ (R9)(R11*2), R9
	DECQ DI
	JNZ  grow

gdone:
	VZEROUPPER
	RET
