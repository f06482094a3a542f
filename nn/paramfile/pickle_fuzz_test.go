package paramfile

import (
	"bytes"
	"runtime"
	"testing"
)

// FuzzReadPickle feeds the importer arbitrary bytes: it must never panic,
// whatever it accepts must be tensors whose data matches their shape, and no
// input may cost more than the bound on what a file of its size may allocate
// (the seeds include small hostile files, whose repeated parts mutation can
// multiply).
func FuzzReadPickle(f *testing.F) {
	seedFiles(f, "testdata/*.pkl")
	for _, data := range [][]byte{
		sharedArrayPickle(4, 20), sharedDataPickle(16, 20), encodedStringPickle(16, 20),
		hugeIntPickle(8), hugeIntPickle(64), floodPickle(100),
	} {
		f.Add(data)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		ts, err := ReadPickle(bytes.NewReader(data))
		runtime.ReadMemStats(&after)
		if alloc := after.TotalAlloc - before.TotalAlloc; alloc > allocLimit(len(data)) {
			t.Fatalf("%d bytes allocated for a file of %d, more than %d", alloc, len(data), allocLimit(len(data)))
		}
		if err != nil {
			if ts != nil {
				t.Fatalf("tensors returned with error %v", err)
			}
			return
		}
		for _, x := range ts {
			if _, err := floatData(x.Value); err != nil {
				t.Fatalf("%s: %v", x.Name, err)
			}
		}
	})
}
