package main

import (
	"flag"
	"fmt"
	"io"
	"sort"
	"strings"
	"unicode/utf8"
)

// The command line's own machinery: the command table, GNU-style flag
// parsing on top of the standard library's flag.FlagSet, per-command help
// and did-you-mean suggestions. A CLI library (cobra with pflag) was
// considered and not taken: pflag reads -out as the shorthands -o -u -t, so
// the single-dash spelling Go's flag package has always accepted here
// would break, and cobra suggests commands but not flags; what remains
// (help from the flag set, completion) is short to write, and the flag
// definitions stay plain flag.FlagSet calls.

// stdio is a command's standard streams.
type stdio struct {
	in       io.Reader
	out, err io.Writer
}

// command is one subcommand.
type command struct {
	name    string
	args    string // the synopsis after "simulate NAME", e.g. "[flags] FILE..."
	summary string // one line for the overview
	about   string // what it does, for its help (paragraphs separated by blank lines)
	// examples are command lines, each optionally followed by "  # why".
	examples []string
	// setup registers the command's flags on fs and returns the function
	// that runs it on the positional arguments. It must do nothing else:
	// help and completion call it without running the command.
	setup func(fs *flag.FlagSet, s stdio) func(pos []string) error
	// positional says what the positional arguments are, for completion:
	// "toml" or "json" (files with that extension), "dir", a list of words
	// separated by spaces, or "" (none).
	positional string
	// values completes flag values: flag name -> completer kind ("dir",
	// "toml", "json", "runs", "groups", or words separated by spaces).
	values map[string]string
	hidden bool
}

// commands is the overview order.
var commands []*command

func init() {
	commands = []*command{runCommand, checkCommand, describeCommand, traceCommand, assignCommand, mergeCommand, validateCommand,
		listCommand, versionCommand, completionCommand, helpCommand, completeCommand}
}

func lookupCommand(name string) *command {
	for _, c := range commands {
		if c.name == name {
			return c
		}
	}
	return nil
}

// flagSet builds the command's flags; the returned function runs it.
func (c *command) flagSet(s stdio) (*flag.FlagSet, func([]string) error) {
	fs := flag.NewFlagSet(c.name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	run := c.setup(fs, s)
	return fs, run
}

// helpRequested is returned by parseArgs for -h, -help or --help.
type helpRequested struct{}

func (helpRequested) Error() string { return "help requested" }

// budgetFlagNames are listed under their own heading in help.
var budgetFlagNames = map[string]bool{"max-memory": true, "max-output": true, "max-steps": true}

// parseArgs reads flags before, between and after the positional arguments,
// GNU style: --name value, --name=value, and for booleans --name (or
// --name=false). A single dash (-name) is accepted as well, as Go's flag
// package has always accepted it; "--" ends the flags. -h, -help and
// --help anywhere before "--" ask for help.
func parseArgs(c *command, fs *flag.FlagSet, args []string) ([]string, error) {
	for _, a := range args {
		if a == "--" {
			break
		}
		if a == "-h" || a == "-help" || a == "--help" {
			return nil, helpRequested{}
		}
	}
	var pos []string
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			return append(pos, args[i+1:]...), nil
		}
		if a == "-" || !strings.HasPrefix(a, "-") {
			pos = append(pos, a)
			continue
		}
		name := strings.TrimPrefix(strings.TrimPrefix(a, "-"), "-")
		value, hasValue := "", false
		if k := strings.IndexByte(name, '='); k >= 0 {
			name, value, hasValue = name[:k], name[k+1:], true
		}
		if name == "" || strings.HasPrefix(name, "-") {
			return nil, usagef("%q is not a flag; flags are written --name or --name=value%s", a, seeHelp(c))
		}
		f := fs.Lookup(name)
		if f == nil {
			return nil, usagef("unknown flag --%s%s%s", name, suggestFlag(c, fs, name), seeHelp(c))
		}
		if isBoolFlag(f) {
			if !hasValue {
				value = "true"
			}
		} else if !hasValue {
			if i+1 >= len(args) {
				return nil, usagef("--%s needs a value: --%s %s%s", name, name, valueName(f), seeHelp(c))
			}
			i++
			value = args[i]
		}
		if err := fs.Set(name, value); err != nil {
			return nil, usagef("--%s %q: %s", name, value, badValue(f, err))
		}
	}
	return pos, nil
}

func seeHelp(c *command) string {
	return fmt.Sprintf(" (simulate %s --help lists its flags)", c.name)
}

