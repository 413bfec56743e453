package store

import "unicode/utf8"

// SQLite's search index keys each customer by the subaccount's code, a
// bucket of the name, the status and the customer's seq, in that order
// (migration 00006 explains the layout and computes it in SQL).
const (
	searchStatusShift = 30
	searchBucketShift = 33
	searchCodeShift   = 53
	searchSeqMask     = 1<<searchStatusShift - 1
	searchStatusMask  = 7
	bucketChars       = 4
	bucketCharBits    = 5
)

// bucketCode codes one character of a name key: 0 for the end, 2-27 for
// a to z, and a range code for anything else.
func bucketCode(r rune, end bool) int64 {
	switch {
	case end:
		return 0
	case r < 'a':
		return 1
	case r <= 'z':
		return int64(r-'a') + 2
	case r < 0xC0:
		return 28
	case r <= 0xFF:
		return 29
	}
	return 30
}

// exactCode reports whether a code stands for one character, so that the
// characters after it can be coded too.
func exactCode(c int64) bool { return c >= 2 && c <= 27 }

// nameBucket is the bucket of a name key, as customer_search_keys computes
// it: a name that sorts before another never has a higher bucket.
func nameBucket(nameKey string) int64 {
	var b int64
	exact := true
	for i := range bucketChars {
		var c int64
		if exact {
			r, size := utf8.DecodeRuneInString(nameKey)
			c = bucketCode(r, size == 0)
			nameKey = nameKey[size:]
			exact = exactCode(c)
		}
		b |= c << (bucketCharBits * (bucketChars - 1 - i))
	}
	return b
}

// bucketCodes splits a bucket into its characters' codes.
func bucketCodes(b int64) [bucketChars]int64 {
	var cs [bucketChars]int64
	for i := range bucketChars {
		cs[i] = b >> (bucketCharBits * (bucketChars - 1 - i)) & (1<<bucketCharBits - 1)
	}
	return cs
}

// validBucket reports whether some name has bucket b.
func validBucket(b int64) bool {
	if b < 0 || b >= 1<<(bucketCharBits*bucketChars) {
		return false
	}
	stopped := false
	for _, c := range bucketCodes(b) {
		if c > 30 || stopped && c != 0 {
			return false
		}
		stopped = stopped || !exactCode(c)
	}
	return true
}

// nextBucket is the next bucket after b that a name can have, or -1. A
// bucket's codes end at the first that is not a letter, or at the fourth:
// the next bucket has the code there one higher, or, after the highest
// code, the one before it.
func nextBucket(b int64) int64 {
	cs := bucketCodes(b)
	last := 0
	for last < bucketChars-1 && exactCode(cs[last]) {
		last++
	}
	for i := last; i >= 0; i-- {
		if cs[i] < 30 {
			cs[i]++
			var n int64
			for j := range bucketChars {
				if j > i {
					cs[j] = 0
				}
				n |= cs[j] << (bucketCharBits * (bucketChars - 1 - j))
			}
			return n
		}
	}
	return -1
}

// lowestChar is the first character of a code's range.
var lowestChar = map[int64]rune{1: 0, 28: 'z' + 1, 29: 0xC0, 30: 0x100}

// bucketStart is where bucket b starts in name order: every name key in b
// or a later bucket is at least start, or more than start when after.
func bucketStart(b int64) (start string, after bool) {
	var prefix []rune
	for _, c := range bucketCodes(b) {
		switch {
		case exactCode(c):
			prefix = append(prefix, rune(c-2)+'a')
			continue
		case c == 0:
			return string(prefix), false
		case c == 1:
			// The range starts just after the prefix itself.
			return string(prefix), true
		}
		return string(append(prefix, lowestChar[c])), false
	}
	return string(prefix), false
}
