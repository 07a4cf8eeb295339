package secretforbidder

import (
	"fmt"
	"strconv"
	"strings"
)

// hint is logged once after the violations of a failed run.
const hint = "hint: a Secret in the output is stored in plain text wherever Kratix writes it (Git, a bucket): " +
	"ship an ExternalSecret or a SealedSecret instead, or allow this one with ALLOW=namespace/name"

// what names a finding the way the log shows it: "Secret argocd/argocd-secret".
func (f finding) what() string {
	name := f.name
	if name == "" {
		name = "(no name)"
	}
	if f.namespace == "" {
		return f.kind.String() + " " + name
	}
	return f.kind.String() + " " + f.namespace + "/" + name
}

// where says which object of the file it is: "document 3", "document 1, item 2",
// "document 1, secretGenerator entry 1". Numbers count from 1, as people do.
func (f finding) where() string {
	var b strings.Builder
	b.WriteString("document ")
	b.WriteString(strconv.Itoa(f.doc + 1))
	if len(f.items) > 0 {
		b.WriteString(", item ")
		for i, it := range f.items {
			if i > 0 {
				b.WriteByte('.')
			}
			b.WriteString(strconv.Itoa(it + 1))
		}
	}
	if f.entry >= 0 {
		fmt.Fprintf(&b, ", secretGenerator entry %d, made at apply time", f.entry+1)
	}
	if f.namespace == "" {
		b.WriteString(", no namespace")
	}
	return b.String()
}

// String is the violation line, after its location: "Secret ns/name (document 2)".
func (f finding) String() string { return f.what() + " (" + f.where() + ")" }
