package i18n

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

func TestCatalogsHaveTheSameKeys(t *testing.T) {
	zh, en := Keys(ZH), Keys(EN)
	if strings.Join(zh, "\n") != strings.Join(en, "\n") {
		inZH := map[string]bool{}
		for _, k := range zh {
			inZH[k] = true
		}
		for _, k := range en {
			if !inZH[k] {
				t.Errorf("%q is in en but not in zh-CN", k)
			}
			delete(inZH, k)
		}
		for k := range inZH {
			t.Errorf("%q is in zh-CN but not in en", k)
		}
	}
}

var placeholder = regexp.MustCompile(`\{[a-z_]+\}`)

func TestTranslationsUseTheSamePlaceholders(t *testing.T) {
	for _, k := range Keys(ZH) {
		a := placeholder.FindAllString(T(ZH, k, nil), -1)
		b := placeholder.FindAllString(T(EN, k, nil), -1)
		if strings.Join(sorted(a), ",") != strings.Join(sorted(b), ",") {
			t.Errorf("%s: zh-CN has %v, en has %v", k, a, b)
		}
	}
}

func sorted(s []string) []string {
	out := append([]string(nil), s...)
	for i := range out {
		for j := i + 1; j < len(out); j++ {
			if out[j] < out[i] {
				out[i], out[j] = out[j], out[i]
			}
		}
	}
	return out
}

func TestT(t *testing.T) {
	if got := T(EN, "error.not_found", nil); got == "error.not_found" || got == T(ZH, "error.not_found", nil) {
		t.Fatalf("English not_found message: %q", got)
	}
	if got := T("fr", "error.not_found", nil); got != T(ZH, "error.not_found", nil) {
		t.Fatalf("unknown language should fall back to zh-CN, got %q", got)
	}
	if got := T(EN, "no.such.key", nil); got != "no.such.key" {
		t.Fatalf("unknown key: %q", got)
	}
	if Supported("en-US") != EN || Supported("zh-Hans") != ZH || Supported("fr") != "" {
		t.Fatal("Supported")
	}
}

// keyUse finds message keys handed to errs in Go code.
var keyUse = regexp.MustCompile(`(?:errs\.(?:New|Field)\([^"]*(?:"[a-z_.\[\]0-9]+",\s*)?|Key:\s*)"([a-z_]+(?:\.[a-z_]+)+)"`)

func TestEveryErrorKeyIsInTheCatalog(t *testing.T) {
	root := "../.."
	found := 0
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".go") || strings.HasSuffix(p, "_test.go") {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		for _, m := range keyUse.FindAllStringSubmatch(string(b), -1) {
			found++
			for _, lang := range Langs {
				if !Has(lang, m[1]) {
					t.Errorf("%s uses message key %q, missing from the %s catalog", p, m[1], lang)
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if found < 10 {
		t.Fatalf("found only %d message keys in the code: the scan is broken", found)
	}
}
