package db

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// TextIndex describes a table's full-text index to FullText: the FTS5 table
// (SQLite, trigram tokenizer, rowid = the row's id) and the text expression
// of the pg_trgm GIN index (PostgreSQL). Both are written by the package
// that owns the table; FullText only says how each engine asks them.
type TextIndex struct {
	ID      string   // the row's id column, e.g. "i.id"
	Columns []string // the indexed columns, e.g. "i.name", "i.search_text"
	FTS     string   // SQLite: the FTS5 table
	Expr    string   // PostgreSQL: the indexed expression, exactly as in CREATE INDEX
	// Name is the column that ranks best (the item's name).
	Name string
}

// TextMatch is a full-text condition in the engine's terms: Join goes after
// the FROM clause, Where is ANDed into the WHERE clause (with WhereArgs),
// and Rank, when not empty, is an expression to ORDER BY ascending, best
// match first (with RankArgs).
type TextMatch struct {
	Join      string
	Where     string
	WhereArgs []any
	Rank      string
	RankArgs  []any
}

// trigram is the length below which a term has no trigram: the index cannot
// narrow it, and LIKE scans instead.
const trigram = 3

// FullText finds rows whose indexed text contains every term, ignoring
// ASCII case (a substring match, so Chinese needs no word segmentation).
// SQLite asks the FTS5 trigram table with MATCH for terms of three or more
// characters and ranks by bm25 (the first column weighs ten times the
// others); a shorter term has no trigram, and instr() over the columns
// finds it (measured several times faster than LIKE in the pure-Go
// SQLite). PostgreSQL puts every term in a LIKE (ILIKE when it has Latin
// letters) on the indexed expression, which the pg_trgm GIN index answers for terms of three or
// more characters, and ranks by trigram similarity of the name to the
// whole query. Terms must not be empty.
func (d *DB) FullText(ix TextIndex, query string, terms []string) TextMatch {
	var m TextMatch
	if d.Engine == Postgres {
		var conds []string
		for _, t := range terms {
			op := "LIKE" // Chinese has no case, and ILIKE costs three times as much
			if strings.ContainsFunc(t, cased) {
				op = "ILIKE"
			}
			conds = append(conds, "("+ix.Expr+") "+op+" ?")
			m.WhereArgs = append(m.WhereArgs, "%"+EscapeLike(t)+"%")
		}
		m.Where = strings.Join(conds, " AND ")
		if utf8.RuneCountInString(query) >= trigram { // a shorter query has no trigram to be similar by
			m.Rank, m.RankArgs = "1 - similarity("+ix.Name+", ?)", []any{query}
		}
		return m
	}
	var conds, phrases []string
	for _, t := range terms {
		if utf8.RuneCountInString(t) >= trigram {
			phrases = append(phrases, `"`+strings.ReplaceAll(t, `"`, `""`)+`"`)
			continue
		}
		var either []string
		for _, c := range ix.Columns {
			either = append(either, "instr(lower("+c+"), ?) > 0")
			m.WhereArgs = append(m.WhereArgs, asciiLower(t))
		}
		conds = append(conds, "("+strings.Join(either, " OR ")+")")
	}
	if len(phrases) > 0 {
		m.Join = " JOIN " + ix.FTS + " ON " + ix.FTS + ".rowid = " + ix.ID
		conds = append([]string{ix.FTS + " MATCH ?"}, conds...)
		m.WhereArgs = append([]any{strings.Join(phrases, " ")}, m.WhereArgs...)
		weights := strings.Repeat(", 1.0", len(ix.Columns)-1)
		m.Rank = "bm25(" + ix.FTS + ", 10.0" + weights + ")"
	}
	m.Where = strings.Join(conds, " AND ")
	return m
}

// cased reports whether r is a letter with upper and lower case.
func cased(r rune) bool { return unicode.ToUpper(r) != unicode.ToLower(r) }

// asciiLower folds A-Z only, as SQLite's lower() does.
func asciiLower(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= 'A' && r <= 'Z' {
			return r + 'a' - 'A'
		}
		return r
	}, s)
}

// LikeEscape is the ESCAPE clause a LIKE pattern made with EscapeLike needs
// on this engine: backslash is PostgreSQL's default, SQLite has none.
func (d *DB) LikeEscape() string {
	if d.Engine == Postgres {
		return ""
	}
	return ` ESCAPE '\'`
}

// EscapeLike makes s match itself literally inside a LIKE pattern (with a
// backslash as the escape character).
func EscapeLike(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}
