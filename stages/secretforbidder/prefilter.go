package secretforbidder

import (
	"bytes"
	"strings"
)

// mayHold reports whether a document's bytes can spell an object of a forbidden kind. When it
// reports false, the detector finds nothing in the parsed document: the detector only reports an
// object whose kind string (its own, or its *List's) is a forbidden kind K, and a string value is
// one of:
//
//   - a plain, single-quoted or block scalar: its characters are its source's, except that a
//     line break and the indentation around it become a space or line feeds. No such string
//     holds K (letters and digits only, kindRe) with anything taken out from inside it, so K is
//     in the source, with no letter or digit right before or after it, which would be part of
//     the same scalar and make the string longer than K ... or K is followed by "List", the
//     *List kind whose items are K (a SecretList's items need no kind of their own);
//   - a double-quoted YAML or a JSON string: the same, unless it holds an escape ("\x53",
//     "\u0053", "\/", an escaped line break that joins two lines): a document with a backslash
//     may hold anything;
//   - a tagged scalar: !!binary is base64-decoded (str), and a %TAG directive or a verbatim tag
//     can spell that tag in other ways: a document with a "!" may hold anything;
//   - an alias or a "<<" merge key: a copy of a value written in the same document (anchors do
//     not cross documents: each is decoded alone), so its bytes are in the document's;
//   - text in UTF-16 or UTF-32 (YAML allows them; K's letters are ASCII, so such text holds NUL
//     bytes): a document with a NUL byte may hold anything.
//
// Keys do not matter ("kind", quoted, a complex key, a merge key bringing it in): only the value
// must be K. Kinds are case-sensitive (the detector compares them exactly), so is the search.
// A document that does not parse is still parsed and reported as before: mayHold only decides
// whether the detector walks a parsed document.
func (p *policy) mayHold(src []byte) bool {
	if bytes.IndexByte(src, '\\') >= 0 || bytes.IndexByte(src, '!') >= 0 || bytes.IndexByte(src, 0) >= 0 {
		return true
	}
	for _, gk := range p.kinds {
		if hasKindToken(src, gk.kind) {
			return true
		}
	}
	return false
}

// hasKindToken reports whether src holds kind with no ASCII letter or digit right before it, and
// none right after it unless "List" follows.
func hasKindToken(src []byte, kind string) bool {
	for i := 0; i < len(src); {
		j := bytes.Index(src[i:], []byte(kind))
		if j < 0 {
			return false
		}
		at, end := i+j, i+j+len(kind)
		if (at == 0 || !isAlnum(src[at-1])) && (end == len(src) || !isAlnum(src[end]) || strings.HasPrefix(string(src[end:min(end+4, len(src))]), "List")) {
			return true
		}
		i = at + 1
	}
	return false
}

func isAlnum(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}
