package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/govhall/govhall/internal/hub/synth"
)

func TestHubGenerateWritesAnImportableSet(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "out")
	var out strings.Builder
	stdout = &out
	defer func() { stdout = os.Stdout }()
	err := runHubGenerate(context.Background(), []string{"--persons", "300", "--entities", "20", "--licences", "900",
		"--seed", "3", "--dirty", "--format", "jsonl", "--quiet", "--out", dir})
	if err != nil {
		t.Fatal(err)
	}
	m, err := synth.ReadManifest(filepath.Join(dir, synth.ManifestName))
	if err != nil || m.Persons != 300 || m.Format != "jsonl" || !m.Dirty || len(m.Files) < 9 {
		t.Fatalf("manifest %+v %v", m, err)
	}
	for _, f := range m.Files {
		if _, err := os.Stat(filepath.Join(dir, f.File)); err != nil || !strings.HasSuffix(f.File, ".jsonl") {
			t.Fatalf("%s: %v", f.File, err)
		}
	}
	if _, err := synth.ReadPlanted(filepath.Join(dir, synth.DirtyName)); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "govhall hub import --manifest") {
		t.Fatalf("output does not say how to import:\n%s", out.String())
	}
}

func TestHubGenerateRefusesBadFlags(t *testing.T) {
	for _, args := range [][]string{
		{"--persons", "10"},                                                               // no --out
		{"--out", t.TempDir(), "--persons", "-1"},                                         // negative
		{"--out", t.TempDir(), "--format", "pdf"},                                         // unknown format
		{"--out", t.TempDir(), "--as-of", "2026-02-30"},                                   // impossible date
		{"--out", t.TempDir(), "extra"},                                                   // stray argument
		{"--out", t.TempDir(), "--persons", "1", "--entities", "0", "--licences", "5000"}, // too many per holder
	} {
		err := runHubGenerate(context.Background(), append(args, "--quiet"))
		if err == nil {
			t.Errorf("%v: accepted", args)
		}
	}
}
