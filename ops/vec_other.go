//go:build !amd64 || purego

package ops

// addTo32 sets dst[i] += src[i] over dst.
func addTo32(dst, src []float32) {
	src = src[:len(dst)]
	for i, v := range src {
		dst[i] += v
	}
}
