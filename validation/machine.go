package validation

import (
	"fmt"
	"html"
	"io"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"time"
)

// Env is the machine and the versions a validation ran on, for the report
// and docs/validation.md.
type Env struct {
	Started    time.Time
	Finished   time.Time
	CPU        string
	Cores      int
	OS         string
	Go         string
	Java       string
	Maven      string
	Kafka      string
	LoadBefore string
	LoadAfter  string
	// Reused: the real runs were made earlier (--reuse); only the
	// simulator and the comparison ran now.
	Reused bool
}

// KafkaVersion is the broker and client version the harness builds
// against (validate/pom.xml).
const KafkaVersion = "4.4.0"

// Machine describes this machine now.
func Machine(h *Harness) *Env {
	e := &Env{Started: time.Now().UTC(), Cores: runtime.NumCPU(), Go: runtime.Version(), Kafka: KafkaVersion,
		LoadBefore: LoadAvg()}
	e.CPU = cpuModel()
	if out, err := exec.Command("uname", "-srm").Output(); err == nil {
		e.OS = strings.TrimSpace(string(out))
	}
	if h != nil {
		e.Java, e.Maven = h.JavaVersion(), h.MavenVersion()
	}
	return e
}

// Finish notes the end of the validation.
func (e *Env) Finish() {
	e.Finished = time.Now().UTC()
	e.LoadAfter = LoadAvg()
}

func cpuModel() string {
	b, err := os.ReadFile("/proc/cpuinfo")
	if err != nil {
		return runtime.GOARCH
	}
	for _, l := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(l, "model name") {
			if _, v, ok := strings.Cut(l, ":"); ok {
				return strings.TrimSpace(v)
			}
		}
	}
	return runtime.GOARCH
}

// LoadAvg is the 1, 5 and 15 minute load averages (other work on the
// machine makes real timings noisy; the report says how busy it was).
func LoadAvg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "?"
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return "?"
	}
	return strings.Join(f[:3], " ")
}

func (e *Env) lines() []string {
	when := fmt.Sprintf("Run %s to %s (UTC), %.0f minutes", e.Started.Format("2006-01-02 15:04"), e.Finished.Format("15:04"), e.Finished.Sub(e.Started).Minutes())
	load := fmt.Sprintf("load average %s before, %s after", e.LoadBefore, e.LoadAfter)
	if e.Reused {
		when = fmt.Sprintf("Recomputed %s (UTC) from real runs made earlier (--reuse)", e.Started.Format("2006-01-02 15:04"))
		load = "each real run's load is in its experiment's comparison.json"
	}
	return []string{
		when,
		fmt.Sprintf("Machine: %s, %d cores, %s; %s", e.CPU, e.Cores, e.OS, load),
		fmt.Sprintf("Kafka %s (kafka_2.13 broker, KRaft, one node; kafka-clients KafkaConsumer)", e.Kafka),
		fmt.Sprintf("%s; %s; %s", e.Java, e.Maven, e.Go),
	}
}

// WriteIndex writes the validation's front page: the machine, then every
// experiment's verdict count with a link to its page.
func WriteIndex(path string, outs []*Outcome, e *Env) error {
	var b strings.Builder
	b.WriteString("<!doctype html><html><head><meta charset=\"utf-8\"><title>rebalance-sim: simulator vs real Kafka</title>" +
		"<style>body{font-family:sans-serif;margin:2em}td,th{border:1px solid #ccc;padding:3px 8px}table{border-collapse:collapse}</style></head><body>" +
		"<h1>Simulator vs real Kafka</h1><ul>")
	for _, l := range e.lines() {
		fmt.Fprintf(&b, "<li>%s</li>", html.EscapeString(l))
	}
	b.WriteString("</ul><table><tr><th>experiment</th><th>comparisons</th><th>agree</th><th>known disagreements</th><th>disagree</th></tr>")
	for _, o := range outs {
		agree, known, bad := o.counts()
		fmt.Fprintf(&b, "<tr><td><a href=\"%s/report.html\">%s</a></td><td>%d</td><td>%d</td><td>%d</td><td>%d</td></tr>",
			html.EscapeString(o.Experiment), html.EscapeString(o.Experiment), len(o.Comparisons), agree, known, bad)
	}
	b.WriteString("</table></body></html>\n")
	if err := os.MkdirAll(strings.TrimSuffix(path, "/index.html"), 0o755); err != nil {
		return err
	}
	return writeAtomic(path, []byte(b.String()))
}

func (o *Outcome) counts() (agree, known, bad int) {
	for i := range o.Comparisons {
		c := &o.Comparisons[i]
		switch {
		case c.Agree:
			agree++
		case c.Known != "":
			known++
		default:
			bad++
		}
	}
	return
}

// WriteMarkdown writes docs/validation.md's generated part: the machine
// and the whole table. Text before the marker line in an existing file is
// kept (the hand-written explanation); everything after it is replaced.
func WriteMarkdown(path string, outs []*Outcome, e *Env) error {
	head := "# Validation against real Kafka\n\n"
	if b, err := os.ReadFile(path); err == nil {
		if i := strings.Index(string(b), MarkdownMarker); i >= 0 {
			head = string(b[:i])
		}
	}
	var w strings.Builder
	w.WriteString(head)
	w.WriteString(MarkdownMarker + "\n\n")
	for _, l := range e.lines() {
		fmt.Fprintf(&w, "- %s\n", l)
	}
	agree, known, bad := 0, 0, 0
	for _, o := range outs {
		a, k, d := o.counts()
		agree, known, bad = agree+a, known+k, bad+d
	}
	fmt.Fprintf(&w, "\n%d comparisons: %d agree, %d known disagreements, %d disagree.\n\n", agree+known+bad, agree, known, bad)
	MarkdownTable(&w, outs)
	return writeAtomic(path, []byte(w.String()))
}

// MarkdownMarker starts the generated part of docs/validation.md.
const MarkdownMarker = "<!-- generated by `make validate`: everything below this line -->"

var _ io.Writer = (*strings.Builder)(nil)
