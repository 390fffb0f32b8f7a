package main

import (
	"fmt"
	"io"
	"os"
	"sync/atomic"
	"time"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"

	"github.com/rebalance-sim/rebalance-sim/engine"
)

// progress shows runs done and simulated time on stderr while `run` works,
// only on a terminal and only once the work has taken about a second (short
// runs print nothing extra). The wall clock lives here, outside every run.
type progress struct {
	total   int
	done    atomic.Int64
	simNano atomic.Int64
	stop    chan struct{}
	stopped chan struct{}
}

// startProgress returns nil when no bar should be shown.
func startProgress(stderr io.Writer, label string, total int, quiet bool) *progress {
	f, ok := stderr.(*os.File)
	if quiet || !ok || !term.IsTerminal(int(f.Fd())) {
		return nil
	}
	p := &progress{total: total, stop: make(chan struct{}), stopped: make(chan struct{})}
	go p.loop(f, label)
	return p
}

func (p *progress) runDone() {
	if p != nil {
		p.done.Add(1)
	}
}

func (p *progress) simAdvanced(d engine.Time) {
	if p != nil {
		p.simNano.Add(int64(d))
	}
}

func (p *progress) finish() {
	if p == nil {
		return
	}
	close(p.stop)
	<-p.stopped
}

func (p *progress) loop(f *os.File, label string) {
	defer close(p.stopped)
	delay := time.NewTimer(time.Second)
	defer delay.Stop()
	select {
	case <-p.stop:
		return // done within a second: no bar
	case <-delay.C:
	}
	bar := progressbar.NewOptions(p.total,
		progressbar.OptionSetWriter(f),
		progressbar.OptionSetDescription(label),
		progressbar.OptionShowCount(),
		progressbar.OptionSetWidth(30),
		progressbar.OptionThrottle(100*time.Millisecond),
		progressbar.OptionClearOnFinish(),
	)
	tick := time.NewTicker(200 * time.Millisecond)
	defer tick.Stop()
	for {
		sim := engine.Time(p.simNano.Load()).Duration().Round(time.Second)
		bar.Describe(fmt.Sprintf("%s: runs (simulated %v)", label, sim))
		bar.Set(int(p.done.Load()))
		select {
		case <-p.stop:
			bar.Finish()
			fmt.Fprint(f, "\r\033[K")
			return
		case <-tick.C:
		}
	}
}
