package settings

import "strings"

// kratixPrefix is the prefix of the platform's variables, the only ones Expand replaces.
const kratixPrefix = "KRATIX_"

// Expand replaces references to the platform's variables, $(KRATIX_NAME), with the value
// lookup returns, following Kubernetes' rules for env values and args:
//
//   - $$ is an escaped $: "$$(KRATIX_X)" becomes the literal "$(KRATIX_X)";
//   - a reference to a variable lookup does not know is left as it is;
//   - a $ not followed by ( or $, and an unclosed "$(", are copied unchanged.
//
// Only names starting with KRATIX_ are replaced: "$(HOME)" stays "$(HOME)", so a stage never
// reads arbitrary variables of the machine it runs on.
func Expand(s string, lookup func(string) (string, bool)) string {
	if !strings.Contains(s, "$") {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] != '$' || i+1 == len(s) {
			b.WriteByte(s[i])
			continue
		}
		switch s[i+1] {
		case '$': // escaped operator
			b.WriteByte('$')
			i++
		case '(':
			end := strings.IndexByte(s[i+2:], ')')
			if end < 0 { // incomplete reference: copy "$(" and go on after it
				b.WriteString("$(")
				i++
				continue
			}
			name := s[i+2 : i+2+end]
			v, ok := "", false
			if strings.HasPrefix(name, kratixPrefix) && lookup != nil {
				v, ok = lookup(name)
			}
			if ok {
				b.WriteString(v)
			} else {
				b.WriteString("$(" + name + ")")
			}
			i += 2 + end
		default: // a lone $: copy it and the byte after it
			b.WriteByte('$')
			b.WriteByte(s[i+1])
			i++
		}
	}
	return b.String()
}
