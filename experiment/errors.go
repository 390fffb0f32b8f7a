package experiment

import (
	"fmt"
	"sort"
	"strings"
)

// Error is one problem in an experiment file. It prints as
// FILE:LINE: KEY: message, leaving out the line when it is unknown and the
// key when the problem is not about one key (a TOML syntax error).
type Error struct {
	File string
	Line int    // 1-based; 0 when unknown
	Key  string // e.g. groups.processors.session.timeout.ms or events[2].count
	Msg  string // says what is wrong and what is allowed
}

func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(e.File)
	if e.Line > 0 {
		if e.File != "" {
			b.WriteByte(':')
		}
		fmt.Fprintf(&b, "%d", e.Line)
	}
	if b.Len() > 0 {
		b.WriteString(": ")
	}
	if e.Key != "" {
		b.WriteString(e.Key)
		b.WriteString(": ")
	}
	b.WriteString(e.Msg)
	return b.String()
}

// ErrorList is several problems, sorted by line. Load and Parse return one
// when a file has more than one problem, so a user can fix them in one go.
type ErrorList []*Error

func (l ErrorList) Error() string {
	parts := make([]string, len(l))
	for i, e := range l {
		parts[i] = e.Error()
	}
	return strings.Join(parts, "\n")
}

// Unwrap lets errors.As find the individual *Error values.
func (l ErrorList) Unwrap() []error {
	out := make([]error, len(l))
	for i, e := range l {
		out[i] = e
	}
	return out
}

// maxErrors bounds what a user is shown: past twenty, the rest are usually
// consequences of the first.
const maxErrors = 20

// errSink collects problems without repeats: the same base-file problem is
// found again in every variant and sweep point.
type errSink struct {
	file string
	seen map[string]bool
	list []*Error
}

func newSink(file string) *errSink {
	return &errSink{file: file, seen: map[string]bool{}}
}

func (s *errSink) add(line int, key, msg string) {
	e := &Error{File: s.file, Line: line, Key: key, Msg: msg}
	text := e.Error()
	if s.seen[text] {
		return
	}
	s.seen[text] = true
	s.list = append(s.list, e)
}

func (s *errSink) count() int { return len(s.list) }

// full reports that more problems than are shown have been found: loops
// over hostile input (a list of a million bad values) stop there.
func (s *errSink) full() bool { return len(s.list) > maxErrors }

// err returns nil, the single *Error, or an ErrorList sorted by line.
func (s *errSink) err() error {
	switch len(s.list) {
	case 0:
		return nil
	case 1:
		return s.list[0]
	}
	list := append(ErrorList(nil), s.list...)
	// Sorted by line for the reader; ties keep the order found, which is
	// itself deterministic (keys are visited sorted, arrays in file order).
	sort.SliceStable(list, func(i, j int) bool { return list[i].Line < list[j].Line })
	if len(list) > maxErrors {
		more := len(list) - maxErrors
		list = append(list[:maxErrors:maxErrors], &Error{File: s.file,
			Msg: fmt.Sprintf("%d more problems not shown; fix the ones above first", more)})
	}
	return list
}
