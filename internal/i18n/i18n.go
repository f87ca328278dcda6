// Package i18n holds every user-facing string of govhall, in Simplified
// Chinese (the default) and English. Catalogs are flat JSON maps from a
// message key to its text, one file per area under catalog/<lang>/, merged
// at start. Placeholders are written {name} and filled from a map.
package i18n

import (
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strings"
)

// Languages, default first.
const (
	ZH = "zh-CN"
	EN = "en"
)

// Langs lists the supported languages, the default first.
var Langs = []string{ZH, EN}

//go:embed catalog
var catalogFS embed.FS

var catalogs = mustLoad()

func mustLoad() map[string]map[string]string {
	out := map[string]map[string]string{}
	for _, lang := range Langs {
		m, err := load(lang)
		if err != nil {
			panic(err) // the catalogs are embedded: a broken one is a build defect
		}
		out[lang] = m
	}
	return out
}

func load(lang string) (map[string]string, error) {
	dir := path.Join("catalog", lang)
	files, err := fs.ReadDir(catalogFS, dir)
	if err != nil {
		return nil, err
	}
	m := map[string]string{}
	for _, f := range files {
		b, err := fs.ReadFile(catalogFS, path.Join(dir, f.Name()))
		if err != nil {
			return nil, err
		}
		var part map[string]string
		if err := json.Unmarshal(b, &part); err != nil {
			return nil, fmt.Errorf("i18n catalog %s/%s: %w", lang, f.Name(), err)
		}
		for k, v := range part {
			if _, dup := m[k]; dup {
				return nil, fmt.Errorf("i18n catalog %s: key %q defined twice", lang, k)
			}
			m[k] = v
		}
	}
	return m, nil
}

// Supported returns lang when it is a supported language, else "".
func Supported(lang string) string {
	for _, l := range Langs {
		if strings.EqualFold(l, lang) {
			return l
		}
	}
	if strings.HasPrefix(strings.ToLower(lang), "zh") {
		return ZH
	}
	if strings.HasPrefix(strings.ToLower(lang), "en") {
		return EN
	}
	return ""
}

// T translates key into lang, filling {placeholders} from args. An unknown
// language falls back to the default; an unknown key comes back as itself
// (a test keeps every used key in both catalogs).
func T(lang, key string, args map[string]any) string {
	m, ok := catalogs[lang]
	if !ok {
		m = catalogs[ZH]
	}
	s, ok := m[key]
	if !ok {
		return key
	}
	if len(args) == 0 || !strings.Contains(s, "{") {
		return s
	}
	pairs := make([]string, 0, 2*len(args))
	for k, v := range args {
		pairs = append(pairs, "{"+k+"}", fmt.Sprint(v))
	}
	return strings.NewReplacer(pairs...).Replace(s)
}

// Has reports whether key is in lang's catalog.
func Has(lang, key string) bool {
	_, ok := catalogs[lang][key]
	return ok
}

// Keys lists the keys of lang's catalog, sorted.
func Keys(lang string) []string {
	keys := make([]string, 0, len(catalogs[lang]))
	for k := range catalogs[lang] {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
