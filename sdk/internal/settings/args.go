package settings

import (
	"fmt"
	"strings"
)

// parseArgs reads --name=value, --name value, -name value and bare --name (bools only) into
// the values given per flag name; the last of repeated flags wins. It collects unknown flags,
// missing values and positional arguments as errors, and reports whether help was asked for.
func parseArgs(args []string, byFlag map[string]*field) (given map[string]string, errs []error, help bool) {
	given = map[string]string{}
	for i := 0; i < len(args); i++ {
		arg := args[i]
		if arg == "--" {
			for _, rest := range args[i+1:] {
				errs = append(errs, fmt.Errorf("unexpected argument %q: settings are flags or environment variables", rest))
			}
			break
		}
		if len(arg) < 2 || arg[0] != '-' {
			errs = append(errs, fmt.Errorf("unexpected argument %q: settings are flags or environment variables", arg))
			continue
		}
		name := strings.TrimPrefix(arg[1:], "-")
		name, value, hasValue := strings.Cut(name, "=")
		if name == "h" || name == "help" {
			return nil, nil, true
		}
		f := byFlag[name]
		switch {
		case f == nil:
			flag, _, _ := strings.Cut(arg, "=")
			errs = append(errs, fmt.Errorf("unknown flag %s (see --help)", flag))
		case hasValue:
			given[name] = value
		case f.Type == "bool":
			given[name] = "true"
		case i+1 < len(args):
			i++
			given[name] = args[i]
		default:
			errs = append(errs, fmt.Errorf("%s (--%s): flag needs a value", f.Env, f.Flag))
		}
	}
	return given, errs, false
}
