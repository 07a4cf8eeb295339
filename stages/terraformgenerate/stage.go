package terraformgenerate

import (
	"bytes"
	"errors"
	"io"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/stagekit/stagekit/sdk"
	"github.com/zclconf/go-cty/cty"
)

func run(k *sdk.Kratix, cfg *Config) error {
	src, outs, vars := cfg.source, cfg.outputs, cfg.variables
	obj, err := k.Object()
	if err != nil {
		return err
	}
	name, raw, nameErr := moduleName(k, obj)
	asHCL := strings.EqualFold(cfg.OutputFormat, "hcl")
	m := module{Name: name, Source: src, Outputs: outs}
	file, other := name+".tf.json", name+".tf"
	if asHCL {
		file, other = name+".tf", name+".tf.json"
	}
	// Each argument is checked against the module's variables and written as soon as it is
	// read: a large request's values, held all at once, took more memory than the stage's soft
	// limit. When the spec's keys come sorted (as the API server writes them), the JSON form
	// goes straight to the output file, else only each argument's text is kept until they are
	// sorted. hclwrite lays out the whole module at once, so the HCL form keeps the values.
	var out io.WriteCloser
	var stream *moduleJSON
	if !asHCL && nameErr == nil && sort.StringsAreSorted(obj.Spec().Keys()) {
		if out, err = k.Output.Create(file); err != nil {
			return err
		}
		defer out.Close() // on the paths that fail: the run then commits nothing (a second Close only errs)
		stream = &moduleJSON{w: out}
		stream.begin(m)
	}
	var varErrs []namedError
	var buf bytes.Buffer
	args, argErr := readArguments(obj, func(a *argument, raw any) *valueError {
		if vars == nil && !asHCL {
			if err := argumentJSON(a, raw, &buf); err != nil {
				return err
			}
		} else {
			if err := toValue(a, raw); err != nil {
				return err
			}
			if vars != nil {
				if err := vars.checkArgument(obj, a); err != nil {
					varErrs = append(varErrs, namedError{a.Name, err})
					return nil
				}
			}
			if asHCL {
				return nil
			}
			buf.Reset()
			writeJSONValue(&buf, a.Value, argumentDepth)
		}
		a.Value = cty.NilVal
		if stream != nil {
			stream.argument(a.Name, buf.Bytes())
		} else {
			a.json = bytes.Clone(buf.Bytes())
		}
		return nil
	})
	if err := errors.Join(nameErr, argErr); err != nil {
		return err
	}
	if vars != nil {
		// As if checked after reading every argument: in the order of their names.
		sort.Slice(varErrs, func(i, j int) bool { return varErrs[i].name < varErrs[j].name })
		errs := make([]error, 0, len(varErrs))
		for _, e := range varErrs {
			errs = append(errs, e.err)
		}
		if err := errors.Join(append(errs, vars.missing(obj, args)...)...); err != nil {
			return err
		}
	}
	if raw != name {
		k.Log.Info("the name " + raw + " is not a Terraform identifier: the module and its file are named " + name)
	}
	m.Args = args
	if _, err := k.Output.Read(other); err == nil {
		k.ReportWarningf(sdk.Location{File: "output/" + other}, "already declares module %q in the other format (an earlier stage?): Terraform will see it twice", name)
	}
	if stream != nil {
		err = stream.end(m)
		if cerr := out.Close(); err == nil {
			err = cerr
		}
	} else {
		err = writeModule(k, file, m, asHCL)
	}
	if err != nil {
		return err
	}
	k.Changef(sdk.Location{File: "output/" + file}, "wrote module %q (source %s, %s, %s)", name, src.Source, count(len(args), "argument"), count(len(outs), "output"))
	k.Summarize("generated module %q in %s", name, file)
	return nil
}

// outputNames checks MODULE_OUTPUT_NAMES: identifiers, each once.
func outputNames(names []string) ([]string, error) {
	var errs []error
	seen := map[string]bool{}
	var out []string
	for _, n := range names {
		switch {
		case !utf8.ValidString(n) || !hclsyntax.ValidIdentifier(n):
			errs = append(errs, sdk.SettingErrorf("MODULE_OUTPUT_NAMES", "%q is not a Terraform output name (letters, digits, _ and -, not starting with a digit or -)", n))
		case seen[n]:
			errs = append(errs, sdk.SettingErrorf("MODULE_OUTPUT_NAMES", "%q is listed twice", n))
		default:
			seen[n] = true
			out = append(out, n)
		}
	}
	return out, errors.Join(errs...)
}

// writeModule writes the module file: the JSON form streamed through the run's transaction, the
// HCL form (which hclwrite lays out whole) at once.
func writeModule(k *sdk.Kratix, file string, m module, asHCL bool) error {
	if asHCL {
		return k.Output.Write(file, renderHCL(m))
	}
	w, err := k.Output.Create(file)
	if err != nil {
		return err
	}
	err = writeModuleJSON(w, m)
	if cerr := w.Close(); err == nil {
		err = cerr
	}
	return err
}

type namedError struct {
	name string
	err  error
}

func count(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return strconv.Itoa(n) + " " + what + "s"
}