func isBoolFlag(f *flag.Flag) bool {
	b, ok := f.Value.(interface{ IsBoolFlag() bool })
	return ok && b.IsBoolFlag()
}

// badValue explains a value a flag refused.
func badValue(f *flag.Flag, err error) string {
	switch fmt.Sprintf("%T", f.Value) {
	case "*flag.intValue", "*flag.int64Value", "*flag.uintValue", "*flag.uint64Value":
		return "want a whole number, e.g. 4"
	case "*flag.float64Value":
		return "want a number, e.g. 1e11"
	case "*flag.boolValue":
		return "want true or false"
	}
	return err.Error()
}

// valueName is the placeholder of a flag's value in help: the word in
// backquotes in its usage, or one that fits its type.
func valueName(f *flag.Flag) string {
	name, _ := flag.UnquoteUsage(f)
	switch name {
	case "int", "uint", "int64", "uint64":
		return "N"
	case "float":
		return "N"
	case "string", "value", "":
		return "VALUE"
	}
	return name
}

// suggestFlag is ", did you mean --x?" for a near miss among the command's
// flags, or a note that the flag belongs to another command.
func suggestFlag(c *command, fs *flag.FlagSet, name string) string {
	var names []string
	fs.VisitAll(func(f *flag.Flag) { names = append(names, f.Name) })
	if best := closest(name, names); best != "" {
		return fmt.Sprintf("; did you mean --%s?", best)
	}
	var others []string
	for _, o := range commands {
		if o == c || o.hidden {
			continue
		}
		ofs, _ := o.flagSet(stdio{})
		if ofs.Lookup(name) != nil {
			others = append(others, o.name)
		}
	}
	if len(others) > 0 {
		return fmt.Sprintf("; --%s is a flag of simulate %s", name, strings.Join(others, ", simulate "))
	}
	return ""
}

// closest returns the candidate nearest to s when it is near enough to be
// a typo (edit distance at most 2, and at most a third of its length, or s
// a prefix of it), "" otherwise; ties go to the first candidate in sorted
// order.
func closest(s string, candidates []string) string {
	sorted := append([]string(nil), candidates...)
	sort.Strings(sorted)
	best, bestD := "", 1<<30
	for _, c := range sorted {
		d := editDistance(s, c)
		if len(s) >= 3 && strings.HasPrefix(c, s) {
			d = min(d, 1)
		}
		if d < bestD {
			best, bestD = c, d
		}
	}
	n := utf8.RuneCountInString(s)
	if bestD <= 2 && bestD*3 <= max(n, 3) {
		return best
	}
	return ""
}

// editDistance is the Damerau-Levenshtein distance (with adjacent
// transpositions: "otu" is one edit from "out").
func editDistance(a, b string) int {
	x, y := []rune(a), []rune(b)
	d := make([][]int, len(x)+1)
	for i := range d {
		d[i] = make([]int, len(y)+1)
		d[i][0] = i
	}
	for j := range d[0] {
		d[0][j] = j
	}
	for i := 1; i <= len(x); i++ {
		for j := 1; j <= len(y); j++ {
			cost := 1
			if x[i-1] == y[j-1] {
				cost = 0
			}
			d[i][j] = min(d[i-1][j]+1, d[i][j-1]+1, d[i-1][j-1]+cost)
			if i > 1 && j > 1 && x[i-1] == y[j-2] && x[i-2] == y[j-1] {
				d[i][j] = min(d[i][j], d[i-2][j-2]+1)
			}
		}
	}
	return d[len(x)][len(y)]
}

// helpWidth is the width help text is wrapped to.
const helpWidth = 80

// printHelp writes a command's help: synopsis, what it does, every flag
// with its meaning and default, examples.
func printHelp(w io.Writer, c *command) {
	fs, _ := c.flagSet(stdio{})
	fmt.Fprintf(w, "Usage: simulate %s %s\n\n", c.name, c.args)
	for _, p := range strings.Split(strings.TrimSpace(c.about), "\n\n") {
		fmt.Fprintln(w, wrap(strings.Join(strings.Fields(p), " "), helpWidth, "", ""))
		fmt.Fprintln(w)
	}
	var main, budget []*flag.Flag
	fs.VisitAll(func(f *flag.Flag) {
		if budgetFlagNames[f.Name] {
			budget = append(budget, f)
		} else {
			main = append(main, f)
		}
	})
	// Flags in the order the command registered them reads better than
	// sorted, but flag.FlagSet only visits sorted: sorted it is, and the
	// budget flags apart.
	fmt.Fprintln(w, "Flags:")
	printFlags(w, append(main, helpFlag))
	if len(budget) > 0 {
		fmt.Fprintln(w, "\nBudget flags (what the runs may take, judged before anything runs; exit 2 beyond):")
		printFlags(w, budget)
	}
	if len(c.examples) > 0 {
		fmt.Fprintln(w, "\nExamples:")
		for _, e := range c.examples {
			fmt.Fprintf(w, "  %s\n", e)
		}
	}
	fmt.Fprintln(w, "\n"+wrap(exitCodes, helpWidth, "", ""))
}

