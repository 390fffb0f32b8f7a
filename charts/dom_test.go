package charts

import (
	"bytes"
	"encoding/xml"
	"io"
	"strings"
)

// A small DOM for the tests' queries, from the standard library's XML
// decoder in its lenient HTML mode (void elements auto-closed, HTML
// entities known): enough for the pages we write and for what Chromium
// serializes back, without a new dependency.

type node struct {
	name   string // lower case; "" for the document
	attr   map[string]string
	kids   []*node
	parent *node
	text   strings.Builder // the text directly inside this element
}

func parseDOM(b []byte) (*node, error) {
	d := xml.NewDecoder(bytes.NewReader(b))
	d.Strict = false
	d.AutoClose = xml.HTMLAutoClose
	d.Entity = xml.HTMLEntity
	root := &node{}
	cur := root
	for {
		tok, err := d.Token()
		if err == io.EOF {
			return root, nil
		}
		if err != nil {
			return root, err
		}
		switch tok := tok.(type) {
		case xml.StartElement:
			n := &node{name: strings.ToLower(tok.Name.Local), attr: map[string]string{}, parent: cur}
			for _, a := range tok.Attr {
				n.attr[strings.ToLower(a.Name.Local)] = a.Value
			}
			cur.kids = append(cur.kids, n)
			cur = n
		case xml.EndElement:
			if cur.parent != nil {
				cur = cur.parent
			}
		case xml.CharData:
			cur.text.Write(tok)
		}
	}
}

func (n *node) hasClass(c string) bool {
	for _, f := range strings.Fields(n.attr["class"]) {
		if f == c {
			return true
		}
	}
	return false
}

// all returns the descendants of n matching ok, in document order.
func (n *node) all(ok func(*node) bool) []*node {
	var out []*node
	var walk func(*node)
	walk = func(m *node) {
		for _, k := range m.kids {
			if ok(k) {
				out = append(out, k)
			}
			walk(k)
		}
	}
	walk(n)
	return out
}

// query is a tiny querySelectorAll: "tag", "tag.class", or "tag#id".
func (n *node) query(sel string) []*node {
	tag, rest := sel, ""
	if i := strings.IndexAny(sel, ".#"); i >= 0 {
		tag, rest = sel[:i], sel[i:]
	}
	return n.all(func(m *node) bool {
		if tag != "" && m.name != tag {
			return false
		}
		switch {
		case strings.HasPrefix(rest, "."):
			return m.hasClass(rest[1:])
		case strings.HasPrefix(rest, "#"):
			return m.attr["id"] == rest[1:]
		}
		return true
	})
}

// innerText is all text inside n.
func (n *node) innerText() string {
	var b strings.Builder
	var walk func(*node)
	walk = func(m *node) {
		b.WriteString(m.text.String())
		for _, k := range m.kids {
			walk(k)
		}
	}
	walk(n)
	return b.String()
}
