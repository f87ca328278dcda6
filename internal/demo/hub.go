package demo

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/govhall/govhall/internal/hub"
	"github.com/govhall/govhall/internal/hub/synth"
)

// HubSeedName marks the data hub's demo records in the seeds table.
const HubSeedName = "hub-bozhou-v1"

// DefaultHubPersons is the size of the demo hall's population database.
const DefaultHubPersons = 100000

// hubSeed fixes the generated records, so every demo hall holds the same
// people (the demo accounts' persons among them: synth writes them first).
const hubSeed = 2014

// SeedHub fills the data hub of the demo hall once: a generated Bozhou-like
// population of persons (0 means DefaultHubPersons), with legal entities
// and e-licences in the city's proportions (about 1 entity per 22 persons
// and 3 licences per person — 20 million for 6.6 million — so families hold
// their marriage certificates and household registers besides the social
// security card every person gets first), loaded as the departments' exports through
// the hub's own import. An interrupted seed resumes on the next start: the
// generator writes the same files again and the import goes on after its
// last committed line.
func SeedHub(ctx context.Context, h *hub.Service, persons int) (bool, error) {
	var n int
	if err := h.DB.QueryRow(ctx, "SELECT count(*) FROM seeds WHERE name = ?", HubSeedName).Scan(&n); err != nil {
		return false, fmt.Errorf("read seeds: %w", err)
	}
	if n > 0 {
		return false, nil
	}
	if persons <= 0 {
		persons = DefaultHubPersons
	}
	dir, err := os.MkdirTemp("", "govhall-demo-hub-")
	if err != nil {
		return false, err
	}
	defer os.RemoveAll(dir)
	m, err := synth.Generate(ctx, synth.Config{Persons: persons, Entities: max(persons/22, 1),
		Licences: 3 * persons, Seed: hubSeed, Dir: dir})
	if err != nil {
		return false, fmt.Errorf("demo hub: generate: %w", err)
	}
	// As `govhall hub import --manifest` does: the licence files share one
	// first load.
	var reqs []hub.ImportRequest
	for _, f := range m.Files {
		reqs = append(reqs, hub.ImportRequest{Source: f.Source, Kind: f.Kind, Path: filepath.Join(dir, f.File)})
	}
	reps, err := h.ImportFiles(ctx, reqs, nil)
	if err != nil {
		return false, fmt.Errorf("demo hub: %w", err)
	}
	for _, rep := range reps {
		if rep.Status != "done" {
			return false, fmt.Errorf("demo hub: %s: %d rows rejected", rep.File, rep.Rejected)
		}
	}
	if len(reps) != len(reqs) {
		return false, fmt.Errorf("demo hub: %d of %d files imported", len(reps), len(reqs))
	}
	if _, err := h.DB.Exec(ctx, "INSERT INTO seeds (name, applied_at) VALUES (?, ?)", HubSeedName, time.Now().UTC()); err != nil {
		return false, fmt.Errorf("mark seed: %w", err)
	}
	return true, nil
}
