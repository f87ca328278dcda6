package tabular

import (
	"encoding/json"
	"fmt"
	"unicode/utf8"
)

// objScanner parses the one shape a JSON Lines table has, a flat object of
// strings, numbers and nulls, without building a token stream (encoding/json's
// Token API reads about 50,000 such lines/s; this reads several times more).
// Strings with escapes go through encoding/json, so they decode exactly as
// it would decode them.
type objScanner struct {
	b   []byte
	i   int
	key string // the key being read, for errors
}

// parseObject hands each key and value of the object on line to put, in
// order. Syntax errors wrap ErrNotObject; a value that is not a string,
// number or null is ErrValueType; both name the key when there is one.
func parseObject(line []byte, put func(key, val string) error) error {
	s := objScanner{b: line}
	s.space()
	if !s.eat('{') {
		return ErrNotObject
	}
	s.space()
	if !s.eat('}') {
		for {
			if err := s.member(put); err != nil {
				return err
			}
			s.space()
			if s.eat(',') {
				s.space()
				continue
			}
			if s.eat('}') {
				break
			}
			return s.fail("want ',' or '}'")
		}
	}
	s.space()
	if s.i != len(s.b) {
		s.key = ""
		return s.fail("text after the object")
	}
	return nil
}

// member reads `"key": value` and hands it to put.
func (s *objScanner) member(put func(key, val string) error) error {
	if s.i >= len(s.b) || s.b[s.i] != '"' {
		return s.fail("want a key")
	}
	key, err := s.str()
	if err != nil {
		return err
	}
	s.key = key
	s.space()
	if !s.eat(':') {
		return s.fail("want ':' after the key")
	}
	s.space()
	val, err := s.value()
	if err != nil {
		return err
	}
	return put(key, val)
}

func (s *objScanner) fail(what string) error {
	err := fmt.Errorf("%w: %s at character %d", ErrNotObject, what, s.i+1)
	if s.key != "" {
		return &Error{Column: s.key, Err: err}
	}
	return err
}

func (s *objScanner) space() {
	for s.i < len(s.b) {
		switch s.b[s.i] {
		case ' ', '\t', '\r', '\n':
			s.i++
		default:
			return
		}
	}
}

func (s *objScanner) eat(c byte) bool {
	if s.i < len(s.b) && s.b[s.i] == c {
		s.i++
		return true
	}
	return false
}

// value reads a string, a number (its literal text) or null ("").
func (s *objScanner) value() (string, error) {
	if s.i >= len(s.b) {
		return "", s.fail("want a value")
	}
	switch c := s.b[s.i]; {
	case c == '"':
		return s.str()
	case c == '-' || c >= '0' && c <= '9':
		return s.number()
	case s.literal("null"):
		return "", nil
	case s.literal("true") || s.literal("false") || c == '{' || c == '[':
		return "", &Error{Column: s.key, Err: ErrValueType}
	}
	return "", s.fail("want a value")
}

func (s *objScanner) literal(word string) bool {
	if len(s.b)-s.i >= len(word) && string(s.b[s.i:s.i+len(word)]) == word {
		s.i += len(word)
		return true
	}
	return false
}

// str reads a JSON string starting at the opening quote.
func (s *objScanner) str() (string, error) {
	start := s.i
	plain := true
	for s.i++; s.i < len(s.b); s.i++ {
		switch c := s.b[s.i]; {
		case c == '"':
			s.i++
			raw := s.b[start+1 : s.i-1]
			if plain && utf8.Valid(raw) {
				return string(raw), nil
			}
			var v string
			if err := json.Unmarshal(s.b[start:s.i], &v); err != nil {
				return "", s.fail(err.Error())
			}
			return v, nil
		case c == '\\':
			plain = false
			s.i++ // skip the escaped character; Unmarshal checks it
		case c < 0x20:
			return "", s.fail("control character in a string")
		}
	}
	return "", s.fail("unterminated string")
}

// number reads a JSON number and returns its literal text.
func (s *objScanner) number() (string, error) {
	start := s.i
	s.eat('-')
	if !s.eat('0') && s.digits() == 0 {
		return "", s.fail("bad number")
	}
	if s.eat('.') && s.digits() == 0 {
		return "", s.fail("bad number")
	}
	if s.eat('e') || s.eat('E') {
		if !s.eat('+') {
			s.eat('-')
		}
		if s.digits() == 0 {
			return "", s.fail("bad number")
		}
	}
	return string(s.b[start:s.i]), nil
}

func (s *objScanner) digits() int {
	n := 0
	for s.i < len(s.b) && s.b[s.i] >= '0' && s.b[s.i] <= '9' {
		s.i++
		n++
	}
	return n
}
