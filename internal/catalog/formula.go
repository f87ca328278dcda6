package catalog

import (
	"fmt"
	"math/big"
	"strings"
	"unicode"
)

// A fee formula is arithmetic over the application form's number fields:
// numbers, field keys, + - * /, parentheses, min(a, b) and max(a, b). It is
// evaluated exactly (rationals) and rounded half up to the fen.

type formula struct {
	src  string
	toks []string
	pos  int
	vars map[string]*big.Rat // nil while only checking syntax
	used []string
}

// FormulaFields parses a formula and returns the field keys it uses.
func FormulaFields(src string) ([]string, error) {
	p, err := newFormula(src, nil)
	if err != nil {
		return nil, err
	}
	if _, err := p.parse(); err != nil {
		return nil, err
	}
	return p.used, nil
}

// Fen returns a fee in fen (分): its fixed amount, or its formula evaluated
// over the form's values.
func (f Fee) Fen(values map[string]string) (int64, error) {
	if f.Formula == "" {
		r, ok := new(big.Rat).SetString(strings.TrimSpace(f.Amount))
		if !ok || r.Sign() < 0 {
			return 0, fmt.Errorf("fee %q: amount %q is not a non-negative number", f.Name, f.Amount)
		}
		return fen(r), nil
	}
	vars := map[string]*big.Rat{}
	for k, v := range values {
		if r, ok := new(big.Rat).SetString(strings.TrimSpace(v)); ok {
			vars[k] = r
		}
	}
	p, err := newFormula(f.Formula, vars)
	if err != nil {
		return 0, err
	}
	r, err := p.parse()
	if err != nil {
		return 0, err
	}
	if r.Sign() < 0 {
		return 0, fmt.Errorf("fee %q: formula gives a negative amount", f.Name)
	}
	return fen(r), nil
}

// fen rounds yuan to fen, half up.
func fen(yuan *big.Rat) int64 {
	x := new(big.Rat).Mul(yuan, big.NewRat(100, 1))
	x.Add(x, big.NewRat(1, 2))
	q := new(big.Int).Quo(x.Num(), x.Denom())
	return q.Int64()
}

func newFormula(src string, vars map[string]*big.Rat) (*formula, error) {
	var toks []string
	rs := []rune(src)
	for i := 0; i < len(rs); {
		c := rs[i]
		switch {
		case unicode.IsSpace(c):
			i++
		case strings.ContainsRune("+-*/(),", c):
			toks = append(toks, string(c))
			i++
		case c >= '0' && c <= '9' || c == '.':
			j := i
			for j < len(rs) && (rs[j] >= '0' && rs[j] <= '9' || rs[j] == '.') {
				j++
			}
			toks = append(toks, string(rs[i:j]))
			i = j
		case c == '_' || unicode.IsLetter(c):
			j := i
			for j < len(rs) && (rs[j] == '_' || unicode.IsLetter(rs[j]) || unicode.IsDigit(rs[j])) {
				j++
			}
			toks = append(toks, string(rs[i:j]))
			i = j
		default:
			return nil, fmt.Errorf("formula %q: unexpected %q", src, c)
		}
	}
	if len(toks) == 0 || len(toks) > 200 {
		return nil, fmt.Errorf("formula %q: empty or too long", src)
	}
	return &formula{src: src, toks: toks, vars: vars}, nil
}

func (p *formula) parse() (*big.Rat, error) {
	r, err := p.expr(0)
	if err != nil {
		return nil, err
	}
	if p.pos != len(p.toks) {
		return nil, fmt.Errorf("formula %q: unexpected %q", p.src, p.toks[p.pos])
	}
	return r, nil
}

func (p *formula) peek() string {
	if p.pos < len(p.toks) {
		return p.toks[p.pos]
	}
	return ""
}

// expr parses sums of terms; depth guards against deeply nested input.
func (p *formula) expr(depth int) (*big.Rat, error) {
	if depth > 20 {
		return nil, fmt.Errorf("formula %q: nested too deeply", p.src)
	}
	left, err := p.term(depth)
	if err != nil {
		return nil, err
	}
	for op := p.peek(); op == "+" || op == "-"; op = p.peek() {
		p.pos++
		right, err := p.term(depth)
		if err != nil {
			return nil, err
		}
		if op == "+" {
			left = new(big.Rat).Add(left, right)
		} else {
			left = new(big.Rat).Sub(left, right)
		}
	}
	return left, nil
}

func (p *formula) term(depth int) (*big.Rat, error) {
	left, err := p.factor(depth)
	if err != nil {
		return nil, err
	}
	for op := p.peek(); op == "*" || op == "/"; op = p.peek() {
		p.pos++
		right, err := p.factor(depth)
		if err != nil {
			return nil, err
		}
		if op == "*" {
			left = new(big.Rat).Mul(left, right)
		} else if right.Sign() == 0 {
			if p.vars == nil {
				left = new(big.Rat) // checking syntax only
			} else {
				return nil, fmt.Errorf("formula %q: division by zero", p.src)
			}
		} else {
			left = new(big.Rat).Quo(left, right)
		}
	}
	return left, nil
}

func (p *formula) factor(depth int) (*big.Rat, error) {
	t := p.peek()
	p.pos++
	switch {
	case t == "":
		return nil, fmt.Errorf("formula %q: ends too early", p.src)
	case t == "-":
		r, err := p.factor(depth + 1)
		if err != nil {
			return nil, err
		}
		return new(big.Rat).Neg(r), nil
	case t == "(":
		r, err := p.expr(depth + 1)
		if err != nil {
			return nil, err
		}
		if p.peek() != ")" {
			return nil, fmt.Errorf("formula %q: missing )", p.src)
		}
		p.pos++
		return r, nil
	case t[0] >= '0' && t[0] <= '9' || t[0] == '.':
		r, ok := new(big.Rat).SetString(t)
		if !ok {
			return nil, fmt.Errorf("formula %q: bad number %q", p.src, t)
		}
		return r, nil
	case t == "min" || t == "max":
		return p.call(t, depth)
	case strings.ContainsAny(t, "+*/),"):
		return nil, fmt.Errorf("formula %q: unexpected %q", p.src, t)
	}
	p.used = append(p.used, t)
	if p.vars == nil {
		return new(big.Rat), nil
	}
	v, ok := p.vars[t]
	if !ok {
		return nil, fmt.Errorf("formula %q: field %s has no number", p.src, t)
	}
	return v, nil
}

func (p *formula) call(fn string, depth int) (*big.Rat, error) {
	if p.peek() != "(" {
		return nil, fmt.Errorf("formula %q: %s needs (a, b)", p.src, fn)
	}
	p.pos++
	a, err := p.expr(depth + 1)
	if err != nil {
		return nil, err
	}
	if p.peek() != "," {
		return nil, fmt.Errorf("formula %q: %s needs (a, b)", p.src, fn)
	}
	p.pos++
	b, err := p.expr(depth + 1)
	if err != nil {
		return nil, err
	}
	if p.peek() != ")" {
		return nil, fmt.Errorf("formula %q: missing )", p.src)
	}
	p.pos++
	if (fn == "min") == (a.Cmp(b) < 0) {
		return a, nil
	}
	return b, nil
}
