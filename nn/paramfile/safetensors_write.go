package paramfile

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"unicode/utf8"
)

// SaveSafetensors writes tensors (float32 as F32, float64 as F64) and
// metadata (nil for none) to a safetensors file at path.
//
// The output is deterministic: tensors appear in the header and in the data
// in the order given, metadata keys sorted, header padded with spaces so the
// data starts 8-byte aligned. Everything is checked first (unique UTF-8 names,
// none "__metadata__", no nil tensor, only float32 and float64); views are
// written as their elements in row-major order.
//
// Saving never loses data: the file is written to a temporary file in the
// same folder, synced, closed and renamed over path, and the folder is synced.
// On any error the temporary file is removed and an existing file at path is
// left as it was. A new file gets mode 0644; a replaced one keeps its mode.
func SaveSafetensors(path string, ts []NamedTensor, metadata map[string]string) error {
	p, err := planSafetensors(ts, metadata)
	if err != nil {
		return fmt.Errorf("safetensors: %s: %w", path, err)
	}
	if err := saveAtomic(path, p.writeTo); err != nil {
		return fmt.Errorf("safetensors: %w", err)
	}
	return nil
}

// writeSafetensors writes the bytes SaveSafetensors would write.
func writeSafetensors(w io.Writer, ts []NamedTensor, metadata map[string]string) error {
	p, err := planSafetensors(ts, metadata)
	if err != nil {
		return err
	}
	return p.writeTo(w)
}

// stPlan is a checked, ready-to-write file: its header and its tensors'
// elements ([]float32 or []float64) in order.
type stPlan struct {
	header []byte
	data   []any
}

func planSafetensors(ts []NamedTensor, metadata map[string]string) (*stPlan, error) {
	var h bytes.Buffer
	h.WriteByte('{')
	if len(metadata) > 0 {
		h.WriteString(jsonString(metadataKey))
		h.WriteString(":{")
		keys := make([]string, 0, len(metadata))
		for k := range metadata {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		for i, k := range keys {
			if !utf8.ValidString(k) || !utf8.ValidString(metadata[k]) {
				return nil, fmt.Errorf("metadata %q: keys and values must be valid UTF-8", k)
			}
			if i > 0 {
				h.WriteByte(',')
			}
			h.WriteString(jsonString(k))
			h.WriteByte(':')
			h.WriteString(jsonString(metadata[k]))
		}
		h.WriteByte('}')
	}
	p := &stPlan{data: make([]any, len(ts))}
	seen := make(map[string]bool, len(ts))
	offset := uint64(0)
	for i, t := range ts {
		switch {
		case t.Name == metadataKey:
			return nil, fmt.Errorf("a tensor may not be named %q", metadataKey)
		case seen[t.Name]:
			return nil, fmt.Errorf("tensor %q given twice", t.Name)
		case !utf8.ValidString(t.Name):
			return nil, fmt.Errorf("tensor name %q is not valid UTF-8", t.Name)
		case t.Value == nil:
			return nil, fmt.Errorf("tensor %q is nil", t.Name)
		}
		seen[t.Name] = true
		data, err := floatData(t.Value)
		if err != nil {
			return nil, fmt.Errorf("tensor %q: %w", t.Name, err)
		}
		dtype, size := "F32", uint64(4)
		if _, ok := data.([]float64); ok {
			dtype, size = "F64", 8
		}
		end := offset + size*uint64(t.Value.Shape().TotalSize())
		if i > 0 || len(metadata) > 0 {
			h.WriteByte(',')
		}
		fmt.Fprintf(&h, `%s:{"dtype":"%s","shape":[`, jsonString(t.Name), dtype)
		for j, d := range t.Value.Shape() {
			if j > 0 {
				h.WriteByte(',')
			}
			h.WriteString(strconv.Itoa(d))
		}
		fmt.Fprintf(&h, `],"data_offsets":[%d,%d]}`, offset, end)
		p.data[i] = data
		offset = end
	}
	h.WriteByte('}')
	for (8+h.Len())%8 != 0 {
		h.WriteByte(' ')
	}
	p.header = h.Bytes()
	return p, nil
}

// jsonString quotes s as a JSON string, leaving <, > and & as they are.
func jsonString(s string) string {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(s) // a string always encodes (invalid UTF-8 becomes U+FFFD)
	return string(bytes.TrimSuffix(b.Bytes(), []byte("\n")))
}

func (p *stPlan) writeTo(w io.Writer) error {
	var b8 [8]byte
	binary.LittleEndian.PutUint64(b8[:], uint64(len(p.header)))
	if _, err := w.Write(b8[:]); err != nil {
		return err
	}
	if _, err := w.Write(p.header); err != nil {
		return err
	}
	buf := make([]byte, 0, 1<<16)
	flush := func() error {
		_, err := w.Write(buf)
		buf = buf[:0]
		return err
	}
	for _, d := range p.data {
		switch v := d.(type) {
		case []float32:
			for _, x := range v {
				if len(buf)+4 > cap(buf) {
					if err := flush(); err != nil {
						return err
					}
				}
				buf = binary.LittleEndian.AppendUint32(buf, math.Float32bits(x))
			}
		case []float64:
			for _, x := range v {
				if len(buf)+8 > cap(buf) {
					if err := flush(); err != nil {
						return err
					}
				}
				buf = binary.LittleEndian.AppendUint64(buf, math.Float64bits(x))
			}
		}
	}
	return flush()
}

// saveAtomic writes a file through write: to a temporary file in the same
// folder, then synced, closed and renamed over path, then the folder synced.
// On error the temporary file is removed and path is untouched; before
// writing, the temporaries that killed saves of path left are removed
// (savetemp.go).
func saveAtomic(path string, write func(io.Writer) error) (err error) {
	dir := filepath.Dir(path)
	mode := os.FileMode(0o644)
	if fi, err := os.Stat(path); err == nil && fi.Mode().IsRegular() {
		mode = fi.Mode().Perm()
	}
	f, err := os.CreateTemp(dir, tempPattern(path))
	if err != nil {
		return err
	}
	tmp := f.Name()
	defer func() {
		if err != nil {
			f.Close() // may already be closed; the error that matters is err
			os.Remove(tmp)
		}
	}()
	if err := lockTemp(f); err != nil {
		return fmt.Errorf("locking %s: %w", tmp, err)
	}
	removeStaleTemps(path, tmp)
	bw := bufio.NewWriterSize(f, 1<<16)
	if err := write(bw); err != nil {
		return fmt.Errorf("writing %s: %w", tmp, err)
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("writing %s: %w", tmp, err)
	}
	if err := f.Chmod(mode); err != nil {
		return err
	}
	if err := f.Sync(); err != nil {
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	if err := os.Rename(tmp, path); err != nil {
		return err
	}
	return syncDir(dir)
}

// syncDir makes a rename in dir durable. Windows cannot sync a folder.
func syncDir(dir string) error {
	if runtime.GOOS == "windows" {
		return nil
	}
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	if err := d.Sync(); err != nil {
		d.Close()
		return fmt.Errorf("saved, but syncing the folder %s failed: %w", dir, err)
	}
	return d.Close()
}
