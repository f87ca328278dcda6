package db

import (
	"context"
	"database/sql"
	"fmt"
	"hash/fnv"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// TextIndex names a table's full-text index, which the migration of the
// package owning the table creates. Every indexed row has a key chosen by
// that package: queries return keys in ascending order, so the key is the
// ranking (the catalog puts the name's length in its high bits).
//
// SQLite: two FTS5 tables with the columns (name, text, tags; tags as
// tagToken codes) and the key as rowid: Trigram (tokenize='trigram') answers terms of three or more
// characters; Grams (tokenize="unicode61 remove_diacritics 0 tokenchars
// '_:'") holds the one- and two-character grams of the same text, which
// no trigram can find.
//
// PostgreSQL: Table with the columns key (primary key), name and text
// (name, a space and the searchable text), both lower-cased, and tags
// (text[]), with pg_trgm GIN indexes on name and text, a GIN index on tags
// and a text_pattern_ops B-tree on name; and Terms, an inverted index of
// (term, key) rows keyed in that order — the one- and two-character grams
// of name and text, those of the name again prefixed "n:", and the tags —
// whose postings PostgreSQL reads in key order and merges, stopping when
// the page is full.
type TextIndex struct {
	Trigram, Grams string // SQLite
	Table, Terms   string // PostgreSQL
}

// TextDoc is one indexed row: its key, name, searchable text and tags
// (filter values such as "j:341621000000"; no spaces).
type TextDoc struct {
	Key        int64
	Name, Text string
	Tags       []string
}

// TextScope says where a query's terms must occur.
type TextScope int

const (
	// NameStart: the name starts with the first term and holds the others.
	NameStart TextScope = iota
	// InName: the name holds every term.
	InName
	// Anywhere: each term is in the name or the text.
	Anywhere
)

// TextQuery is a search: rows holding every term (a substring match,
// ignoring case, so Chinese needs no word segmentation) in the scope, and
// carrying every tag.
type TextQuery struct {
	Terms []string
	Tags  []string
	Scope TextScope
}

// TextSelect writes q for the index ix as a statement that returns the
// key and the name (as indexed: lower-cased, see TextFold) of up to limit
// matching rows, best (lowest key) first. It reads only as many index
// entries as it needs when matches are many.
func (d *DB) TextSelect(ix TextIndex, q TextQuery, limit int) (string, []any) {
	if d.Engine == Postgres {
		return pgText(ix, q, limit, false)
	}
	return sqliteText(ix, q, limit, false)
}

// TextCount writes a statement that counts the rows matching q, up to
// max: reading stops there, in whatever order the index finds them.
func (d *DB) TextCount(ix TextIndex, q TextQuery, max int) (string, []any) {
	if d.Engine == Postgres {
		return pgText(ix, q, max, true)
	}
	return sqliteText(ix, q, max, true)
}

// noMatch is the statement for a query no row can match; noCount counts it.
const (
	noMatch = "SELECT 0, '' WHERE 1 = 0"
	noCount = "SELECT 0"
)

// counted wraps a statement that selects up to LIMIT rows into their count.
func counted(selectFrom string) string {
	return "SELECT count(*) FROM (SELECT 1 FROM " + selectFrom + ") AS c"
}

// trigram is the length below which a term has no trigram: the grams
// answer it instead.
const trigram = 3

// term is one search term, lower-cased; a short one is split into its runs
// of letters and digits (the only characters grams are made of).
type term struct {
	s     string
	runs  []string
	short bool
}

func textTerms(in []string) []term {
	var out []term
	for _, s := range in {
		s = TextFold(s)
		if utf8.RuneCountInString(s) >= trigram {
			out = append(out, term{s: s})
			continue
		}
		if runs := wordRuns(s); len(runs) > 0 {
			out = append(out, term{s: s, runs: runs, short: true})
		}
	}
	return out
}

func sqliteText(ix TextIndex, q TextQuery, limit int, count bool) (string, []any) {
	var tri, gram []string
	for i, t := range textTerms(q.Terms) {
		start := q.Scope == NameStart && i == 0
		if !t.short {
			switch {
			case start:
				tri = append(tri, `{name}: ^`+ftsString(t.s))
			case q.Scope == Anywhere:
				tri = append(tri, `{name text}: `+ftsString(t.s))
			default:
				tri = append(tri, `{name}: `+ftsString(t.s))
			}
			continue
		}
		for j, r := range t.runs {
			switch {
			case start && j == 0:
				gram = append(gram, `{name}: `+ftsString(startMark+r))
			case q.Scope == Anywhere:
				gram = append(gram, `{name text}: `+ftsString(r))
			default:
				gram = append(gram, `{name}: `+ftsString(r))
			}
		}
	}
	if len(tri) == 0 && len(gram) == 0 {
		if count {
			return noCount, nil
		}
		return noMatch, nil
	}
	// The table with trigram terms drives (they are the more selective);
	// it also carries the tags.
	drive, tagged := ix.Trigram, &tri
	if len(tri) == 0 {
		drive, tagged = ix.Grams, &gram
	}
	for _, tag := range q.Tags {
		*tagged = append(*tagged, `{tags}: `+ftsString(tagToken(tag)))
	}
	from, key := drive, drive+".rowid"
	if drive == ix.Grams { // its name column holds grams: the name is in the other table
		from += " JOIN " + ix.Trigram + " ON " + ix.Trigram + ".rowid = " + key
	}
	var where []string
	var args []any
	if len(tri) > 0 {
		where = append(where, ix.Trigram+" MATCH ?")
		args = append(args, strings.Join(tri, " AND "))
	}
	if len(gram) > 0 {
		if drive != ix.Grams {
			from += " JOIN " + ix.Grams + " ON " + ix.Grams + ".rowid = " + key
		}
		where = append(where, ix.Grams+" MATCH ?")
		args = append(args, strings.Join(gram, " AND "))
	}
	if count {
		return counted(from + " WHERE " + strings.Join(where, " AND ") + " LIMIT ?"), append(args, limit)
	}
	// FTS5 returns rowids in order: no sorting, and LIMIT stops the reading.
	return "SELECT " + key + ", " + ix.Trigram + ".name FROM " + from + " WHERE " + strings.Join(where, " AND ") + " ORDER BY " + key + " LIMIT ?",
		append(args, limit)
}

func pgText(ix TextIndex, q TextQuery, limit int, count bool) (string, []any) {
	var conds []string // on the table
	var args []any
	var terms []string // postings of the inverted index
	for i, t := range textTerms(q.Terms) {
		switch {
		case q.Scope == NameStart && i == 0:
			conds = append(conds, "s.name LIKE ?")
			args = append(args, EscapeLike(t.s)+"%")
		case !t.short && q.Scope == Anywhere:
			conds = append(conds, "s.text LIKE ?")
			args = append(args, "%"+EscapeLike(t.s)+"%")
		case !t.short:
			conds = append(conds, "s.name LIKE ?")
			args = append(args, "%"+EscapeLike(t.s)+"%")
		case q.Scope == Anywhere:
			terms = append(terms, t.runs...)
		default:
			for _, r := range t.runs {
				terms = append(terms, nameTerm+r)
			}
		}
	}
	if len(conds) == 0 && len(terms) == 0 {
		if count {
			return noCount, nil
		}
		return noMatch, nil
	}
	if len(conds) == 0 {
		// Only grams and tags: merge their postings, all in key order, and
		// stop at the limit.
		terms = append(terms, q.Tags...)
		from := ix.Terms + " t0"
		for i := range terms[1:] {
			a := "t" + strconv.Itoa(i+1)
			from += " JOIN " + ix.Terms + " " + a + " ON " + a + ".key = t0.key AND " + a + ".term = ?"
		}
		if count {
			return counted(from + " WHERE t0.term = ? LIMIT ?"), append(anys(terms[1:]), terms[0], limit)
		}
		// The name is looked up per row read (a join would be planned as
		// a hash of the whole table).
		return "SELECT t0.key, (SELECT s.name FROM " + ix.Table + " s WHERE s.key = t0.key) FROM " + from +
				" WHERE t0.term = ? ORDER BY t0.key LIMIT ?",
			append(anys(terms[1:]), terms[0], limit)
	}
	var joins string
	var joinArgs []any
	for i, t := range terms {
		a := "t" + strconv.Itoa(i+1)
		joins += " JOIN " + ix.Terms + " " + a + " ON " + a + ".key = s.key AND " + a + ".term = ?"
		joinArgs = append(joinArgs, t)
	}
	if len(q.Tags) > 0 {
		conds = append(conds, "s.tags @> ?::text[]")
		args = append(args, q.Tags)
	}
	where := strings.Join(conds, " AND ")
	match := append(joinArgs, args...)
	if count {
		return counted(ix.Table + " s" + joins + " WHERE " + where + " LIMIT ?"), append(match, limit)
	}
	// pg_trgm finds the terms in a bitmap that must then be sorted, which
	// costs in proportion to the matches (18 ms for 35,000); walking the
	// key's index and testing each row stops early when matches are
	// dense among the short names but crawls when they are all long ones,
	// and the planner cannot tell which. So walk a bounded stretch of the
	// shortest names first, and sort the bitmap only when that stretch
	// did not fill the page.
	const stretch = 2000
	return "WITH walk AS MATERIALIZED (SELECT s.key, s.name FROM (SELECT * FROM " + ix.Table + " ORDER BY key LIMIT " +
			strconv.Itoa(stretch) + ") s" + joins + " WHERE " + where + " ORDER BY s.key LIMIT ?)" +
			" SELECT key, name FROM walk WHERE (SELECT count(*) FROM walk) = ?" +
			" UNION ALL (SELECT s.key, s.name FROM " + ix.Table + " s" + joins + " WHERE " + where +
			" AND (SELECT count(*) FROM walk) < ? ORDER BY s.key + 0 LIMIT ?) ORDER BY 1",
		slices.Concat(match, []any{limit, limit}, match, []any{limit, limit})
}

// anys converts strings to statement arguments.
func anys(ss []string) []any {
	out := make([]any, len(ss))
	for i, s := range ss {
		out[i] = s
	}
	return out
}

// nameTerm marks the grams of the name in PostgreSQL's inverted index.
const nameTerm = "n:"

// tagToken is how SQLite's indexes hold a tag: three characters of the
// Supplementary Private Use Area-A picked by the tag's FNV-1a hash —
// exactly one trigram, and one unicode61 token, so a tag is a single
// doclist that FTS5 intersects with the terms' (spelled out,
// " j:341621000000 " made a dozen trigrams that every row shares, and
// filtering cost ten times the search). With 65,534³ codes, two of a
// hall's few thousand tag values collide with a probability below one in
// a hundred million.
func tagToken(tag string) string {
	h := fnv.New64a()
	h.Write([]byte(tag))
	v := h.Sum64()
	const base, n = 0xF0000, 0xFFFFD - 0xF0000 + 1
	var b strings.Builder
	for range 3 {
		b.WriteRune(rune(base + v%n))
		v /= n
	}
	return b.String()
}

// ftsString quotes s as an FTS5 string.
func ftsString(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }

// startMark prefixes the grams that start a name (SQLite), so a one- or
// two-character query can rank names that start with it first.
const startMark = "_"

// TextFold is how the index folds case, for comparing with the names it
// returns.
func TextFold(s string) string { return strings.ToLower(s) }

// TextWriter keeps a TextIndex current inside a transaction.
type TextWriter struct {
	engine   Engine
	put, del []*sql.Stmt
}

// TextWriter prepares the index's writes in tx. Close it when done.
func (t *Tx) TextWriter(ctx context.Context, ix TextIndex) (*TextWriter, error) {
	w := &TextWriter{engine: t.d.Engine}
	var puts, dels []string
	if w.engine == Postgres {
		puts = []string{"INSERT INTO " + ix.Table + " (key, name, text, tags) VALUES (?, ?, ?, ?)",
			"INSERT INTO " + ix.Terms + " (term, key) SELECT t, ? FROM unnest(?::text[]) AS t"}
		dels = []string{"DELETE FROM " + ix.Table + " WHERE key = ?", "DELETE FROM " + ix.Terms + " WHERE key = ?"}
	} else {
		for _, tab := range []string{ix.Trigram, ix.Grams} {
			puts = append(puts, "INSERT INTO "+tab+" (rowid, name, text, tags) VALUES (?, ?, ?, ?)")
			dels = append(dels, "DELETE FROM "+tab+" WHERE rowid = ?")
		}
	}
	for _, q := range puts {
		st, err := t.Prepare(ctx, q)
		if err != nil {
			w.Close()
			return nil, fmt.Errorf("prepare the text index: %w", err)
		}
		w.put = append(w.put, st)
	}
	for _, q := range dels {
		st, err := t.Prepare(ctx, q)
		if err != nil {
			w.Close()
			return nil, fmt.Errorf("prepare the text index: %w", err)
		}
		w.del = append(w.del, st)
	}
	return w, nil
}

// Put indexes a row under doc.Key (which must not be indexed yet).
func (w *TextWriter) Put(ctx context.Context, doc TextDoc) error {
	name, text := TextFold(doc.Name), TextFold(doc.Text)
	nameGrams := grams(name, nil)
	var err error
	if w.engine == Postgres {
		if _, err = w.put[0].ExecContext(ctx, doc.Key, name, name+" "+text, doc.Tags); err != nil {
			return fmt.Errorf("index text: %w", err)
		}
		terms := grams(text, nameGrams)
		for _, g := range nameGrams {
			terms = append(terms, nameTerm+g)
		}
		_, err = w.put[1].ExecContext(ctx, doc.Key, append(terms, doc.Tags...))
	} else {
		tags := make([]string, len(doc.Tags))
		for i, t := range doc.Tags {
			tags[i] = tagToken(t)
		}
		if _, err = w.put[0].ExecContext(ctx, doc.Key, name, text, strings.Join(tags, " ")); err != nil {
			return fmt.Errorf("index text: %w", err)
		}
		marked := append(startGrams(name), nameGrams...)
		_, err = w.put[1].ExecContext(ctx, doc.Key, strings.Join(marked, " "), strings.Join(grams(text, nil), " "),
			strings.Join(tags, " "))
	}
	if err != nil {
		return fmt.Errorf("index text: %w", err)
	}
	return nil
}

// Delete removes the row indexed under key, if any.
func (w *TextWriter) Delete(ctx context.Context, key int64) error {
	for _, st := range w.del {
		if _, err := st.ExecContext(ctx, key); err != nil {
			return fmt.Errorf("unindex text: %w", err)
		}
	}
	return nil
}

// Close releases the prepared statements.
func (w *TextWriter) Close() {
	for _, st := range append(w.put, w.del...) {
		if st != nil {
			st.Close()
		}
	}
}

// TextClear empties the index.
func (t *Tx) TextClear(ctx context.Context, ix TextIndex) error {
	tabs := []string{ix.Trigram, ix.Grams}
	if t.d.Engine == Postgres {
		tabs = []string{ix.Table, ix.Terms}
	}
	for _, tab := range tabs {
		if _, err := t.Exec(ctx, "DELETE FROM "+tab); err != nil {
			return fmt.Errorf("empty the text index: %w", err)
		}
	}
	return nil
}

// TextRows counts the rows in the index.
func (d *DB) TextRows(ctx context.Context, ix TextIndex) (int, error) {
	tab := ix.Trigram
	if d.Engine == Postgres {
		tab = ix.Table
	}
	var n int
	if err := d.QueryRow(ctx, "SELECT count(*) FROM "+tab).Scan(&n); err != nil {
		return 0, fmt.Errorf("count the text index: %w", err)
	}
	return n, nil
}

// grams lists the distinct one- and two-character grams of s's runs of
// letters and digits, appended to into (whose grams are not repeated).
func grams(s string, into []string) []string {
	out := slices.Clone(into)
	seen := make(map[string]bool, len(into)+len(s))
	for _, g := range into {
		seen[g] = true
	}
	add := func(g string) {
		if !seen[g] {
			seen[g] = true
			out = append(out, g)
		}
	}
	for _, run := range wordRuns(s) {
		rs := []rune(run)
		for i := range rs {
			add(string(rs[i]))
			if i+1 < len(rs) {
				add(string(rs[i : i+2]))
			}
		}
	}
	return out
}

// startGrams are the marked first one and two characters of s.
func startGrams(s string) []string {
	runs := wordRuns(s)
	if len(runs) == 0 || !strings.HasPrefix(s, runs[0]) {
		return nil
	}
	rs := []rune(runs[0])
	out := []string{startMark + string(rs[0])}
	if len(rs) > 1 {
		out = append(out, startMark+string(rs[:2]))
	}
	return out
}

// wordRuns splits s into its runs of letters and digits.
func wordRuns(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
}

// EscapeLike makes s match itself literally inside a LIKE pattern on
// PostgreSQL (whose default escape character is the backslash).
func EscapeLike(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}
