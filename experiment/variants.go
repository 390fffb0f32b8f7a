package experiment

import (
	"fmt"
	"strings"
)

// override is one parameter set by a variant or a sweep axis.
type override struct {
	param  string  // the parameter path as written, e.g. groups.p.session.timeout.ms
	target keyPath // where it lands in the decoded tree: groups.p."session.timeout.ms"
	src    keyPath // where it is written in the file
	value  any
}

type variant struct {
	name      string
	overrides []override
}

// leaf is one key = value found by flattening a variant or the sweep.
type leaf struct {
	param string
	src   keyPath
	value any
}

// flatten turns nested tables into dotted parameter paths, so that
// `groups.p.consumers = 4` (dotted, unquoted) means the same as
// `"groups.p.consumers" = 4`. isValue stops the descent at tables that are
// values (a sweep range).
func flatten(t tbl, prefix string, skip string, isValue func(map[string]any) bool, out *[]leaf) {
	for _, k := range sortedKeys(t.m) {
		if prefix == "" && k == skip {
			continue
		}
		param := k
		if prefix != "" {
			param = prefix + "." + k
		}
		v := t.m[k]
		if m, ok := v.(map[string]any); ok && !isValue(m) && len(m) > 0 {
			flatten(tbl{m: m, p: t.p.key(k)}, param, skip, isValue, out)
			continue
		}
		*out = append(*out, leaf{param: param, src: t.p.key(k), value: v})
	}
}

func never(map[string]any) bool { return false }

// resolveParam finds what a parameter path addresses in the base tree. It
// returns the tree path, or a message saying what is wrong.
func resolveParam(root map[string]any, param string) (keyPath, string) {
	head, rest, dotted := strings.Cut(param, ".")
	const paths = "write topics.NAME.KEY, producers.NAME.KEY, groups.NAME.KEY, groups.NAME.autoscaler.KEY, broker.KEY, cost.KEY, duration, sample_interval or batch_interval"
	if !dotted {
		d := topSection.def(head)
		if d == nil || d.fixed || contains(topSection.extra, head) {
			return nil, "not a parameter that can vary; " + paths
		}
		return keyPath{}.key(head), ""
	}
	if head == "broker" {
		if brokerSection.def(rest) == nil {
			return nil, unknownParamMsg(rest, brokerSection)
		}
		return keyPath{}.keys("broker", rest), ""
	}
	if head == "cost" {
		if costSection.def(rest) == nil {
			return nil, unknownParamMsg(rest, costSection)
		}
		return keyPath{}.keys("cost", rest), ""
	}
	var sec *section
	switch head {
	case "topics":
		sec = topicSection
	case "producers":
		sec = producerSection
	case "groups":
		sec = groupSection
	default:
		return nil, "unknown parameter path; " + paths
	}
	name, key, ok := strings.Cut(rest, ".")
	if !ok {
		return nil, fmt.Sprintf("must be %s.NAME.KEY", head)
	}
	table, _ := root[head].(map[string]any)
	if _, exists := table[name]; !exists {
		names := sortedKeys(table)
		return nil, fmt.Sprintf("no %s %q in this file (%ss: %s)", sec.what, name, sec.what, quoteList(names))
	}
	target := keyPath{}.keys(head, name)
	if head == "groups" {
		if sub, ok := strings.CutPrefix(key, "autoscaler."); ok {
			if autoscalerSection.def(sub) == nil {
				return nil, unknownParamMsg(sub, autoscalerSection)
			}
			return target.keys("autoscaler", sub), ""
		}
	}
	if contains(sec.extra, key) {
		example := fmt.Sprintf("%s.%s.%s", head, name, sec.defs[0].name)
		if key == "autoscaler" {
			example = fmt.Sprintf("groups.%s.autoscaler.max_consumers", name)
		}
		return nil, fmt.Sprintf("%s is a table; a variant or sweep sets single keys (e.g. %s)", key, example)
	}
	d := sec.def(key)
	if d == nil {
		return nil, unknownParamMsg(key, sec)
	}
	return target.key(key), ""
}

func unknownParamMsg(key string, sec *section) string {
	var names []string
	for _, d := range sec.defs {
		names = append(names, d.name)
	}
	if s := closest(key, names); s != "" {
		return fmt.Sprintf("%s has no key %q; did you mean %s?", article(sec.what), key, s)
	}
	return fmt.Sprintf("%s has no key %q; `simulate list` shows the parameters", article(sec.what), key)
}

func readVariants(c *checker, top tbl, root map[string]any) []variant {
	var out []variant
	seen := map[string]int{} // name -> line, for the duplicate message
	for _, vt := range c.tables(top, "variants", "[[variants]]") {
		nv := c.get(vt, variantSection, "name")
		np := vt.p.key("name")
		if nv.ok && nameTooLong(c, np, nv.s) {
			// reported
		} else if nv.ok && !validRunName(nv.s) {
			c.fail(np, fmt.Sprintf("%q is not allowed: use letters, digits, '-', '_' and '.'", nv.s))
		} else if line, dup := seen[nv.s]; nv.ok && dup {
			c.fail(np, fmt.Sprintf("%q is already the name of the variant at line %d", nv.s, line))
		}
		if nv.ok {
			seen[nv.s] = c.lines.line(np)
		}
		v := variant{name: nv.s}
		var leaves []leaf
		flatten(vt, "", "name", never, &leaves)
		sortLeaves(c, leaves) // file order, so a repeat is reported where it repeats
		setAt := map[string]keyPath{}
		for _, l := range leaves {
			target, msg := resolveParam(root, l.param)
			if msg != "" {
				c.fail(l.src, msg)
				continue
			}
			if m, isMap := l.value.(map[string]any); isMap && len(m) == 0 {
				c.fail(l.src, "an empty table sets nothing; give a value")
				continue
			}
			if prev, dup := setAt[target.canon()]; dup {
				c.fail(l.src, fmt.Sprintf("%s is already set by this variant at line %d", l.param, c.lines.line(prev)))
				continue
			}
			setAt[target.canon()] = l.src
			v.overrides = append(v.overrides, override{param: l.param, target: target, src: l.src, value: l.value})
		}
		out = append(out, v)
	}
	if _, has := top.m["variants"]; has && len(out) == 0 && !c.failed {
		c.fail(keyPath{}.key("variants"), "must hold at least one [[variants]] table")
	}
	return out
}
