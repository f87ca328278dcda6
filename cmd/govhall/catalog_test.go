package main

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"
)

// An operator builds the demo catalog into a fresh data dir (once: the
// second run says there is nothing to do), then audits it: a table of each
// county's count and its explanation, the spread, the duty problems; as
// JSON the whole report. Mistakes on the command line exit 2 with one line.
func TestDemoCatalogThenAudit(t *testing.T) {
	ctx := context.Background()
	data := t.TempDir()
	runOK := func(args ...string) string {
		t.Helper()
		var out, errOut bytes.Buffer
		if code := run(ctx, args, &out, &errOut); code != 0 {
			t.Fatalf("govhall %s: exit %d\n%s%s", strings.Join(args, " "), code, out.String(), errOut.String())
		}
		return out.String()
	}
	if out := runOK("demo", "catalog", "--scale", "0.05", "--data", data); !strings.Contains(out, "built at scale 0.05") {
		t.Fatalf("first run: %q", out)
	}
	if out := runOK("demo", "catalog", "--scale", "0.05", "--data", data); !strings.Contains(out, "nothing to do") {
		t.Fatalf("second run: %q", out)
	}
	text := runOK("catalog", "audit", "--data", data)
	for _, want := range []string{"341602000000 谯城区", "341623000000 利辛县", "power spread: 341623000000 − 341621000000 = 26",
		"流浪犬管理 several_leads", "秸秆禁烧监督管理 no_lead"} {
		if !strings.Contains(text, want) {
			t.Fatalf("audit report lacks %q:\n%s", want, text)
		}
	}
	var rep auditOutput
	if err := json.Unmarshal([]byte(runOK("catalog", "audit", "--json", "--jurisdiction", "341621000000", "--data", data)), &rep); err != nil {
		t.Fatal(err)
	}
	if len(rep.Audit.Counties) != 1 || rep.Audit.Counties[0].Lists[0].Reported != 137 || len(rep.Audit.Findings) == 0 || len(rep.Duties) != 1 {
		t.Fatalf("涡阳县's JSON report: %+v", rep.Audit.Counties)
	}
	for _, c := range []struct {
		args []string
		code int
		msg  string
	}{
		{[]string{"demo", "catalog", "--scale", "0", "--data", data}, 2, "--scale 0"},
		{[]string{"demo", "bogus"}, 2, "expected a subcommand"},
		{[]string{"catalog", "bogus"}, 2, "expected a subcommand"},
		{[]string{"catalog", "audit", "--jurisdiction", "341699000000", "--data", data}, 1, "341699000000"},
	} {
		var out, errOut bytes.Buffer
		if code := run(ctx, c.args, &out, &errOut); code != c.code || strings.Count(errOut.String(), "\n") != 1 ||
			!strings.Contains(errOut.String(), c.msg) {
			t.Errorf("govhall %s: exit %d, stderr %q", strings.Join(c.args, " "), code, errOut.String())
		}
	}
}
