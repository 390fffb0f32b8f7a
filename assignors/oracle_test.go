package assignors

import (
	"bufio"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

// The oracle: Kafka 4.4's own assignor classes, driven by the small Java
// program in ../oracle (one JVM for the whole test binary, fed JSON lines).
// The tests in oracle_cases_test.go compare our plans with its plans.
//
// Without java and mvn on the PATH the oracle tests skip, saying so; with
// REBALANCE_SIM_REQUIRE_ORACLE=1 (set by .ci/run) they fail instead.

const oracleDir = "../oracle"

// oracleTimeout bounds one request. Kafka's general sticky builder never
// returns on some inputs (testdata/sticky-livelock); a request still running
// then is abandoned and the JVM restarted.
var oracleTimeout = 20 * time.Second

var errOracleTimeout = errors.New("oracle: Kafka's assignor did not return in time")

// oracleProc is one running driver.
type oracleProc struct {
	cmd   *exec.Cmd
	in    io.WriteCloser
	lines chan oracleLine
	cp    string
}

type oracleLine struct {
	text string
	err  error
}

var (
	oracleOnce sync.Once
	oracleCur  *oracleProc
	oracleErr  error
	oracleSkip string
	// oracleRestarts counts JVM restarts after timeouts, for the logs.
	oracleRestarts int
)

// oracle returns the shared driver, building and starting it the first time;
// it skips (or fails, when CI requires the oracle) without java or mvn.
func oracle(t testing.TB) *oracleProc {
	t.Helper()
	oracleOnce.Do(func() {
		for _, tool := range []string{"java", "mvn"} {
			if _, err := exec.LookPath(tool); err != nil {
				oracleSkip = fmt.Sprintf("the Kafka assignor oracle needs %s on the PATH (%v)", tool, err)
				return
			}
		}
		cp, err := oracleBuild()
		if err != nil {
			oracleErr = err
			return
		}
		oracleCur, oracleErr = oracleStart(cp)
	})
	if oracleSkip != "" {
		if os.Getenv("REBALANCE_SIM_REQUIRE_ORACLE") == "1" {
			t.Fatalf("REBALANCE_SIM_REQUIRE_ORACLE=1 but: %s", oracleSkip)
		}
		t.Skip(oracleSkip + "; skipped (REBALANCE_SIM_REQUIRE_ORACLE=1 makes this a failure)")
	}
	if oracleErr != nil {
		t.Fatalf("oracle: %v", oracleErr)
	}
	return oracleCur
}

// oracleBuild runs `mvn package` in ../oracle unless the build there is
// from the same sources (a hash of pom.xml and src/ kept in
// target/.source-hash), and returns the JVM's classpath.
func oracleBuild() (string, error) {
	h := sha256.New()
	var files []string
	files = append(files, filepath.Join(oracleDir, "pom.xml"))
	err := filepath.WalkDir(filepath.Join(oracleDir, "src"), func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			files = append(files, p)
		}
		return err
	})
	if err != nil {
		return "", err
	}
	slices.Sort(files)
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			return "", err
		}
		fmt.Fprintf(h, "%s %d\n", f, len(b))
		h.Write(b)
	}
	sum := hex.EncodeToString(h.Sum(nil))
	target := filepath.Join(oracleDir, "target")
	stamp := filepath.Join(target, ".source-hash")
	cpFile := filepath.Join(target, "classpath.txt")
	if old, err := os.ReadFile(stamp); err != nil || string(old) != sum || !exists(cpFile) {
		cmd := exec.Command("mvn", "-q", "-B", "package")
		cmd.Dir = oracleDir
		out, err := cmd.CombinedOutput()
		if err != nil {
			return "", fmt.Errorf("building the oracle (mvn -q -B package in %s): %v\n%s", oracleDir, err, out)
		}
		if err := os.WriteFile(stamp, []byte(sum), 0o644); err != nil {
			return "", err
		}
	}
	deps, err := os.ReadFile(cpFile)
	if err != nil {
		return "", err
	}
	classes, err := filepath.Abs(filepath.Join(target, "classes"))
	if err != nil {
		return "", err
	}
	return classes + string(os.PathListSeparator) + strings.TrimSpace(string(deps)), nil
}

func exists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}

