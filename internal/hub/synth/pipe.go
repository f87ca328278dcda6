package synth

import "sync/atomic"

// The generator makes rows on one goroutine and a writer goroutine formats
// and writes them, so the two halves of the work share the machine's cores.
// Rows travel in batches whose cells live in one arena; written batches go
// back for reuse, so the pipe allocates nothing once it runs.

const batchRows = 4096

type job struct {
	out   *output
	part  int
	file  string
	cells []string
}

type batch struct {
	jobs  []job
	arena []string
}

type pipe struct {
	ch     chan *batch
	free   chan *batch
	done   chan struct{}
	err    error // the writer's first error; read after done
	failed atomic.Bool
	cur    *batch
}

func startPipe() *pipe {
	p := &pipe{ch: make(chan *batch, 3), free: make(chan *batch, 5), done: make(chan struct{})}
	p.cur = p.fresh()
	go p.write()
	return p
}

func (p *pipe) fresh() *batch {
	select {
	case b := <-p.free:
		return b
	default:
		return &batch{jobs: make([]job, 0, batchRows), arena: make([]string, 0, batchRows*len(licenceHeader))}
	}
}

// add queues a row (copying the cell slice, not the strings).
func (p *pipe) add(out *output, part int, file string, cells []string) {
	b := p.cur
	n := len(b.arena)
	if cap(b.arena)-n < len(cells) { // rows wider than any file's header: never in practice
		b.arena = make([]string, 0, batchRows*len(licenceHeader))
		n = 0
	}
	b.arena = append(b.arena, cells...)
	b.jobs = append(b.jobs, job{out, part, file, b.arena[n:len(b.arena):len(b.arena)]})
	if len(b.jobs) == batchRows {
		p.flush()
	}
}

func (p *pipe) flush() {
	if len(p.cur.jobs) > 0 {
		p.ch <- p.cur
		p.cur = p.fresh()
	}
}

// stopped reports whether the writer has failed (the generator stops).
func (p *pipe) stopped() bool { return p.failed.Load() }

// finish sends what is left, waits for the writer and returns its error.
func (p *pipe) finish() error {
	p.flush()
	close(p.ch)
	<-p.done
	return p.err
}

func (p *pipe) write() {
	defer close(p.done)
	for b := range p.ch {
		for _, j := range b.jobs {
			if p.err != nil {
				break // drain, so the generator never blocks
			}
			if err := j.out.emit(j.part, j.file, j.cells); err != nil {
				p.err = err
				p.failed.Store(true)
			}
		}
		clear(b.arena)
		b.jobs, b.arena = b.jobs[:0], b.arena[:0]
		select {
		case p.free <- b:
		default:
		}
	}
}
