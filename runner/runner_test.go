package runner

import (
	"errors"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/rebalance-sim/rebalance-sim/engine"
	"github.com/rebalance-sim/rebalance-sim/experiment"
)

// Closing Stop stops an execution: runs not started are skipped, the one
// in progress is abandoned at its next sample, and Execute says so.
func TestStopAbandonsRuns(t *testing.T) {
	var seeds []string
	for i := 1; i <= 40; i++ {
		seeds = append(seeds, strconv.Itoa(i))
	}
	x, err := experiment.Parse("x.toml", []byte(`duration = "1h"
seeds = [`+strings.Join(seeds, ", ")+`]
[topics.t]
partitions = 4
[producers.p]
topic = "t"
rate = 1000
[groups.g]
topics = ["t"]
consumers = 2
processing_time = "1ms"
`))
	if err != nil {
		t.Fatal(err)
	}
	stop := make(chan struct{})
	var once sync.Once
	var mu sync.Mutex
	done, samples := 0, 0
	opt := Options{Parallel: 1, Stop: stop,
		Done: func(int) { mu.Lock(); done++; mu.Unlock() },
		SimProgress: func(engine.Time) {
			mu.Lock()
			samples++
			if samples == 100 { // inside the first run
				once.Do(func() { close(stop) })
			}
			mu.Unlock()
		},
	}
	_, err = Execute(x, opt)
	if !errors.Is(err, ErrStopped) {
		t.Fatalf("err = %v, want ErrStopped", err)
	}
	if done != 1 || samples > 101 {
		t.Errorf("%d runs finished or were abandoned, %d samples taken; want the first run abandoned at its next sample", done, samples)
	}
}
