package catalog

import (
	"bufio"
	"encoding/binary"
	"fmt"
	"io"
	"os"
)

// spool keeps a sheet's rows in a temporary file until the sheet can be
// written: each row is its number of cells, then each cell's length and
// bytes, as uvarints.
type spool struct {
	f    *os.File
	w    *bufio.Writer
	rows int
	buf  []byte
}

func newSpool() (*spool, error) {
	f, err := os.CreateTemp("", "govhall-sheet-*")
	if err != nil {
		return nil, err
	}
	return &spool{f: f, w: bufio.NewWriterSize(f, 64<<10)}, nil
}

func (s *spool) write(cells []string) error {
	s.buf = binary.AppendUvarint(s.buf[:0], uint64(len(cells)))
	for _, c := range cells {
		s.buf = binary.AppendUvarint(s.buf, uint64(len(c)))
		s.buf = append(s.buf, c...)
	}
	s.rows++
	_, err := s.w.Write(s.buf)
	return err
}

// each reads the rows back in order; fn gets a slice it must not keep.
func (s *spool) each(fn func(cells []string) error) error {
	if err := s.w.Flush(); err != nil {
		return err
	}
	if _, err := s.f.Seek(0, io.SeekStart); err != nil {
		return err
	}
	r := bufio.NewReaderSize(s.f, 64<<10)
	var cells []string
	for i := 0; i < s.rows; i++ {
		n, err := binary.ReadUvarint(r)
		if err != nil {
			return fmt.Errorf("read spooled row %d: %w", i+1, err)
		}
		cells = cells[:0]
		for j := uint64(0); j < n; j++ {
			size, err := binary.ReadUvarint(r)
			if err != nil {
				return fmt.Errorf("read spooled row %d: %w", i+1, err)
			}
			b := make([]byte, size)
			if _, err := io.ReadFull(r, b); err != nil {
				return fmt.Errorf("read spooled row %d: %w", i+1, err)
			}
			cells = append(cells, string(b))
		}
		if err := fn(cells); err != nil {
			return err
		}
	}
	return nil
}

// remove deletes the temporary file (a leftover one in the temp dir would
// be harmless, so failures are not reported).
func (s *spool) remove() {
	s.f.Close()
	os.Remove(s.f.Name())
}
