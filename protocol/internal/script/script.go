// Package script runs the protocol machines' script tests: text files of
// commands, each followed by a line "----" and the output the command
// must produce, in the manner of etcd-io/raft's datadriven tests. A
// command is a word and key=value arguments; lines starting with # are
// comments; a blank line ends an output. Run with -update, a test
// rewrites the files with what the machines produced.
package script

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the script files with the output the machines produce")

// Cmd is one command of a script.
type Cmd struct {
	Name string
	Args []string // positional arguments
	KV   map[string]string
	Line int
}

// Has reports whether key was given.
func (c *Cmd) Has(key string) bool { _, ok := c.KV[key]; return ok }

// Get returns key's value, or def.
func (c *Cmd) Get(key, def string) string {
	if v, ok := c.KV[key]; ok {
		return v
	}
	return def
}

type block struct {
	comments []string
	cmd      string
	line     int
	want     []string
}

// Run runs file through run, which returns the output of each command.
func Run(t *testing.T, file string, run func(c *Cmd) []string) {
	t.Helper()
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	blocks, err := parse(string(data))
	if err != nil {
		t.Fatalf("%s: %v", file, err)
	}
	var out strings.Builder
	for i := range blocks {
		b := &blocks[i]
		c, err := parseCmd(b.cmd, b.line)
		if err != nil {
			t.Fatalf("%s:%d: %v", file, b.line, err)
		}
		got := run(c)
		for _, l := range b.comments {
			out.WriteString(l + "\n")
		}
		out.WriteString(b.cmd + "\n----\n")
		for _, l := range got {
			out.WriteString(l + "\n")
		}
		out.WriteString("\n")
		if !*update && strings.Join(got, "\n") != strings.Join(b.want, "\n") {
			t.Errorf("%s:%d: %s\n got:\n    %s\nwant:\n    %s", file, b.line, b.cmd,
				strings.Join(got, "\n    "), strings.Join(b.want, "\n    "))
		}
	}
	if *update {
		if err := os.WriteFile(file, []byte(strings.TrimRight(out.String(), "\n")+"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func parse(s string) ([]block, error) {
	lines := strings.Split(s, "\n")
	var blocks []block
	var comments []string
	for i := 0; i < len(lines); i++ {
		l := strings.TrimRight(lines[i], " \t")
		switch {
		case l == "":
			if len(comments) > 0 {
				comments = append(comments, "")
			}
			continue
		case strings.HasPrefix(l, "#"):
			comments = append(comments, l)
			continue
		}
		b := block{comments: trimTrailingBlank(comments), cmd: l, line: i + 1}
		comments = nil
		if i+1 >= len(lines) || strings.TrimSpace(lines[i+1]) != "----" {
			return nil, fmt.Errorf("line %d: %q is not followed by ----", i+1, l)
		}
		i += 2
		for ; i < len(lines) && strings.TrimRight(lines[i], " \t") != ""; i++ {
			b.want = append(b.want, strings.TrimRight(lines[i], " \t"))
		}
		blocks = append(blocks, b)
	}
	return blocks, nil
}

func trimTrailingBlank(ls []string) []string {
	for len(ls) > 0 && ls[len(ls)-1] == "" {
		ls = ls[:len(ls)-1]
	}
	return ls
}

func parseCmd(s string, line int) (*Cmd, error) {
	f := strings.Fields(s)
	c := &Cmd{Name: f[0], KV: map[string]string{}, Line: line}
	for _, a := range f[1:] {
		if k, v, ok := strings.Cut(a, "="); ok {
			c.KV[k] = v
		} else {
			c.Args = append(c.Args, a)
		}
	}
	return c, nil
}

// Harness runs a script's commands after its "new": what one machine's
// test builds from that first command.
type Harness interface {
	Do(c *Cmd) []string
}

// RunDir runs every script in dir: each starts with a "new" command, which
// start turns into the harness that runs the rest.
func RunDir(t *testing.T, dir string, start func(c *Cmd) Harness) {
	t.Helper()
	files, _ := filepath.Glob(filepath.Join(dir, "*.txt"))
	if len(files) == 0 {
		t.Fatalf("no scripts in %s", dir)
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			var h Harness
			Run(t, f, func(c *Cmd) []string {
				if c.Name == "new" {
					h = start(c)
					return nil
				}
				if h == nil {
					t.Fatalf("%s:%d: %s before new", f, c.Line, c.Name)
				}
				return h.Do(c)
			})
		})
	}
}
