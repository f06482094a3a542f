package paramfile

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// FuzzReadPickle feeds the importer arbitrary bytes: it must never panic,
// and whatever it accepts must be tensors whose data matches their shape.
func FuzzReadPickle(f *testing.F) {
	files, _ := filepath.Glob("testdata/*.pkl")
	for _, file := range files {
		data, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		ts, err := ReadPickle(bytes.NewReader(data))
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
