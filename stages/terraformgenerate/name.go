package terraformgenerate

import (
	"errors"
	"strings"

	"github.com/stagekit/stagekit/sdk"
)

// moduleName is <lower(kind)>_<namespace>_<name>, as the original stage names both the file and
// the module block, so pipelines that look for it keep working. Each part comes from the object,
// else from KRATIX_OBJECT_*; the namespace falls back to "default" (cluster-scoped requests and
// local runs). The second result is the unsanitised name when sanitising changed it.
func moduleName(k *sdk.Kratix, obj *sdk.Object) (name, raw string, err error) {
	kind := firstNonEmpty(str(obj, "kind"), k.Env.ObjectKind)
	base := firstNonEmpty(str(obj, "metadata.name"), k.Env.ObjectName)
	ns := firstNonEmpty(str(obj, "metadata.namespace"), k.Env.ObjectNamespace, "default")
	var errs []error
	if kind == "" {
		errs = append(errs, sdk.Errorf(obj.AtPath("kind"), "missing (and KRATIX_OBJECT_KIND is not set): the module is named <kind>_<namespace>_<name>"))
	}
	if base == "" {
		errs = append(errs, sdk.Errorf(obj.AtPath("metadata.name"), "missing (and KRATIX_OBJECT_NAME is not set): the module is named <kind>_<namespace>_<name>"))
	}
	if len(errs) > 0 {
		return "", "", errors.Join(errs...)
	}
	raw = strings.ToLower(kind) + "_" + ns + "_" + base
	name = identifier(raw)
	if n := len(name) + len(".tf.json"); n > maxFileBase {
		return "", "", sdk.Errorf(obj.AtPath("metadata.name"), "the module file %s.tf.json would have a %d-byte name, more than the %d bytes the stage can write (a file name holds at most 255 bytes, and the atomic write uses a temporary name 14 bytes longer): shorten the request's name, namespace or kind", name[:40]+"...", n, maxFileBase)
	}
	return name, raw, nil
}

// maxFileBase is the longest file name the stage writes: NAME_MAX (255 on every Linux file
// system) less what the SDK's atomic write adds for its temporary file ("." and ".stagekit-tmp").
const maxFileBase = 255 - len(".") - len(".stagekit-tmp")

// identifier makes s a Terraform identifier by a fixed rule: every character other than an
// ASCII letter, digit, '_' or '-' becomes '_', and a name that does not start with a letter or
// '_' gets a leading '_'. Kubernetes names only ever lose their dots this way
// (web.v2 -> web_v2); two names differing only there would collide, which is logged.
func identifier(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '_', r == '-':
			b.WriteRune(r)
		default:
			b.WriteByte('_')
		}
	}
	out := b.String()
	if out == "" || !(out[0] == '_' || out[0] >= 'a' && out[0] <= 'z' || out[0] >= 'A' && out[0] <= 'Z') {
		out = "_" + out
	}
	return out
}

func str(obj *sdk.Object, path string) string {
	s, _ := obj.GetString(path)
	return s
}

func firstNonEmpty(ss ...string) string {
	for _, s := range ss {
		if s != "" {
			return s
		}
	}
	return ""
}
