package validation

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
)

// ErrTools means Java 17+ or Maven is missing: `simulate validate` cannot
// run anything real (a usage problem, exit 2).
var ErrTools = errors.New("java or mvn missing")

// Harness runs the Java harness of module (the validate/ folder).
type Harness struct {
	Module    string // the Maven module folder
	Java      string
	Mvn       string
	Classpath string
}

// FindHarness checks for java (17 or newer) and mvn on PATH and for the
// Maven module at module.
func FindHarness(module string) (*Harness, error) {
	java, err := exec.LookPath("java")
	if err != nil {
		return nil, fmt.Errorf("%w: no java on PATH; real runs need Java 17 or newer (e.g. apt-get install openjdk-17-jdk-headless)", ErrTools)
	}
	mvn, err := exec.LookPath("mvn")
	if err != nil {
		return nil, fmt.Errorf("%w: no mvn on PATH; the harness is built with Maven (e.g. apt-get install maven)", ErrTools)
	}
	v, err := javaMajor(java)
	if err != nil {
		return nil, fmt.Errorf("%w: %s -version: %v", ErrTools, java, err)
	}
	if v < 17 {
		return nil, fmt.Errorf("%w: %s is Java %d; Kafka 4.4's broker needs 17 or newer", ErrTools, java, v)
	}
	if _, err := os.Stat(filepath.Join(module, "pom.xml")); err != nil {
		return nil, fmt.Errorf("%w: no harness module at %s (run from the repository root, or pass --harness DIR)", ErrTools, module)
	}
	return &Harness{Module: module, Java: java, Mvn: mvn}, nil
}

var javaVersion = regexp.MustCompile(`version "(\d+)(?:\.(\d+))?`)

func javaMajor(java string) (int, error) {
	out, err := exec.Command(java, "-version").CombinedOutput()
	if err != nil {
		return 0, err
	}
	m := javaVersion.FindSubmatch(out)
	if m == nil {
		return 0, fmt.Errorf("cannot read the version in %q", strings.TrimSpace(string(out)))
	}
	major, _ := strconv.Atoi(string(m[1]))
	if major == 1 && m[2] != nil { // 1.8 style
		major, _ = strconv.Atoi(string(m[2]))
	}
	return major, nil
}

// JavaVersion is `java -version`'s first line, for the report.
func (h *Harness) JavaVersion() string {
	out, _ := exec.Command(h.Java, "-version").CombinedOutput()
	return firstLine(string(out))
}

// MavenVersion is `mvn -v`'s first line, for the report.
func (h *Harness) MavenVersion() string {
	out, _ := exec.Command(h.Mvn, "-v", "-B").CombinedOutput()
	return strings.TrimSpace(ansi.ReplaceAllString(firstLine(string(out)), ""))
}

var ansi = regexp.MustCompile("\x1b\\[[0-9;]*m")

func firstLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}

// Build packages the harness (Maven fetches Kafka's jars into ~/.m2 the
// first time) and sets the classpath.
func (h *Harness) Build(log io.Writer) error {
	cmd := exec.Command(h.Mvn, "-q", "-B", "package")
	cmd.Dir = h.Module
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("building the harness (mvn -q -B package in %s): %v\n%s", h.Module, err, out.String())
	}
	target, err := filepath.Abs(filepath.Join(h.Module, "target"))
	if err != nil {
		return err
	}
	jar := filepath.Join(target, "validate.jar")
	if _, err := os.Stat(jar); err != nil {
		return fmt.Errorf("the harness build left no %s", jar)
	}
	h.Classpath = jar + string(os.PathListSeparator) + filepath.Join(target, "lib", "*")
	return nil
}

// Run runs one real run: dir gets run.json and everything the harness
// writes (ReadLogs reads it back).
func (h *Harness) Run(spec *Spec, dir string) error {
	if h.Classpath == "" {
		return fmt.Errorf("the harness is not built")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	b, err := json.MarshalIndent(spec, "", "  ")
	if err != nil {
		return err
	}
	runFile := filepath.Join(dir, "run.json")
	if err := os.WriteFile(runFile, append(b, '\n'), 0o644); err != nil {
		return err
	}
	logf, err := os.Create(filepath.Join(dir, "harness.out"))
	if err != nil {
		return err
	}
	defer logf.Close()
	cmd := exec.Command(h.Java, "-Xms64m", "-Xmx384m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
		"-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
		"-cp", h.Classpath, "rebalancesim.validate.Harness", runFile, dir)
	cmd.Stdout, cmd.Stderr = logf, logf
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("the harness failed (%v); see %s", err, filepath.Join(dir, "harness.out"))
	}
	return nil
}
