// The macros of the Winograd tile transforms (winograd_amd64.s, one block of 8 channels
// per pass, and winograd_pair_amd64.s, two): each pixel of a tile is one Y register, 8
// channels wide. Strides come in values and are turned into bytes: R10 a row of the
// planes, R11 the distance between two of the 16 transformed matrices (R13 three of them),
// R12 between two tiles.

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
