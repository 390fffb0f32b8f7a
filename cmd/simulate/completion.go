package main

import (
	"flag"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/rebalance-sim/rebalance-sim/assignors"
	"github.com/rebalance-sim/rebalance-sim/experiment"
)

var helpCommand = &command{
	name:    "help",
	args:    "[COMMAND]",
	summary: "describe a command and every flag it takes",
	about:   `Prints the help of COMMAND (the same as simulate COMMAND --help), or the list of commands.`,
	setup: func(fs *flag.FlagSet, s stdio) func([]string) error {
		return func(pos []string) error {
			switch len(pos) {
			case 0:
				printOverview(s.out)
				return nil
			case 1:
				c := lookupCommand(pos[0])
				if c == nil || c.hidden {
					return unknownCommand(pos[0])
				}
				printHelp(s.out, c)
				return nil
			}
			return usagef("help takes one command")
		}
	},
}

var completionCommand = &command{
	name:    "completion",
	args:    "bash|zsh|fish",
	summary: "print a shell completion script (commands, flags, run ids, files)",
	about: `Prints a script that makes the shell complete simulate's commands, their flags, the values
of --assignor, --format, --run and --group (run ids and groups read from the experiment file on
the command line), and file names (.toml for experiments, .json for assign, folders for --out).
The script asks simulate itself what to complete, so it stays right as the commands change.`,
	examples: []string{
		"source <(simulate completion bash)                         # in ~/.bashrc",
		"simulate completion zsh > \"${fpath[1]}/_simulate\"          # then restart zsh",
		"simulate completion fish > ~/.config/fish/completions/simulate.fish",
	},
	positional: "bash zsh fish",
	setup: func(fs *flag.FlagSet, s stdio) func([]string) error {
		return func(pos []string) error {
			if len(pos) != 1 {
				return usagef("completion takes one shell: bash, zsh or fish")
			}
			script, ok := completionScripts[pos[0]]
			if !ok {
				hint := ""
				if best := closest(pos[0], []string{"bash", "fish", "zsh"}); best != "" {
					hint = fmt.Sprintf("; did you mean %s?", best)
				}
				return usagef("unknown shell %q%s (bash, zsh or fish)", pos[0], hint)
			}
			_, err := io.WriteString(s.out, script)
			return err
		}
	},
}

// The scripts call `simulate __complete WORD... CURRENT`, which prints one
// candidate per line and, last, what else the shell should offer:
// ":files EXT" (files ending in EXT, and folders), ":dirs" or ":words".
var completionScripts = map[string]string{
	"bash": `# bash completion for simulate (rebalance-sim): source <(simulate completion bash)
_simulate() {
    local cur=${COMP_WORDS[COMP_CWORD]}
    local IFS=$'\n'
    local -a lines
    lines=($(simulate __complete "${COMP_WORDS[@]:1:COMP_CWORD}" 2>/dev/null))
    local n=${#lines[@]}
    [[ $n -eq 0 ]] && return
    local directive=${lines[n-1]}
    unset "lines[n-1]"
    case $directive in
    ":files "*)
        compopt -o filenames 2>/dev/null
        COMPREPLY=($(compgen -f -X "!*${directive#:files }" -- "$cur") $(compgen -d -- "$cur"))
        ;;
    ":dirs")
        compopt -o filenames 2>/dev/null
        COMPREPLY=($(compgen -d -- "$cur"))
        ;;
    *)
        COMPREPLY=($(compgen -W "${lines[*]}" -- "$cur"))
        ;;
    esac
}
complete -F _simulate simulate
`,
	"zsh": `#compdef simulate
# zsh completion for simulate (rebalance-sim): simulate completion zsh > "${fpath[1]}/_simulate"
_simulate() {
    local -a lines
    lines=("${(@f)$(simulate __complete "${(@)words[2,CURRENT]}" 2>/dev/null)}")
    (( ${#lines} )) || return 1
    local directive=${lines[-1]}
    lines=("${(@)lines[1,-2]}")
    case $directive in
    ":files "*) _files -g "*${directive#:files }" ;;
    ":dirs") _files -/ ;;
    *) compadd -a lines ;;
    esac
}
if [[ $funcstack[1] == _simulate ]]; then
    _simulate "$@"
else
    compdef _simulate simulate
fi
`,
	"fish": `# fish completion for simulate (rebalance-sim): simulate completion fish > ~/.config/fish/completions/simulate.fish
function __simulate_complete
    set -l words (commandline -opc)
    set -e words[1]
    set -l cur (commandline -ct)
    set -l lines (simulate __complete $words "$cur" 2>/dev/null)
    test (count $lines) -gt 0; or return
    set -l directive $lines[-1]
    set -e lines[-1]
    switch $directive
        case ':files *'
            __fish_complete_suffix (string replace ':files ' '' -- $directive)
        case ':dirs'
            __fish_complete_directories "$cur"
        case '*'
            printf '%s\n' $lines
    end
end
complete -c simulate -f -a '(__simulate_complete)'
`,
}

