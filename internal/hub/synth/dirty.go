package synth

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"strings"

	"github.com/govhall/govhall/internal/ids"
)

// dirtyRate is the share of rows followed by a planted bad row.
const dirtyRate = 0.005

// plant writes a bad row after the good row cells (written at line) and
// records it. Each file gets the mistakes its department's
// exports really have: mistyped check characters, impossible dates, codes
// from elsewhere, missing names, a row exported twice, a licence of a
// holder the hub does not know.
func (g *gen) plant(out *output, cells []string, line int) error {
	bad := append([]string(nil), cells...)
	var col, reason, detail string
	pick := g.dirtyRng.intn(5)
	switch out {
	case g.out.population:
		switch pick {
		case 0:
			col, reason = "id_number", ReasonCheckCharacter
			bad[0] = breakIDCheck(bad[0])
		case 1:
			col, reason = "id_number", ReasonImpossibleDate
			bad[0], bad[5] = g.impossibleID(bad[0][:6])
		case 2:
			col, reason = "hukou_division", ReasonUnknownDivision
			bad[7] = "341699" + bad[7][6:]
		case 3:
			col, reason = "name", ReasonMissingName
			bad[1] = ""
		default:
			col, reason = "", ReasonDuplicate
		}
	case g.out.marriages:
		col, reason = "spouse_id_number", ReasonCheckCharacter
		if bad[2] == "" {
			col, bad[0] = "id_number", breakIDCheck(bad[0])
		} else {
			bad[2] = breakIDCheck(bad[2])
		}
	case g.out.births:
		col, reason = "father_id_number", ReasonCheckCharacter
		bad[1] = breakIDCheck(bad[1])
	case g.out.entities:
		switch pick % 3 {
		case 0:
			col, reason = "credit_code", ReasonCheckCharacter
			bad[0] = breakCreditCheck(bad[0])
		case 1:
			col, reason = "name", ReasonMissingName
			bad[1] = ""
		default:
			col, reason = "established_on", ReasonImpossibleDate
			bad[8] = bad[8][:4] + "-02-30"
		}
	default: // licences
		if pick%2 == 0 {
			col, reason = "identifier", ReasonCheckCharacter
			bad[0] = breakLicenceCheck(bad[0])
		} else {
			col, reason = "holder_id", ReasonUnknownHolder
			bad[4] = g.unknownHolder(bad[3])
		}
	}
	if reason == ReasonDuplicate {
		detail = "same as line " + itoa(line)
	} else {
		detail = "row after line " + itoa(line)
	}
	l, err := g.write(out, bad)
	if err != nil {
		return err
	}
	return g.dirtyList.add(Planted{File: out.files[len(out.files)-1].File, Line: l, Column: col, Reason: reason, Detail: detail})
}

// plantedList writes dirty.json as the rows are planted (a JSON array, one
// object a line), so a big dirty run keeps nothing in memory.
type plantedList struct {
	f *os.File
	w *bufio.Writer
	n int
}

func createPlantedList(path string) (*plantedList, error) {
	f, err := os.Create(path)
	if err != nil {
		return nil, fmt.Errorf("synth: %w", err)
	}
	l := &plantedList{f: f, w: bufio.NewWriter(f)}
	l.w.WriteString("[")
	return l, nil
}

func (l *plantedList) add(p Planted) error {
	b, err := json.Marshal(p)
	if err != nil {
		return err
	}
	if l.n > 0 {
		l.w.WriteString(",")
	}
	l.n++
	l.w.WriteString("\n ")
	_, err = l.w.Write(b)
	return err
}

// close finishes the array; with ok false (the run failed) it removes the
// file, which would describe files that are not complete.
func (l *plantedList) close(ok bool) error {
	l.w.WriteString("\n]\n")
	err := l.w.Flush()
	if cerr := l.f.Close(); err == nil {
		err = cerr
	}
	if !ok {
		return os.Remove(l.f.Name())
	}
	if err != nil {
		return fmt.Errorf("synth: %w", err)
	}
	return nil
}

const idCheckChars = "10X98765432"

// breakIDCheck replaces the check character of an ID number with another
// one (exactly one is right, so the result is wrong).
func breakIDCheck(id string) string {
	i := strings.IndexByte(idCheckChars, id[17])
	return id[:17] + string(idCheckChars[(i+1)%len(idCheckChars)])
}

func breakCreditCheck(code string) string {
	i := strings.IndexByte(creditAlphabet, code[17])
	return code[:17] + string(creditAlphabet[(i+1)%len(creditAlphabet)])
}

func breakLicenceCheck(id string) string {
	const alnum = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	n := len(id) - 1
	i := strings.IndexByte(alnum, id[n])
	return id[:n] + string(alnum[(i+1)%len(alnum)])
}

// impossibleDates are month-days that no year has (29 February is left
// out: it exists in leap years).
var impossibleDates = []string{"0230", "0231", "0431", "0631", "0931", "1131"}

// impossibleID makes an ID number of a county whose birth date does not
// exist but whose check character is right, so only the date check refuses
// it, and its birth date cell; the first is 19880230. The sequence pairs
// 10-19 are used by nobody else, so these never repeat a real number.
func (g *gen) impossibleID(cc string) (string, string) {
	d := g.dirtyN
	g.dirtyN++
	md := impossibleDates[d%len(impossibleDates)]
	d /= len(impossibleDates)
	year := 1950 + (38+d%60)%60
	d /= 60
	seq := 2*(10+d%10) + d/10%2
	b := append([]byte(cc), itoa(year)...)
	b = append(b, md...)
	b = appendPadded(b, seq, 3)
	id := string(b) + string(idCheck(string(b)))
	return id, itoa(year) + "-" + md[:2] + "-" + md[2:]
}

var idWeights = [17]int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}

// idCheck is GB 11643's check character; ids.MakeIDNumber cannot make one
// for a date that does not exist, which is the point here.
func idCheck(head string) byte {
	sum := 0
	for i := 0; i < 17; i++ {
		sum += int(head[i]-'0') * idWeights[i]
	}
	return idCheckChars[sum%11]
}

func itoa(n int) string { return string(appendPadded(nil, n, 1)) }

// unknownHolder is a valid ID number or credit code (for holder kind) that
// no generated person or entity has: a person registered in 北京市东城区
// (generated persons are all of Bozhou), an entity whose organisation code
// body starts with MB (generated bodies start with MA).
func (g *gen) unknownHolder(kind string) string {
	d := g.dirtyN
	g.dirtyN++
	if kind == HolderEntity {
		b := []byte("MB000000")
		for i := 7; i >= 2; i-- {
			b[i] = creditAlphabet[d%31]
			d /= 31
		}
		code, err := ids.MakeCreditCode("91", "341602", string(b))
		if err != nil {
			panic("synth: unknown holder's credit code: " + err.Error())
		}
		return code
	}
	birth := day{1950 + d%50, 1 + d/50%12, 1 + d/600%28}
	return mustID("110101", birth, 1+d/16800%999)
}
