// Package tfliteral writes strings into Terraform JSON files (*.tf.json) so that Terraform, and
// every JSON or YAML tool after it, reads back exactly the text written. terraform-generate and
// enforce-tags both write with it, so a value means the same whichever stage wrote it.
package tfliteral

import (
	"unicode/utf16"
	"unicode/utf8"

	"github.com/apparentlymart/go-textseg/v15/textseg"
)

// AppendJSON appends s to dst as a JSON string. Terraform reads most JSON strings of a
// configuration (arguments, object keys, outputs) as templates: with template set, "${" and "%{"
// are escaped as "$${" and "%%{", as HCL escapes them, so the text stays literal. A module's
// source and version are read verbatim, without template set.
//
// Besides what JSON requires, every character a reader may refuse or fold when written raw is
// escaped as \uXXXX: the C0 and C1 control characters, DEL, U+2028, U+2029 and the
// noncharacters U+FFFE and U+FFFF (YAML-based tools refuse the first and last, and fold NEL and
// the separators into spaces), and a character that would hide the quote or backslash after it
// from Terraform's scanner (see fusesWithNext). Invalid UTF-8 becomes U+FFFD, as Terraform
// reads it.
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
		case escaped(r):
			dst = appendEscape(dst, r)
		case template && (r == '$' || r == '%') && i+1 < len(s) && s[i+1] == '{':
			dst = append(dst, byte(r), byte(r))
		case r >= utf8.RuneSelf && fusesWithNext(r, s[i+size:]):
			dst = appendEscape(dst, r)
		default:
			dst = utf8.AppendRune(dst, r)
		}
		i += size
	}
	return append(dst, '"')
}

// fusesWithNext reports whether r, written raw, would join the quote or backslash written next
// into one grapheme cluster: Terraform's JSON scanner steps over a string one grapheme cluster
// at a time, so a prepended character (U+0600 ARABIC NUMBER SIGN, U+0D4E MALAYALAM LETTER DOT
// REPH, ...) right before the closing quote or an escape hides it, and the file no longer
// parses. Such a character is written as an escape there.
func fusesWithNext(r rune, rest string) bool {
	if rest != "" {
		next, _ := utf8.DecodeRuneInString(rest)
		if next != '"' && next != '\\' && !escaped(next) {
			return false
		}
	}
	probe := utf8.AppendRune(nil, r)
	n := len(probe)
	advance, _, _ := textseg.ScanGraphemeClusters(append(probe, '"'), true)
	return advance > n
}

// escaped reports whether AppendJSON writes r as an escape sequence (starting with a backslash).
func escaped(r rune) bool {
	return r == '"' || r == '\\' || r < 0x20 || r >= 0x7f && r <= 0x9f || r == 0x2028 || r == 0x2029 || r == 0xfffe || r == 0xffff
}

// appendEscape writes r as \uXXXX, as a UTF-16 surrogate pair beyond the Basic Multilingual Plane.
func appendEscape(dst []byte, r rune) []byte {
	const hex = "0123456789abcdef"
	one := func(dst []byte, u rune) []byte {
		return append(dst, '\\', 'u', hex[u>>12&0xf], hex[u>>8&0xf], hex[u>>4&0xf], hex[u&0xf])
	}
	if r > 0xffff {
		hi, lo := utf16.EncodeRune(r)
		return one(one(dst, hi), lo)
	}
	return one(dst, r)
}

// JSON is AppendJSON for one string.
func JSON(s string, template bool) string { return string(AppendJSON(nil, s, template)) }
