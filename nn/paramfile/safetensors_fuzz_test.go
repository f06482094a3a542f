package paramfile

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// FuzzReadSafetensors feeds the parser arbitrary bytes: it must never panic,
// whatever it accepts must be self-consistent, and writing what it read must
// give a file that reads back to the same bytes again.
func FuzzReadSafetensors(f *testing.F) {
	seedFiles(f, "testdata/*.safetensors")
	var b bytes.Buffer
	if err := writeSafetensors(&b, sampleTensors(), map[string]string{"k": "v"}); err != nil {
		f.Fatal(err)
	}
	f.Add(b.Bytes())
	f.Add(stFile(`{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"b":{"dtype":"F64","shape":[],"data_offsets":[4,12]}}`, 12))
	f.Fuzz(func(t *testing.T, data []byte) {
		ts, meta, err := ReadSafetensors(data)
		if err != nil {
			if ts != nil || meta != nil {
				t.Fatalf("results returned with error %v", err)
			}
			return
		}
		for _, x := range ts {
			if _, err := floatData(x.Value); err != nil {
				t.Fatalf("%s: %v", x.Name, err)
			}
		}
		var w1 bytes.Buffer
		if err := writeSafetensors(&w1, ts, meta); err != nil {
			t.Fatalf("cannot write what was read: %v", err)
		}
		ts2, meta2, err := ReadSafetensors(w1.Bytes())
		if err != nil {
			t.Fatalf("cannot read what was written: %v", err)
		}
		var w2 bytes.Buffer
		if err := writeSafetensors(&w2, ts2, meta2); err != nil || !bytes.Equal(w1.Bytes(), w2.Bytes()) {
			t.Fatalf("write-read-write changed the file (%v)", err)
		}
	})
}

// seedFiles adds every file matching pattern to the fuzzer's seed corpus.
func seedFiles(f *testing.F, pattern string) {
	files, _ := filepath.Glob(pattern)
	for _, file := range files {
		data, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
}
