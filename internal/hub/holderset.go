package hub

import (
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"slices"

	"github.com/govhall/govhall/internal/db"
)

// holderKeys holds the keys of the stored persons and entities, each kind
// read on its first probe, packed into integers and kept sorted in chunks:
// an ID number's 18 characters (17 digits and a check character, 11
// values) are one uint64, a credit code's 18 characters of a 31-letter
// alphabet two of 45 bits. 6.6 M persons take 53 MB, 300 k entities 5 MB
// (a map of strings would take ≈10 times as much). A probe is a binary
// search over the chunks' first keys (small enough to stay in the CPU
// cache), then within one 8 KB chunk.
type holderKeys struct {
	persons     keySet[uint64]
	entities    keySet[[2]uint64]
	readPersons bool
	readEnts    bool
	// The tables too big for the file: their holders are looked up per
	// batch instead (decided before the file is read).
	lookupPersons, lookupEnts bool
}

// has says whether the holder of kind (HolderPerson or HolderEntity) with
// the parsed, valid key id is stored.
func (h *holderKeys) has(ctx context.Context, s *Service, kind, id string) (bool, error) {
	if kind == HolderEntity {
		if !h.readEnts {
			if err := readKeys(ctx, s, entitiesTable, packCreditCode, &h.entities, cmpPair); err != nil {
				return false, err
			}
			h.readEnts = true
		}
		k, ok := packCreditCode(id)
		return ok && h.entities.has(k), nil
	}
	if !h.readPersons {
		if err := readKeys(ctx, s, personsTable, packIDNumber, &h.persons, cmp.Compare[uint64]); err != nil {
			return false, err
		}
		h.readPersons = true
	}
	k, ok := packIDNumber(id)
	return ok && h.persons.has(k), nil
}

// keyReadCacheKiB is the SQLite page cache the keys are read through: a
// scan in key order needs none, and a reader's 64 MiB cache filled with
// the persons' key index stayed in the process (+65 MB peak RSS for 1 M
// persons, measured) after the read.
const keyReadCacheKiB = 2 << 10

// readKeys reads every key of table t in key order into set. A stored key
// that does not pack (not a valid ID number or credit code) is left out:
// no valid holder could name it. It reads through the writer's connection
// (the import's own, between two of its batches) with a small page cache.
func readKeys[K any](ctx context.Context, s *Service, t *table, pack func(string) (K, bool), set *keySet[K],
	compare func(a, b K) int) error {
	set.cmp = compare
	err := s.DB.WithBulkTx(db.WithBulkCache(ctx, keyReadCacheKiB), func(b *db.BulkTx) error {
		rows, err := b.Query(ctx, "SELECT "+t.key+" FROM "+t.name+" ORDER BY "+t.key)
		if err != nil {
			return err
		}
		defer rows.Close()
		var k sql.RawBytes
		for rows.Next() {
			if err := rows.Scan(&k); err != nil {
				return err
			}
			if v, ok := pack(string(k)); ok {
				set.add(v)
			}
		}
		return rows.Err()
	})
	if err != nil {
		return fmt.Errorf("read the keys of %s: %w", t.name, err)
	}
	set.seal()
	return nil
}

// chunkKeys is the number of keys of one chunk.
const chunkKeys = 1024

// keySet is a set of keys in ascending order, in chunks of chunkKeys
// (growing it never copies what it holds).
type keySet[K any] struct {
	chunks [][]K
	firsts []K // the first key of each chunk
	cmp    func(a, b K) int
	sorted bool
}

// add appends k; keys not added in order are sorted by seal.
func (s *keySet[K]) add(k K) {
	n := len(s.chunks)
	if n == 0 || len(s.chunks[n-1]) == chunkKeys {
		s.chunks = append(s.chunks, make([]K, 0, chunkKeys))
		n++
	}
	c := &s.chunks[n-1]
	if n == 1 && len(*c) == 0 {
		s.sorted = true
	} else if last := s.lastKey(); s.cmp(last, k) >= 0 {
		s.sorted = false
	}
	*c = append(*c, k)
}

func (s *keySet[K]) lastKey() K {
	c := s.chunks[len(s.chunks)-1]
	if len(c) == 0 {
		c = s.chunks[len(s.chunks)-2]
	}
	return c[len(c)-1]
}

// seal sorts the keys should the database have returned them in another
// order (a PostgreSQL collation that is not bytewise), and indexes the
// chunks' first keys.
func (s *keySet[K]) seal() {
	if !s.sorted && len(s.chunks) > 0 {
		var all []K
		for _, c := range s.chunks {
			all = append(all, c...)
		}
		slices.SortFunc(all, s.cmp)
		all = slices.CompactFunc(all, func(a, b K) bool { return s.cmp(a, b) == 0 })
		s.chunks = s.chunks[:0]
		for len(all) > 0 {
			n := min(len(all), chunkKeys)
			s.chunks = append(s.chunks, all[:n:n])
			all = all[n:]
		}
	}
	s.firsts = make([]K, len(s.chunks))
	for i, c := range s.chunks {
		s.firsts[i] = c[0]
	}
}

func (s *keySet[K]) has(k K) bool {
	i, found := slices.BinarySearchFunc(s.firsts, k, s.cmp)
	if found {
		return true
	}
	if i == 0 {
		return false
	}
	_, found = slices.BinarySearchFunc(s.chunks[i-1], k, s.cmp)
	return found
}

func cmpPair(a, b [2]uint64) int {
	if c := cmp.Compare(a[0], b[0]); c != 0 {
		return c
	}
	return cmp.Compare(a[1], b[1])
}

// packIDNumber packs an 18-character ID number (17 digits and a check
// character 0-9 or X) into an integer of the same order.
func packIDNumber(id string) (uint64, bool) {
	if len(id) != 18 {
		return 0, false
	}
	var v uint64
	for i := 0; i < 17; i++ {
		c := id[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		v = v*10 + uint64(c-'0')
	}
	c := id[17]
	switch {
	case c >= '0' && c <= '9':
		return v*11 + uint64(c-'0'), true
	case c == 'X':
		return v*11 + 10, true
	}
	return 0, false
}

// creditIndex maps a byte to its value in the credit code alphabet
// (0123456789ABCDEFGHJKLMNPQRTUWXY, in byte order), or 0xFF.
var creditIndex = func() (t [256]byte) {
	for i := range t {
		t[i] = 0xFF
	}
	for i, c := range []byte("0123456789ABCDEFGHJKLMNPQRTUWXY") {
		t[c] = byte(i)
	}
	return t
}()

// packCreditCode packs an 18-character credit code into two integers of
// 9 characters each, in the same order.
func packCreditCode(code string) ([2]uint64, bool) {
	var k [2]uint64
	if len(code) != 18 {
		return k, false
	}
	for i := 0; i < 18; i++ {
		v := creditIndex[code[i]]
		if v == 0xFF {
			return k, false
		}
		k[i/9] = k[i/9]*31 + uint64(v)
	}
	return k, true
}
