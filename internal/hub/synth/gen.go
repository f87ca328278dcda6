package synth

import (
	"context"
	"errors"
)

// errWriter stops the generator when the writer failed; Generate returns
// the writer's own error.
var errWriter = errors.New("synth: the writer stopped")

// gen is one run of the generator.
type gen struct {
	cfg       Config
	layout    *layout
	demo      int // demo residents at the start of the population
	blocks    int // generated blocks (the last may be partial)
	out       *outputs
	pipe      *pipe
	scratch   []byte
	dirtyList *plantedList // dirty.json, with Dirty
	dirtyRng  rng
	dirtyN    int   // planted rows so far
	serials   []int // per licence type: serials given out
	pending   int64 // rows not yet reported to Progress
	// cache of the last block made by personAt
	cacheBlock int
	cache      []person
}

func newGen(cfg Config) (*gen, error) {
	if err := checkConfig(&cfg); err != nil {
		return nil, err
	}
	g := &gen{cfg: cfg, layout: newLayout(cfg.Seed, cfg.AsOf.Year()),
		scratch: make([]byte, 0, 512), serials: make([]int, len(licenceTypes)), cacheBlock: -1,
		dirtyRng: seeded(cfg.Seed, streamDirty, 0)}
	if cfg.Persons >= 2 {
		g.demo = min(cfg.Persons, 4)
	}
	g.blocks = (cfg.Persons - g.demo + blockSize - 1) / blockSize
	if err := g.layout.checkCapacity(g.blocks); err != nil {
		return nil, err
	}
	return g, nil
}

func (g *gen) run(ctx context.Context) error {
	block := make([]person, 0, blockSize)
	if g.demo > 0 {
		if err := g.writePersons(demoPersons(g.demo)); err != nil {
			return err
		}
	}
	for b := 0; b < g.blocks; b++ {
		if b%256 == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		block = g.generatedBlock(b, g.demo+b*blockSize, block)
		if err := g.writePersons(block); err != nil {
			return err
		}
	}
	for e := 0; e < g.cfg.Entities; e++ {
		if e%1024 == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		if err := g.writeEntity(g.entity(e)); err != nil {
			return err
		}
	}
	g.report(0, true)
	return nil
}

// report passes written rows on to Progress in batches.
func (g *gen) report(rows int64, flush bool) {
	g.pending += rows
	if g.cfg.Progress != nil && g.pending > 0 && (flush || g.pending >= 8192) {
		g.cfg.Progress(g.pending)
		g.pending = 0
	}
}

// writePersons writes the rows of a block: each person's population row,
// civil affairs' marriage row, health's birth row and their licences.
func (g *gen) writePersons(block []person) error {
	for i := range block {
		p := &block[i]
		if err := g.writePopulation(p); err != nil {
			return err
		}
		if p.marital != "" {
			spouse := ""
			if s := g.inBlock(block, p.spouse); s != nil {
				spouse = s.id
			}
			if err := g.row(g.out.marriages, p.id, p.marital, spouse, p.name); err != nil {
				return err
			}
		}
		if f, m := g.inBlock(block, p.father), g.inBlock(block, p.mother); f != nil && m != nil {
			g.scratch = appendDate(g.scratch[:0], p.birth)
			if err := g.row(g.out.births, p.id, f.id, m.id, p.name, string(g.scratch)); err != nil {
				return err
			}
		}
		if err := g.personLicences(p, block); err != nil {
			return err
		}
	}
	return nil
}

func (g *gen) inBlock(block []person, index int) *person {
	if index < 0 {
		return nil
	}
	return byIndex(block, index)
}

func (g *gen) writePopulation(p *person) error {
	sex := "女"
	if p.male {
		sex = "男"
	}
	eth := "汉族"
	if p.hui {
		eth = "回族"
	}
	g.scratch = appendDate(g.scratch[:0], p.birth)
	return g.row(g.out.population, p.id, p.name, p.former, sex, eth, string(g.scratch), p.addr, p.village.code,
		p.current, p.phone, p.status)
}

// row writes one row to out and, with Dirty, sometimes a bad row after it.
func (g *gen) row(out *output, cells ...string) error {
	line, err := g.write(out, cells)
	if err != nil {
		return err
	}
	if g.cfg.Dirty && g.dirtyRng.chance(dirtyRate) {
		return g.plant(out, cells, line)
	}
	return nil
}

// write numbers a row and hands it to the writer; it returns the row's
// line in its file.
func (g *gen) write(out *output, cells []string) (int, error) {
	part, file, line := out.next()
	g.pipe.add(out, part, file, cells)
	if g.pipe.stopped() {
		return 0, errWriter
	}
	g.report(1, false)
	return line, nil
}

// personAt makes person index of the population again (for a legal
// representative), from the last block made when it is the same.
func (g *gen) personAt(index int) person {
	if index < g.demo {
		return demoPersons(g.demo)[index]
	}
	b := (index - g.demo) / blockSize
	if b != g.cacheBlock {
		g.cache = g.generatedBlock(b, g.demo+b*blockSize, g.cache)
		g.cacheBlock = b
	}
	return *byIndex(g.cache, index)
}
