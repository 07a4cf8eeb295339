package terraformgenerate

import (
	"errors"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/stagekit/stagekit/sdk"
)

func run(k *sdk.Kratix, cfg *Config) error {
	src, outs, vars := cfg.source, cfg.outputs, cfg.variables
	obj, err := k.Object()
	if err != nil {
		return err
	}
	name, raw, nameErr := moduleName(k, obj)
	args, argErr := arguments(obj)
	if err := errors.Join(nameErr, argErr); err != nil {
		return err
	}
	if vars != nil {
		if args, err = vars.check(obj, args); err != nil {
			return err
		}
	}
	if raw != name {
		k.Log.Info("the name " + raw + " is not a Terraform identifier: the module and its file are named " + name)
	}
	m := module{Name: name, Source: src, Args: args, Outputs: outs}
	file, other, data := name+".tf.json", name+".tf", renderJSON(m)
	if strings.EqualFold(cfg.OutputFormat, "hcl") {
		file, other, data = name+".tf", name+".tf.json", renderHCL(m)
	}
	if _, err := k.Output.Read(other); err == nil {
		k.ReportWarningf(sdk.Location{File: "output/" + other}, "already declares module %q in the other format (an earlier stage?): Terraform will see it twice", name)
	}
	if err := k.Output.Write(file, data); err != nil {
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

func count(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return strconv.Itoa(n) + " " + what + "s"
}