func oracleStart(cp string) (*oracleProc, error) {
	cmd := exec.Command("java", "-Xss16m", "-cp", cp, "rebalancesim.oracle.Driver")
	in, err := cmd.StdinPipe()
	if err != nil {
		return nil, err
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	cmd.Stderr = io.Discard // SLF4J's note that it has no logger bound
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	p := &oracleProc{cmd: cmd, in: in, lines: make(chan oracleLine, 1), cp: cp}
	go func() {
		r := bufio.NewReaderSize(out, 1<<20)
		for {
			s, err := r.ReadString('\n')
			if err != nil {
				p.lines <- oracleLine{err: fmt.Errorf("oracle exited: %v", err)}
				close(p.lines)
				return
			}
			p.lines <- oracleLine{text: s}
		}
	}()
	return p, nil
}

func (p *oracleProc) stop() {
	p.in.Close()
	p.cmd.Process.Kill()
	p.cmd.Wait()
}

// oracleWire* are the driver's JSON (see oracle/src/.../Driver.java).
type oracleWireRequest struct {
	Assignor string            `json:"assignor"`
	Groups   []oracleWireGroup `json:"groups"`
	Bench    int               `json:"bench,omitempty"`
	Harness  map[string]any    `json:"harness,omitempty"`
}

type oracleWireGroup struct {
	Topics  []oracleWireTopic  `json:"topics"`
	Members []oracleWireMember `json:"members"`
}

type oracleWireTopic struct {
	Name       string     `json:"name"`
	Partitions int32      `json:"partitions"`
	ID         string     `json:"id"`
	Racks      [][]string `json:"racks,omitempty"`
}

type oracleWireMember struct {
	ID         string         `json:"id"`
	Instance   *string        `json:"instance"`
	Rack       *string        `json:"rack"`
	Topics     []string       `json:"topics"`
	Owned      []oracleWireTP `json:"owned"`
	Generation int32          `json:"generation"`
}

type oracleWireTP struct {
	Topic      string  `json:"topic"`
	Partitions []int32 `json:"partitions"`
}

type oracleWireAnswer struct {
	Results []struct {
		Plan []struct {
			ID     string         `json:"id"`
			Topics []oracleWireTP `json:"topics"`
		} `json:"plan"`
		Error *string `json:"error"`
	} `json:"results"`
	Nanos []int64 `json:"nanos"`
	Fatal string  `json:"fatal"`
}

func oracleWire(g *Group) oracleWireGroup {
	w := oracleWireGroup{Topics: []oracleWireTopic{}, Members: []oracleWireMember{}}
	for _, t := range g.Topics {
		id := t.ID
		if id.IsZero() {
			id = TopicIDFor(t.Name)
		}
		var racks [][]string
		for _, rs := range t.Racks {
			var keep []string
			for _, r := range rs {
				if r != "" {
					keep = append(keep, r)
				}
			}
			racks = append(racks, append([]string{}, keep...))
		}
		w.Topics = append(w.Topics, oracleWireTopic{Name: t.Name, Partitions: t.Partitions, ID: id.String(), Racks: racks})
	}
	for _, m := range g.Members {
		wm := oracleWireMember{ID: m.ID, Topics: append([]string{}, m.Topics...), Generation: m.Generation, Owned: []oracleWireTP{}}
		if m.InstanceID != "" {
			s := m.InstanceID
			wm.Instance = &s
		}
		if m.Rack != "" {
			s := m.Rack
			wm.Rack = &s
		}
		for _, tp := range m.Owned {
			wm.Owned = append(wm.Owned, oracleWireTP{Topic: tp.Topic, Partitions: tp.Partitions})
		}
		w.Members = append(w.Members, wm)
	}
	return w
}

// oracleResult is Kafka's answer for one group: a plan or an error.
type oracleResult struct {
	Plan Plan
	Err  string
}

// ask sends the rounds of one group (one assignor instance across them) and
// returns Kafka's answers. A request that outlives oracleTimeout kills the
// JVM (a fresh one is started for the next request) and returns
// errOracleTimeout.
func (p *oracleProc) ask(assignor string, rounds []*Group, bench int) ([]oracleResult, []int64, error) {
	return p.send(oracleWireRequest{Assignor: assignor, Bench: bench}, rounds)
}

// askHarness asks for one group fed as Kafka's unit tests feed it (see
// Driver.java, "harness").
func (p *oracleProc) askHarness(assignor string, g *Group, harness map[string]any) (oracleResult, error) {
	res, _, err := p.send(oracleWireRequest{Assignor: assignor, Harness: harness}, []*Group{g})
	if err != nil {
		return oracleResult{}, err
	}
	return res[0], nil
}

func (p *oracleProc) send(req oracleWireRequest, rounds []*Group) ([]oracleResult, []int64, error) {
	bench := req.Bench
	for _, g := range rounds {
		req.Groups = append(req.Groups, oracleWire(g))
	}
	line, err := json.Marshal(req)
	if err != nil {
		return nil, nil, err
	}
	cur := oracleCur
	if _, err := cur.in.Write(append(line, '\n')); err != nil {
		return nil, nil, err
	}
	timeout := oracleTimeout
	if bench > 0 {
		timeout = 10 * time.Minute
	}
	select {
	case l, ok := <-cur.lines:
		if !ok || l.err != nil {
			return nil, nil, fmt.Errorf("oracle died: %v", l.err)
		}
		var a oracleWireAnswer
		if err := json.Unmarshal([]byte(l.text), &a); err != nil {
			return nil, nil, fmt.Errorf("oracle answer %q: %v", l.text, err)
		}
		if a.Fatal != "" {
			return nil, nil, fmt.Errorf("oracle: %s", a.Fatal)
		}
		if len(a.Results) != len(rounds) {
			return nil, nil, fmt.Errorf("oracle: %d results for %d groups", len(a.Results), len(rounds))
		}
		out := make([]oracleResult, len(rounds))
		for i, r := range a.Results {
			if r.Error != nil {
				out[i].Err = *r.Error
				continue
			}
			for _, m := range r.Plan {
				as := Assignment{MemberID: m.ID}
				for _, tp := range m.Topics {
					as.Topics = append(as.Topics, TopicPartitions{Topic: tp.Topic, Partitions: tp.Partitions})
				}
				out[i].Plan = append(out[i].Plan, as)
			}
		}
		return out, a.Nanos, nil
	case <-time.After(timeout):
		cur.stop()
		oracleRestarts++
		next, err := oracleStart(cur.cp)
		if err != nil {
			return nil, nil, fmt.Errorf("restarting the oracle: %v", err)
		}
		oracleCur = next
		return nil, nil, errOracleTimeout
	}
}

func TestMain(m *testing.M) {
	code := m.Run()
	if oracleCur != nil {
		oracleCur.stop()
	}
	os.Exit(code)
}
