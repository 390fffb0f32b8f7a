package campaign

import (
	"flag"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"testing"
	"time"
)

var (
	seedFlag = flag.Uint64("seed", 0, "TestCampaignSeed: the seed to check")
	soakFlag = flag.Duration("soak", 0, "TestCampaignSoak: how long to run fresh seeds")
)

// fixedSeeds are checked by `make test`: the first ones of the generator,
// then seeds the soak found failing (regressions, with what broke).
var fixedSeeds = func() []uint64 {
	var s []uint64
	for i := uint64(1); i <= 120; i++ {
		s = append(s, i)
	}
	return append(s, regressions...)
}()

// regressions are seeds a soak found failing, kept once fixed.
var regressions = []uint64{
	3956904354306520120, // a commit retried after a coordinator failover carried positions fetched since (committed beyond processed)
	3477530919803372046, // a static KIP-848 member closing with a revocation callback reported owning nothing while the callback ran (its partitions went to another member)
	6325496933123422794, // onJoinPrepare's commit, retried after a coordinator failover with its old offsets, went behind an auto commit made meanwhile
}

func TestCampaignFixed(t *testing.T) {
	checkSeeds(t, fixedSeeds)
}

// TestCampaignSeed checks one seed: the command a failure prints.
func TestCampaignSeed(t *testing.T) {
	if *seedFlag == 0 {
		t.Skip("-seed not set")
	}
	file, problem := Check(*seedFlag)
	t.Logf("experiment:\n%s", Indent(file))
	if problem != "" {
		t.Fatal(problem)
	}
}

// TestCampaignSoak runs fresh seeds until -soak is spent.
func TestCampaignSoak(t *testing.T) {
	if *soakFlag == 0 {
		t.Skip("-soak not set (make soak SECONDS=N)")
	}
	deadline := time.Now().Add(*soakFlag)
	// NB: the wall clock picks fresh seeds here, outside any run; each
	// seed's check is deterministic.
	next := uint64(time.Now().UnixNano())
	var mu sync.Mutex
	checked, failed := 0, 0
	var wg sync.WaitGroup
	for w := 0; w < runtime.NumCPU(); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for time.Now().Before(deadline) {
				mu.Lock()
				next = next*6364136223846793005 + 1442695040888963407
				seed := next>>1 | 1<<40
				mu.Unlock()
				file, problem := Check(seed)
				mu.Lock()
				checked++
				if problem != "" {
					failed++
					path := filepath.Join(os.TempDir(), "campaign-"+itoa(seed)+".toml")
					os.WriteFile(path, []byte(file), 0o644)
					t.Errorf("seed %d: %s\n  reproduce: %s\n  experiment: %s (bin/simulate run %s)", seed, problem, Reproduce(seed), path, path)
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	t.Logf("soak: %d seeds checked in %v, %d failed", checked, *soakFlag, failed)
}

func checkSeeds(t *testing.T, seeds []uint64) {
	t.Helper()
	type failure struct {
		seed          uint64
		file, problem string
	}
	var mu sync.Mutex
	var failures []failure
	jobs := make(chan uint64)
	var wg sync.WaitGroup
	for w := 0; w < runtime.NumCPU(); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for seed := range jobs {
				if file, problem := Check(seed); problem != "" {
					mu.Lock()
					failures = append(failures, failure{seed, file, problem})
					mu.Unlock()
				}
			}
		}()
	}
	for _, s := range seeds {
		jobs <- s
	}
	close(jobs)
	wg.Wait()
	for _, f := range failures {
		t.Errorf("seed %d: %s\n  reproduce: %s\n%s", f.seed, f.problem, Reproduce(f.seed), Indent(f.file))
	}
}

func itoa(u uint64) string {
	var b [20]byte
	i := len(b)
	for {
		i--
		b[i] = byte('0' + u%10)
		u /= 10
		if u == 0 {
			return string(b[i:])
		}
	}
}
