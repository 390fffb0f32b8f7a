package main

import (
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// Every command explains itself: --help, -h and `help COMMAND` print the
// same help, exit 0, and describe every flag the command takes.
func TestEveryCommandHasHelp(t *testing.T) {
	for _, c := range commands {
		if c.hidden {
			continue
		}
		code, want, e := sim(t, "", c.name, "--help")
		if code != 0 || e != "" {
			t.Errorf("%s --help: exit %d, stderr %q", c.name, code, e)
		}
		for _, args := range [][]string{{c.name, "-h"}, {"help", c.name}, {c.name, "-help"}, {c.name, "--bogus", "--help"}} {
			if code, got, _ := sim(t, "", args...); code != 0 || got != want {
				t.Errorf("%v: exit %d, or not the same help as --help", args, code)
			}
		}
		if !strings.HasPrefix(want, "Usage: simulate "+c.name) || !strings.Contains(want, "Exit codes:") {
			t.Errorf("%s --help has no usage line or exit codes:\n%s", c.name, want)
		}
		fs, _ := c.flagSet(stdio{})
		fs.VisitAll(func(f *flag.Flag) {
			_, usage := flag.UnquoteUsage(f)
			first := strings.Fields(usage)[0]
			if !strings.Contains(want, "\n  --"+f.Name+" ") && !strings.Contains(want, "\n  --"+f.Name+"\n") {
				t.Errorf("%s --help does not list --%s:\n%s", c.name, f.Name, want)
			}
			if !strings.Contains(want, first) {
				t.Errorf("%s --help does not describe --%s (%q)", c.name, f.Name, usage)
			}
		})
		for _, l := range strings.Split(want, "\n") {
			if strings.HasPrefix(l, "  simulate ") {
				continue // examples are command lines
			}
			if n := len([]rune(l)); n > 82 {
				t.Errorf("%s --help: a line of %d columns: %s", c.name, n, l)
			}
		}
	}
	code, over, _ := sim(t, "", "--help")
	if code != 0 {
		t.Errorf("--help: exit %d", code)
	}
	for _, l := range strings.Split(over, "\n") {
		if n := len([]rune(l)); n > 80 {
			t.Errorf("--help: a line of %d columns: %s", n, l)
		}
	}
	for _, c := range commands {
		if strings.Contains(over, "\n  "+c.name+" ") == c.hidden {
			t.Errorf("simulate --help and command %s (hidden %v):\n%s", c.name, c.hidden, over)
		}
	}
	if code, _, e := sim(t, ""); code != 2 || !strings.Contains(e, "Commands:") {
		t.Errorf("no command: exit %d, stderr %q", code, e)
	}
}

// Flags are GNU style, --name value or --name=value, before, between or
// after the arguments; the single dash Go's flag package takes still works.
func TestFlagSpellings(t *testing.T) {
	var f runFlags
	fs := flag.NewFlagSet("run", flag.ContinueOnError)
	fs.StringVar(&f.out, "out", "results", "")
	fs.Int64Var(&f.seed, "seed", -1, "")
	fs.BoolVar(&f.quiet, "quiet", false, "")
	for _, args := range [][]string{
		{"--out", "r", "--seed", "7", "--quiet", "a.toml", "b.toml"},
		{"a.toml", "--out=r", "b.toml", "--seed=7", "--quiet=true"},
		{"-out", "r", "a.toml", "-seed=7", "-quiet", "b.toml"},
		{"--out", "r", "--seed", "7", "--quiet", "--", "a.toml", "b.toml"},
	} {
		f = runFlags{}
		fs.Set("quiet", "false")
		pos, err := parseArgs(runCommand, fs, args)
		if err != nil || !reflect.DeepEqual(pos, []string{"a.toml", "b.toml"}) || f.out != "r" || f.seed != 7 || !f.quiet {
			t.Errorf("%v: pos %v out %q seed %d quiet %v err %v", args, pos, f.out, f.seed, f.quiet, err)
		}
	}
	// After --, a dash is an argument.
	if pos, err := parseArgs(runCommand, fs, []string{"--", "--quiet"}); err != nil || !reflect.DeepEqual(pos, []string{"--quiet"}) {
		t.Errorf("after --: %v %v", pos, err)
	}
}

// Mistakes name the flag as --name and suggest what was meant.
func TestFlagMistakes(t *testing.T) {
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"run", "--otu", "x", "f.toml"}, "simulate run: unknown flag --otu; did you mean --out? (simulate run --help lists its flags)"},
		{[]string{"run", "-otu", "x", "f.toml"}, "simulate run: unknown flag --otu; did you mean --out?"},
		{[]string{"run", "--paralel", "2", "f.toml"}, "did you mean --parallel?"},
		{[]string{"run", "--no-chart", "f.toml"}, "did you mean --no-charts?"},
		{[]string{"run", "--at", "2m", "f.toml"}, "unknown flag --at; --at is a flag of simulate describe"},
		{[]string{"run", "--explain", "f.toml"}, "--explain is a flag of simulate assign"},
		{[]string{"run", "--parallel", "x", "f.toml"}, `simulate run: --parallel "x": want a whole number, e.g. 4`},
		{[]string{"run", "--quiet=maybe", "f.toml"}, `simulate run: --quiet "maybe": want true or false`},
		{[]string{"check", "--max-steps", "lots", "f.toml"}, `--max-steps "lots": want a number, e.g. 1e11`},
		{[]string{"run", "f.toml", "--out"}, "simulate run: --out needs a value: --out DIR"},
		{[]string{"describe", "f.toml", "--at"}, "--at needs a value: --at DURATION"},
		{[]string{"rnu", "f.toml"}, `simulate: unknown command "rnu"; did you mean run?`},
		{[]string{"descibe"}, "did you mean describe?"},
		{[]string{"help", "asign"}, `unknown command "asign"; did you mean assign?`},
		{[]string{"run"}, "simulate run: no experiment file given: simulate run [flags] FILE..."},
		{[]string{"completion", "bsh"}, `simulate completion: unknown shell "bsh"; did you mean bash?`},
	} {
		code, _, e := sim(t, "", c.args...)
		if code != 2 || !strings.Contains(e, c.want) {
			t.Errorf("%v: exit %d, stderr %q; want exit 2 and %q", c.args, code, e, c.want)
		}
		if strings.Contains(e, " -otu") || strings.Contains(e, "flag provided but not defined") {
			t.Errorf("%v: Go's own flag message leaked: %q", c.args, e)
		}
	}
}

