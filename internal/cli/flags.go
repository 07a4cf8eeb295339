package cli

import (
	"fmt"
	"io"
	"strconv"
	"strings"
)

// flags is a command's flag set. Flags and arguments may come in any order, as kubectl and
// terraform accept them; "--" ends the flags. A flag is written --name value, --name=value or
// with one dash; a bool flag alone means true.
type flags struct {
	defs  []*flagDef
	byKey map[string]*flagDef
}

type flagDef struct {
	name, short, arg, help string
	isBool                 bool
	set                    func(string) error
}

func newFlags() *flags { return &flags{byKey: map[string]*flagDef{}} }

func (f *flags) add(d *flagDef) {
	f.defs = append(f.defs, d)
	f.byKey[d.name] = d
	if d.short != "" {
		f.byKey[d.short] = d
	}
}

func (f *flags) str(name, short, arg, help string, p *string) {
	f.add(&flagDef{name: name, short: short, arg: arg, help: help, set: func(v string) error { *p = v; return nil }})
}

func (f *flags) list(name, arg, help string, p *[]string) {
	f.add(&flagDef{name: name, arg: arg, help: help, set: func(v string) error { *p = append(*p, v); return nil }})
}

func (f *flags) boolean(name, help string, p *bool) {
	f.add(&flagDef{name: name, isBool: true, help: help, set: func(v string) error {
		b, err := strconv.ParseBool(v)
		if err != nil {
			return fmt.Errorf("want true or false, got %q", v)
		}
		*p = b
		return nil
	}})
}

func (f *flags) integer(name, arg, help string, p *int) {
	f.add(&flagDef{name: name, arg: arg, help: help, set: func(v string) error {
		n, err := strconv.Atoi(v)
		if err != nil {
			return fmt.Errorf("want a number, got %q", v)
		}
		*p = n
		return nil
	}})
}

// errHelp asks for the command's help.
var errHelp = fmt.Errorf("help requested")

// parse sets the flags and returns the other arguments.
func (f *flags) parse(args []string) ([]string, error) {
	var pos []string
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			return append(pos, args[i+1:]...), nil
		}
		if len(a) < 2 || a[0] != '-' {
			pos = append(pos, a)
			continue
		}
		name := strings.TrimLeft(a, "-")
		value, hasValue := "", false
		if k, v, ok := strings.Cut(name, "="); ok {
			name, value, hasValue = k, v, true
		}
		if name == "h" || name == "help" {
			return nil, errHelp
		}
		d, ok := f.byKey[name]
		if !ok {
			return nil, fmt.Errorf("unknown flag %s", a)
		}
		switch {
		case hasValue:
		case d.isBool:
			value = "true"
		case i+1 < len(args):
			i++
			value = args[i]
		default:
			return nil, fmt.Errorf("flag --%s needs a value (%s)", d.name, d.arg)
		}
		if err := d.set(value); err != nil {
			return nil, fmt.Errorf("--%s: %v", d.name, err)
		}
	}
	return pos, nil
}

// usage lists the flags, aligned.
func (f *flags) usage(w io.Writer) {
	width := 0
	cols := make([]string, len(f.defs))
	for i, d := range f.defs {
		c := "--" + d.name
		if d.short != "" {
			c = "-" + d.short + ", " + c
		}
		if d.arg != "" {
			c += " " + d.arg
		}
		cols[i] = c
		width = max(width, len(c))
	}
	for i, d := range f.defs {
		fmt.Fprintf(w, "  %-*s  %s\n", width, cols[i], d.help)
	}
}

// keyValues reads NAME=VALUE flags into a map.
func keyValues(flag string, items []string) (map[string]string, error) {
	m := map[string]string{}
	for _, it := range items {
		k, v, ok := strings.Cut(it, "=")
		if !ok || k == "" {
			return nil, fmt.Errorf("--%s %s: want NAME=VALUE", flag, it)
		}
		m[k] = v
	}
	return m, nil
}
