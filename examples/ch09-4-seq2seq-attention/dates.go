package main

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"time"
)

// The task of the book's second volume, chapter 8: dates written in many ways, to be
// rewritten as YYYY-MM-DD. Years run from 1950 to 2049, so a two-digit year is never
// ambiguous (50-99 are 19xx, 00-49 are 20xx).

const (
	srcLen = 29  // longest source, padded with spaces ("wednesday, september 27, 1994" is 29)
	tgtLen = 10  // YYYY-MM-DD
	start  = '_' // the decoder's first input
)

// vocab holds every character of sources and targets; index 0 is the padding space.
const vocab = " _,-./0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"

var formats = []func(d time.Time) string{
	func(d time.Time) string { return strings.ToLower(d.Format("January 2, 2006")) },
	func(d time.Time) string { return d.Format("January 2, 2006") },
	func(d time.Time) string { return strings.ToUpper(d.Format("January 2, 2006")) },
	func(d time.Time) string { return d.Format("Jan 2, 2006") },
	func(d time.Time) string { return strings.ToUpper(d.Format("Jan 2, 2006")) },
	func(d time.Time) string { return d.Format("2 January 2006") },
	func(d time.Time) string { return strings.ToLower(d.Format("Monday, January 2, 2006")) },
	func(d time.Time) string { return strings.ToUpper(d.Format("Monday, January 2, 2006")) },
	func(d time.Time) string { return d.Format("1/2/06") },
	func(d time.Time) string { return d.Format("01/02/2006") },
	func(d time.Time) string { return d.Format("02.01.2006") },
}

// pair is one example: a source date and its YYYY-MM-DD form.
type pair struct {
	src, tgt string
	format   int // index in formats
}

// makeDates draws n distinct sources for training and m more, none of them in training,
// for testing.
func makeDates(rng *rand.Rand, n, m int) (train, test []pair) {
	first := time.Date(1950, 1, 1, 0, 0, 0, 0, time.UTC)
	days := int(time.Date(2050, 1, 1, 0, 0, 0, 0, time.UTC).Sub(first).Hours() / 24)
	seen := map[string]bool{}
	for len(train)+len(test) < n+m {
		d := first.AddDate(0, 0, rng.IntN(days))
		f := rng.IntN(len(formats))
		src := formats[f](d)
		if seen[src] {
			continue
		}
		seen[src] = true
		p := pair{src, d.Format("2006-01-02"), f}
		if len(train) < n {
			train = append(train, p)
		} else {
			test = append(test, p)
		}
	}
	return train, test
}

// ids writes s's characters into dst as vocabulary indices, padding with spaces (0).
func ids(dst []int32, s string) {
	for i := range dst {
		dst[i] = 0
		if i < len(s) {
			dst[i] = int32(strings.IndexByte(vocab, s[i]))
		}
	}
}

func mustVocab(s string) error {
	for i := range len(s) {
		if strings.IndexByte(vocab, s[i]) < 0 {
			return fmt.Errorf("%q: character %q is not in the vocabulary", s, s[i])
		}
	}
	if len(s) > srcLen {
		return fmt.Errorf("%q is longer than %d", s, srcLen)
	}
	return nil
}

func newRand() *rand.Rand { return rand.New(rand.NewPCG(1, 2)) }

// distinctFormats picks up to k dates of data written in different formats, in order.
func distinctFormats(data []pair, k int) []int {
	var idx []int
	used := map[int]bool{}
	for i, p := range data {
		if len(idx) == k {
			break
		}
		if !used[p.format] {
			used[p.format] = true
			idx = append(idx, i)
		}
	}
	return idx
}
