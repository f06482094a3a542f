package dataset

import (
	"crypto/md5"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// defaultClient gives up on a mirror that does not answer, without limiting
// how long a slow but working download may take.
var defaultClient = &http.Client{
	Transport: &http.Transport{
		Proxy:                 http.ProxyFromEnvironment,
		DialContext:           (&net.Dialer{Timeout: 15 * time.Second}).DialContext,
		TLSHandshakeTimeout:   15 * time.Second,
		ResponseHeaderTimeout: 30 * time.Second,
	},
	Timeout: 10 * time.Minute,
}

// download fetches into dir each of v's four .gz files that dir does not
// already hold with the right checksum, trying v.Mirrors in order.
func download(opts *Options, v *Variant, dir string) error {
	if len(v.Mirrors) == 0 {
		return fmt.Errorf("%s has no mirrors", v.Name)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	client := opts.Client
	if client == nil {
		client = defaultClient
	}
	var errs []error
	for _, name := range fileNames {
		name += ".gz"
		want, known := v.Checksums[name]
		if !known && !opts.SkipChecksum {
			errs = append(errs, fmt.Errorf("%s: no known checksum, and Options.SkipChecksum is not set", name))
			continue
		}
		dst := filepath.Join(dir, name)
		if known {
			if b, err := os.ReadFile(dst); err == nil && sumOf(b) == want {
				continue
			}
		}
		var tries []string
		ok := false
		for _, m := range v.Mirrors {
			url := strings.TrimSuffix(m, "/") + "/" + name
			if opts.Logf != nil {
				opts.Logf("dataset: downloading %s", url)
			}
			err := fetch(client, url, dst, want, known)
			if err == nil {
				ok = true
				break
			}
			tries = append(tries, err.Error())
		}
		if !ok {
			errs = append(errs, fmt.Errorf("%s: %s", name, strings.Join(tries, "; ")))
		}
	}
	return errors.Join(errs...)
}

// fetch downloads url into dst by way of a temporary file in dst's folder,
// renamed into place only once its size and MD5 match want (when known).
// It reads at most want.Size+1 bytes (MaxIDXBytes when unknown).
func fetch(client *http.Client, url, dst string, want Checksum, known bool) (err error) {
	resp, err := client.Get(url)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("%s: %s", url, resp.Status)
	}
	limit := int64(MaxIDXBytes)
	if known {
		limit = want.Size
		if resp.ContentLength >= 0 && resp.ContentLength != want.Size {
			return fmt.Errorf("%s: server announces %d bytes, want %d", url, resp.ContentLength, want.Size)
		}
	}
	f, err := os.CreateTemp(filepath.Dir(dst), filepath.Base(dst)+".*.tmp")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(f.Name())
		}
	}()
	h := md5.New()
	n, err := io.Copy(io.MultiWriter(f, h), io.LimitReader(resp.Body, limit+1))
	if err != nil {
		return fmt.Errorf("%s: after %d bytes: %w", url, n, err)
	}
	got := Checksum{Size: n, MD5: hex.EncodeToString(h.Sum(nil))}
	if n > limit {
		return fmt.Errorf("%s: more than %d bytes", url, limit)
	}
	if known && got != want {
		return fmt.Errorf("%s: checksum mismatch: got %v, want %v", url, got, want)
	}
	if err = f.Chmod(0o644); err != nil { // CreateTemp makes it 0600
		return err
	}
	if err = f.Sync(); err != nil {
		return err
	}
	if err = f.Close(); err != nil {
		return err
	}
	return os.Rename(f.Name(), dst)
}
