package web_test

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/govhall/govhall/internal/i18n"
)

// tKey finds {{t "key" …}} and (t "key" …) in templates.
var tKey = regexp.MustCompile(`[{(]-?\s*t\s+"([^"]+)"`)

// goKey finds message keys written in the Go code of the package.
var goKey = regexp.MustCompile(`"((?:web|error)\.[a-z_]+(?:\.[a-z_]+)*)"`)

func TestEveryKeyIsInBothCatalogs(t *testing.T) {
	check := func(glob string, re *regexp.Regexp) int {
		files, err := filepath.Glob(glob)
		if err != nil || len(files) == 0 {
			t.Fatalf("no files %s: %v", glob, err)
		}
		n := 0
		for _, f := range files {
			if strings.HasSuffix(f, "_test.go") {
				continue
			}
			b, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			for _, m := range re.FindAllStringSubmatch(string(b), -1) {
				n++
				for _, lang := range i18n.Langs {
					if !i18n.Has(lang, m[1]) {
						t.Errorf("%s uses %q, missing from the %s catalog", f, m[1], lang)
					}
				}
			}
		}
		return n
	}
	if n := check("templates/*.html", tKey); n < 30 {
		t.Errorf("found only %d t keys in the templates: the scan is broken", n)
	}
	if n := check("*.go", goKey); n < 20 {
		t.Errorf("found only %d message keys in the Go code: the scan is broken", n)
	}
}

// The web catalog is all "web." keys, so it cannot collide with other areas.
func TestWebCatalogIsPrefixed(t *testing.T) {
	for _, lang := range i18n.Langs {
		b, err := os.ReadFile(filepath.Join("..", "i18n", "catalog", lang, "web.json"))
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range regexp.MustCompile(`(?m)^\s*"([^"]+)":`).FindAllStringSubmatch(string(b), -1) {
			if !strings.HasPrefix(m[1], "web.") {
				t.Errorf("%s/web.json: key %q lacks the web. prefix", lang, m[1])
			}
		}
	}
}