const exitCodes = "Exit codes: 0 success, 1 failure at run time, 2 bad usage or input, 128+N after signal N."

var helpFlag = &flag.Flag{Name: "help", Usage: "print this help (also -h)", Value: boolFlag{}, DefValue: "false"}

type boolFlag struct{}

func (boolFlag) String() string   { return "false" }
func (boolFlag) Set(string) error { return nil }
func (boolFlag) IsBoolFlag() bool { return true }

func printFlags(w io.Writer, flags []*flag.Flag) {
	type line struct{ left, doc string }
	var lines []line
	width := 0
	for _, f := range flags {
		left := "--" + f.Name
		if !isBoolFlag(f) {
			left += " " + valueName(f)
		}
		_, usage := flag.UnquoteUsage(f)
		if d := f.DefValue; d != "" && d != "0" && d != "false" && d != "-1" && !strings.Contains(usage, "default") {
			if g, ok := f.Value.(flag.Getter); ok {
				if _, isString := g.Get().(string); isString {
					d = fmt.Sprintf("%q", d)
				}
			}
			usage += " (default " + d + ")"
		}
		lines = append(lines, line{left, usage})
		if n := utf8.RuneCountInString(left); n <= 24 {
			width = max(width, n)
		}
	}
	indent := strings.Repeat(" ", 2+width+2)
	for _, l := range lines {
		if utf8.RuneCountInString(l.left) > width {
			fmt.Fprintf(w, "  %s\n%s\n", l.left, wrap(l.doc, helpWidth, indent, indent))
			continue
		}
		first := "  " + l.left + strings.Repeat(" ", width-utf8.RuneCountInString(l.left)+2)
		fmt.Fprintln(w, wrap(l.doc, helpWidth, first, indent))
	}
}

// wrap fills text to width: the first line after first, the others after
// rest (both counted in the width).
func wrap(text string, width int, first, rest string) string {
	var b strings.Builder
	b.WriteString(first)
	col := utf8.RuneCountInString(first)
	start := col
	for _, word := range strings.Fields(text) {
		n := utf8.RuneCountInString(word)
		if col > start && col+1+n > width {
			b.WriteString("\n")
			b.WriteString(rest)
			col = utf8.RuneCountInString(rest)
			start = col
		} else if col > start {
			b.WriteString(" ")
			col++
		}
		b.WriteString(word)
		col += n
	}
	return b.String()
}

// printOverview is `simulate --help`.
func printOverview(w io.Writer) {
	fmt.Fprintf(w, "simulate: a deterministic Kafka consumer group simulator (rebalance-sim %s)\n\n", versionString())
	fmt.Fprintln(w, "Usage: simulate COMMAND [flags] [arguments]")
	fmt.Fprintln(w, "\nCommands:")
	for _, c := range commands {
		if !c.hidden {
			fmt.Fprintf(w, "  %-11s %s\n", c.name, c.summary)
		}
	}
	fmt.Fprintln(w, "\n'simulate help COMMAND' or 'simulate COMMAND --help' describes a command and its")
	fmt.Fprintln(w, "flags. Flags are written --name VALUE or --name=VALUE, anywhere after COMMAND.")
	fmt.Fprintln(w, wrap(exitCodes, helpWidth, "", ""))
}

// unknownCommand is the error for a command name that is not one.
func unknownCommand(name string) error {
	var names []string
	for _, c := range commands {
		if !c.hidden {
			names = append(names, c.name)
		}
	}
	hint := ""
	if best := closest(name, names); best != "" {
		hint = fmt.Sprintf("; did you mean %s?", best)
	}
	return usagef("unknown command %q%s (commands: %s; simulate --help describes them)", name, hint, strings.Join(names, ", "))
}
