package main

import (
	"strings"
	"testing"
)

// An operator checks the licence identifiers of a department's export: a
// real one passes, one with a typo in the serial fails on its check
// character, a lower-case one passes and is shown in canonical form.
func TestIDsCheckLicenceIdentifiers(t *testing.T) {
	good := "1.2.156.3005.2.11100000000013338W011.11430000006122244L.20230000403.002.S"
	typo := strings.Replace(good, "0403", "0430", 1)
	withStdin(t, good+"\n"+typo+"\n"+strings.ToLower(good)+"\n1.2.156.3005.2.1.2.3\n")
	code, out, errOut := govhall(t, "ids", "check")
	want := []string{
		good + "\tlicence_id\tvalid",
		typo + "\tlicence_id\tinvalid: check",
		strings.ToLower(good) + "\tlicence_id\tvalid → " + good,
		"1.2.156.3005.2.1.2.3\tlicence_id\tinvalid: format",
	}
	if code != 1 || errOut != "" || out != strings.Join(want, "\n")+"\n" {
		t.Fatalf("exit %d, stderr %q, output:\n%s\nwant:\n%s", code, errOut, out, strings.Join(want, "\n"))
	}
}
