// Shared by pool_amd64.s and pool_grad_amd64.s: the max of Go's semantics and the masks of
// rows of fewer than 8 windows.

// MAXPS sets a to the lane-wise max of a and b with Go's semantics, using t1 and t2:
// VMAXPS returns its second source on NaN or equal operands, so the max taken both ways
// and ANDed gives +0 for (-0, +0), and ORing the unordered mask makes any NaN all ones.
#define MAXPS(a, b, t1, t2) \
	VMAXPS  b, a, t1;  \
	VMAXPS  a, b, t2;  \
	VANDPS  t2, t1, t1; \
	VCMPPS  $3, b, a, t2; \
	VORPS   t2, t1, a

// pool2x2tail is 16 all-ones lanes then 16 zero lanes: 8 lanes from lane 16-k on are the
// mask of the first k.
DATA  pool2x2tail<>+0(SB)/8, $-1
DATA  pool2x2tail<>+8(SB)/8, $-1
DATA  pool2x2tail<>+16(SB)/8, $-1
DATA  pool2x2tail<>+24(SB)/8, $-1
DATA  pool2x2tail<>+32(SB)/8, $-1
DATA  pool2x2tail<>+40(SB)/8, $-1
DATA  pool2x2tail<>+48(SB)/8, $-1
DATA  pool2x2tail<>+56(SB)/8, $-1
GLOBL pool2x2tail<>(SB), RODATA|NOPTR, $128

// TAIL takes ow in AX and leaves in AX the blocks of 8 windows a row takes when ow >= 8:
// ow/8, and one more, the row's last 8 windows, when ow%8 > 0 (a window done twice writes
// the same values). On the stack (a frame of 128 bytes) it leaves the masks of the first
// 2*(ow%8) lanes of 16 at 0(SP) and 32(SP) and of the first ow%8 lanes at 64(SP), for rows
// of fewer than 8 windows; 4*(ow%8) at 96(SP); and at 104(SP) and 112(SP) how many bytes of
// x and of y the last block steps back (0 when ow%8 = 0). Uses BX, CX, DX and Y0.
#define TAIL \
	MOVQ    AX, CX;                \
	ANDQ    $7, CX;                \
	SHRQ    $3, AX;                \
	LEAQ    pool2x2tail<>(SB), BX; \
	MOVQ    CX, DX;                \
	SHLQ    $3, DX;                \
	NEGQ    DX;                    \
	VMOVUPS 64(BX)(DX*1), Y0;      \
	VMOVUPS Y0, 0(SP);             \
	VMOVUPS 96(BX)(DX*1), Y0;      \
	VMOVUPS Y0, 32(SP);            \
	SARQ    $1, DX;                \
	VMOVUPS 64(BX)(DX*1), Y0;      \
	VMOVUPS Y0, 64(SP);            \
	NEGQ    DX;                    \
	MOVQ    DX, 96(SP);            \
	MOVQ    $32, BX;               \
	SUBQ    DX, BX;                \
	XORQ    DX, DX;                \
	TESTQ   CX, CX;                \
	CMOVQEQ DX, BX;                \
	MOVQ    BX, 112(SP);           \
	SHLQ    $1, BX;                \
	MOVQ    BX, 104(SP);           \
	NEGQ    CX;                    \
	ADCQ    $0, AX
