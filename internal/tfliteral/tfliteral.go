// Package tfliteral writes strings into Terraform JSON files (*.tf.json) so that Terraform, and
// every JSON or YAML tool after it, reads back exactly the text written. terraform-generate and
// enforce-tags both write with it, so a value means the same whichever stage wrote it.
package tfliteral

import "unicode/utf8"

// AppendJSON appends s to dst as a JSON string. Terraform reads most JSON strings of a
// configuration (arguments, object keys, outputs) as templates: with template set, "${" and "%{"
// are escaped as "$${" and "%%{", as HCL escapes them, so the text stays literal. A module's
// source and version are read verbatim, without template set.
//
// Besides what JSON requires, every character a reader may refuse or fold when written raw is
// escaped as \uXXXX: the C0 and C1 control characters, DEL, U+2028, U+2029 and the
// noncharacters U+FFFE and U+FFFF (YAML-based tools refuse the first and last, and fold NEL and
// the separators into spaces). Invalid UTF-8 becomes U+FFFD, as Terraform reads it.
func AppendJSON(dst []byte, s string, template bool) []byte {
	dst = append(dst, '"')
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == '"' || r == '\\':
			dst = append(dst, '\\', byte(r))
		case r == '\n':
			dst = append(dst, '\\', 'n')
		case r == '\r':
			dst = append(dst, '\\', 'r')
		case r == '\t':
			dst = append(dst, '\\', 't')
		case r < 0x20, r >= 0x7f && r <= 0x9f, r == 0x2028, r == 0x2029, r == 0xfffe, r == 0xffff:
			const hex = "0123456789abcdef"
			dst = append(dst, '\\', 'u', hex[r>>12&0xf], hex[r>>8&0xf], hex[r>>4&0xf], hex[r&0xf])
		case template && (r == '$' || r == '%') && i+1 < len(s) && s[i+1] == '{':
			dst = append(dst, byte(r), byte(r))
		default:
			dst = utf8.AppendRune(dst, r)
		}
		i += size
	}
	return append(dst, '"')
}

// JSON is AppendJSON for one string.
func JSON(s string, template bool) string { return string(AppendJSON(nil, s, template)) }
