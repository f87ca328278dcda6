package synth

import "unicode/utf8"

// jsonObject builds the data JSON of a licence (a flat object of strings)
// without reflection: the generator writes millions of them.
type jsonObject struct {
	b []byte
	n int
}

func (o *jsonObject) add(key, value string) *jsonObject {
	if o.n == 0 {
		o.b = append(o.b, '{')
	} else {
		o.b = append(o.b, ',')
	}
	o.n++
	o.b = appendJSONString(o.b, key)
	o.b = append(o.b, ':')
	o.b = appendJSONString(o.b, value)
	return o
}

func (o *jsonObject) close() string {
	if o.n == 0 {
		return "{}"
	}
	return string(append(o.b, '}'))
}

const hexDigits = "0123456789abcdef"

// appendJSONString appends s as a JSON string: quotes, backslashes and
// control characters escaped, other characters (Chinese text) as they are.
func appendJSONString(b []byte, s string) []byte {
	b = append(b, '"')
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == '"' || c == '\\':
			b = append(b, '\\', c)
		case c < 0x20:
			b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&15])
		case c < utf8.RuneSelf:
			b = append(b, c)
		default:
			r, size := utf8.DecodeRuneInString(s[i:])
			if r == utf8.RuneError && size == 1 {
				b = append(b, "\ufffd"...)
			} else {
				b = append(b, s[i:i+size]...)
			}
			i += size
			continue
		}
		i++
	}
	return append(b, '"')
}
