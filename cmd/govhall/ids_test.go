package main

import (
	"strings"
	"testing"
)

// withStdin makes the ids command read s as its standard input.
func withStdin(t *testing.T, s string) {
	t.Helper()
	old := stdin
	stdin = strings.NewReader(s)
	t.Cleanup(func() { stdin = old })
}

func TestIDsCheckArguments(t *testing.T) {
	code, out, errOut := govhall(t, "ids", "check", "11010519491231002X", "91110000600037341L")
	want := "11010519491231002X\tid_number\tvalid\n91110000600037341L\tcredit_code\tvalid\n"
	if code != 0 || out != want || errOut != "" {
		t.Fatalf("exit %d\n%s\nstderr %q\nwant\n%s", code, out, errOut, want)
	}
}

// An operator cleaning a spreadsheet column: a BOM, CRLF line ends, blank
// lines, full-width digits, a lower-case x and a few mistakes. Every value
// gets a line that says what is wrong, and the exit status says "not clean".
func TestIDsCheckStdin(t *testing.T) {
	withStdin(t, "\ufeff11010519491231002x\r\n\r\n３６０４２６１９９１０１０１００７１\r\n"+
		"360426199101010072\r\n   \r\n1101051949123100\r\n91110000600037341M\r\n"+
		"110101194912310024\r\n13812345678\r\n99010519491231002X")
	code, out, errOut := govhall(t, "ids", "check")
	want := []string{
		"11010519491231002x\tid_number\tvalid → 11010519491231002X",
		"３６０４２６１９９１０１０１００７１\tid_number\tvalid → 360426199101010071",
		"360426199101010072\tid_number\tinvalid: check character (position 18)",
		"1101051949123100\tid_number\tinvalid: length",
		"91110000600037341M\tcredit_code\tinvalid: check character (position 18)",
		"110101194912310024\tid_number\tvalid (warning: unknown county code 110101)",
		"13812345678\tunknown\tinvalid: neither an ID number, a credit code nor an e-licence identifier",
		"99010519491231002X\tid_number\tinvalid: province (position 1)",
	}
	if code != 1 || errOut != "" || out != strings.Join(want, "\n")+"\n" {
		t.Fatalf("exit %d, stderr %q, output:\n%s\nwant:\n%s", code, errOut, out, strings.Join(want, "\n"))
	}
}

func TestIDsCheckAllValidExitsZero(t *testing.T) {
	withStdin(t, "11010519491231002X\n360426199101010071\n")
	if code, out, _ := govhall(t, "ids", "check"); code != 0 || strings.Count(out, "\tvalid\n") != 2 {
		t.Fatalf("exit %d\n%s", code, out)
	}
}

func TestIDsCheckStreamsManyLines(t *testing.T) {
	var b strings.Builder
	for i := 0; i < 20000; i++ {
		b.WriteString("11010519491231002X\r\n")
	}
	withStdin(t, b.String())
	if code, out, _ := govhall(t, "ids", "check"); code != 0 || strings.Count(out, "\n") != 20000 {
		t.Fatalf("exit %d, %d lines", code, strings.Count(out, "\n"))
	}
}

func TestIDsCheckLineTooLong(t *testing.T) {
	withStdin(t, strings.Repeat("1", maxLine+1)+"\n")
	code, _, errOut := govhall(t, "ids", "check")
	if code != 1 || strings.Count(errOut, "\n") != 1 || !strings.Contains(errOut, "at most") {
		t.Fatalf("exit %d, stderr %q", code, errOut)
	}
}

func TestIDsHelpAndMistakes(t *testing.T) {
	for _, args := range [][]string{{"ids", "--help"}, {"ids", "check", "--help"}, {"ids", "-h"}, {"help", "ids"}} {
		code, out, _ := govhall(t, args...)
		if code != 0 || !strings.HasPrefix(out, "Usage: govhall ids check") {
			t.Errorf("govhall %v: exit %d\n%s", args, code, out)
		}
	}
	for _, args := range [][]string{{"ids"}, {"ids", "verify"}, {"ids", "check", "--bogus"}} {
		code, _, errOut := govhall(t, args...)
		if code != 2 || strings.Count(errOut, "\n") != 1 {
			t.Errorf("govhall %v: exit %d, stderr %q; want exit 2 and one line", args, code, errOut)
		}
	}
}