var completeCommand = &command{
	name:    "__complete",
	args:    "WORD... CURRENT",
	summary: "used by the completion scripts",
	about:   `Prints the completions of CURRENT after the words before it, for the completion scripts.`,
	hidden:  true,
	setup: func(fs *flag.FlagSet, s stdio) func([]string) error {
		return func(pos []string) error {
			words, directive := complete(pos)
			for _, w := range words {
				fmt.Fprintln(s.out, w)
			}
			fmt.Fprintln(s.out, directive)
			return nil
		}
	},
}

// complete returns the candidates for the last word after the others, and
// the directive for the shell.
func complete(args []string) ([]string, string) {
	if len(args) == 0 {
		args = []string{""}
	}
	cur, before := args[len(args)-1], args[:len(args)-1]
	if len(before) == 0 {
		var names []string
		for _, c := range commands {
			if !c.hidden {
				names = append(names, c.name)
			}
		}
		return withPrefix(append(names, "--help", "--version"), cur), ":words"
	}
	c := lookupCommand(before[0])
	if c == nil || c.hidden {
		return nil, ":words"
	}
	if c == helpCommand {
		if len(before) > 1 {
			return nil, ":words"
		}
		names, d := complete([]string{cur})
		return filterOut(names, "--help", "--version"), d
	}
	fs, _ := c.flagSet(stdio{})
	// The value of a flag given as --name VALUE.
	if len(before) > 1 {
		prev := before[len(before)-1]
		if strings.HasPrefix(prev, "-") && !strings.Contains(prev, "=") {
			if f := fs.Lookup(strings.TrimLeft(prev, "-")); f != nil && !isBoolFlag(f) {
				return completeValue(c, f.Name, before[1:], cur)
			}
		}
	}
	if strings.HasPrefix(cur, "-") {
		var names []string
		fs.VisitAll(func(f *flag.Flag) { names = append(names, "--"+f.Name) })
		return withPrefix(append(names, "--help"), cur), ":words"
	}
	return completeKind(c.positional, before[1:], cur)
}

// completeValue completes the value of flag name.
func completeValue(c *command, name string, args []string, cur string) ([]string, string) {
	kind, ok := c.values[name]
	if !ok {
		return nil, ":words" // free text: nothing to offer
	}
	return completeKind(kind, args, cur)
}

func completeKind(kind string, args []string, cur string) ([]string, string) {
	switch kind {
	case "":
		return nil, ":words"
	case "toml", "json":
		return nil, ":files ." + kind
	case "dir":
		return nil, ":dirs"
	case "assignors":
		return withPrefix(assignors.Names(), cur), ":words"
	case "runs", "groups":
		// From the experiment file already on the command line.
		for _, a := range args {
			if !strings.HasSuffix(a, ".toml") {
				continue
			}
			x, err := experiment.Load(a)
			if err != nil {
				return nil, ":words"
			}
			var out []string
			if kind == "runs" {
				for _, r := range x.Runs {
					out = append(out, r.ID)
				}
			} else {
				seen := map[string]bool{}
				for _, g := range x.Runs[0].Scenario.Groups {
					if !seen[g.Name] {
						seen[g.Name] = true
						out = append(out, g.Name)
					}
				}
				sort.Strings(out)
			}
			return withPrefix(out, cur), ":words"
		}
		return nil, ":words"
	}
	return withPrefix(strings.Fields(kind), cur), ":words"
}

func withPrefix(words []string, prefix string) []string {
	var out []string
	for _, w := range words {
		if strings.HasPrefix(w, prefix) {
			out = append(out, w)
		}
	}
	return out
}

func filterOut(words []string, drop ...string) []string {
	var out []string
	for _, w := range words {
		keep := true
		for _, d := range drop {
			keep = keep && w != d
		}
		if keep {
			out = append(out, w)
		}
	}
	return out
}