func TestClosest(t *testing.T) {
	names := []string{"out", "seed", "parallel", "shard", "no-charts", "quiet"}
	for in, want := range map[string]string{"otu": "out", "ou": "out", "sed": "seed", "paralell": "parallel", "charts": "", "xyz": "", "q": "", "quit": "quiet"} {
		if got := closest(in, names); got != want {
			t.Errorf("closest(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestCompleteWords(t *testing.T) {
	dir := t.TempDir()
	file := writeFile(t, dir, "small.toml", small)
	for _, c := range []struct {
		args      []string
		words     []string
		directive string
	}{
		{[]string{""}, []string{"run", "check", "describe", "trace", "assign", "merge", "validate", "list", "version", "completion", "help", "--help", "--version"}, ":words"},
		{[]string{"de"}, []string{"describe"}, ":words"},
		{[]string{"run", "--p"}, []string{"--parallel"}, ":words"},
		{[]string{"run", "--no"}, []string{"--no-charts"}, ":words"},
		{[]string{"run", ""}, nil, ":files .toml"},
		{[]string{"run", "--out", ""}, nil, ":dirs"},
		{[]string{"run", "--quiet", ""}, nil, ":files .toml"},
		{[]string{"assign", ""}, nil, ":files .json"},
		{[]string{"assign", "--assignor", "coop"}, []string{"cooperative-sticky"}, ":words"},
		{[]string{"assign", "--format", ""}, []string{"json", "table"}, ":words"},
		{[]string{"merge", "--out", "r", ""}, nil, ":dirs"},
		{[]string{"describe", file, "--run", "short"}, []string{"short-session/seed=1", "short-session/seed=2"}, ":words"},
		{[]string{"describe", "--group", ""}, nil, ":words"}, // no file yet: nothing known
		{[]string{"describe", file, "--group", ""}, []string{"g"}, ":words"},
		{[]string{"describe", file, "--at", ""}, nil, ":words"},
		{[]string{"completion", ""}, []string{"bash", "zsh", "fish"}, ":words"},
		{[]string{"help", "c"}, []string{"check", "completion"}, ":words"},
		{[]string{"list", "s"}, []string{"sweep", "slo"}, ":words"},
		{[]string{"frob", ""}, nil, ":words"},
	} {
		words, directive := complete(c.args)
		if !reflect.DeepEqual(words, c.words) || directive != c.directive {
			t.Errorf("complete %q = %q %s, want %q %s", c.args, words, directive, c.words, c.directive)
		}
	}
	// The hidden command prints them, flags and all, for the scripts.
	code, out, _ := sim(t, "", "__complete", "run", "--q")
	if code != 0 || out != "--quiet\n:words\n" {
		t.Errorf("__complete: exit %d, %q", code, out)
	}
}

// The bash script completes through the binary itself.
func TestBashCompletionScript(t *testing.T) {
	bash, err := exec.LookPath("bash")
	if err != nil {
		t.Skip("no bash")
	}
	bin := binary(t)
	dir := t.TempDir()
	writeFile(t, dir, "small.toml", small)
	os.Mkdir(filepath.Join(dir, "out"), 0o755)
	script := `source <(simulate completion bash)
t() { COMP_WORDS=("$@"); COMP_CWORD=$((${#COMP_WORDS[@]}-1)); COMPREPLY=(); _simulate; echo "${COMPREPLY[*]}"; }
t simulate ch
t simulate run --no
t simulate run sm
t simulate describe small.toml --run range
t simulate run --out o
`
	cmd := exec.Command(bash, "--norc", "-c", script)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "PATH="+filepath.Dir(bin)+string(os.PathListSeparator)+os.Getenv("PATH"))
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("bash: %v\n%s", err, out)
	}
	want := "check\n--no-charts\nsmall.toml\nrange/seed=1 range/seed=2\nout\n"
	if string(out) != want {
		t.Errorf("bash completion:\n got %q\nwant %q", out, want)
	}
}

// The zsh and fish scripts are at least valid scripts of their shells,
// where the machine has the shell.
func TestCompletionScriptsParse(t *testing.T) {
	for shell, check := range map[string][]string{"bash": {"-n"}, "zsh": {"-n"}, "fish": {"--no-execute"}} {
		path, err := exec.LookPath(shell)
		if err != nil {
			t.Logf("no %s: its script is not checked", shell)
			continue
		}
		code, script, _ := sim(t, "", "completion", shell)
		if code != 0 || script == "" {
			t.Fatalf("completion %s: exit %d", shell, code)
		}
		f := writeFile(t, t.TempDir(), "simulate."+shell, script)
		if out, err := exec.Command(path, append(check, f)...).CombinedOutput(); err != nil {
			t.Errorf("%s %v: %v\n%s", shell, check, err, out)
		}
	}
}
