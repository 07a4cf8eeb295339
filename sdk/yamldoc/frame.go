package yamldoc

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"unicode"
	"unicode/utf8"
)

// A manifest file is split into documents exactly as Kubernetes splits it: kubectl, Flux and
// Kratix read manifests with apimachinery's YAMLOrJSONDecoder, and a stage that saw fewer
// documents than they do would let the others through unchecked. The decoder's rules, which
// the framer follows step by step:
//
//   - The stream is JSON when the first byte that is not a Unicode space within its first 4096
//     bytes is "{" (a byte order mark is not a space: such a file is YAML).
//   - A JSON stream is a series of JSON values ({...}{...}, one per line or not), each decoded
//     by encoding/json. When the first or second value fails to decode, the decoder goes back
//     to where the last value ended, skips blanks up to the first line break (failing when
//     fewer than four bytes are left), and reads the rest as YAML; after two values, a failure
//     is an error.
//   - A YAML stream is cut into chunks at lines that start with "---" followed only by blanks
//     or a comment ("--- x" is an error; "..." cuts nothing); a "---" line that would start
//     an empty chunk stays in the chunk instead. Every chunk is one document, decoded by
//     sigs.k8s.io/yaml (goyaml.v2), which reads only the first YAML document in it.
//
// A document's bytes run from the line that cut it from the one before (its "---" line) to
// the next such line, so that the documents tile the file; a trailing "---" line, after which
// nothing follows, belongs to the last document.

// jsonPeek is how far the decoder looks for the "{" that makes a stream JSON.
const jsonPeek = 4096

// frame is one document of a stream: its bytes are src[start:end]; what the decoder parses is
// src[body:bodyEnd] (the "---" line that cut it from the previous document, and a trailing
// "---" line, are outside).
type frame struct {
	start, body, bodyEnd, end int
	line, bodyLine            int // the lines of start and body
	json                      bool
}

// errNeedMore asks the caller to read more of the stream and try again.
var errNeedMore = errors.New("yamldoc: need more input")

const (
	modeDetect = iota
	modeJSON
	modeYAML
	modeDone
)

// framer cuts a stream into frames. src holds the stream's bytes from stream offset base on;
// eof tells that no more will come. Positions are indexes into src.
type framer struct {
	src []byte
	eof bool

	mode  int
	count int // documents decoded so far, as the decoder counts them
	pos   int // where the next frame starts
	line  int // the line at pos
	// dropped: the line at pos is the "---" line that ended the previous YAML chunk.
	dropped bool
	// yamlBody, when >= pos, is where the next YAML chunk's content starts (after the blanks
	// the decoder skipped when it switched from JSON to YAML).
	yamlBody int

	jsonScan jsonParser // finds where JSON values end
}

func newFramer(src []byte, eof bool) *framer {
	return &framer{src: src, eof: eof, line: 1, yamlBody: -1}
}

// shift forgets the first n bytes of src (the caller dropped them).
func (fr *framer) shift(n int) {
	fr.src = fr.src[n:]
	fr.pos -= n
	if fr.yamlBody >= 0 {
		fr.yamlBody -= n
	}
}

// next returns the next frame, io.EOF after the last, errNeedMore when src must grow first
// (the framer's state is then unchanged), or a *SyntaxError.
func (fr *framer) next() (frame, error) {
	switch fr.mode {
	case modeDetect:
		if !fr.eof && len(fr.src)-fr.pos < jsonPeek {
			return frame{}, errNeedMore
		}
		fr.mode = modeYAML
		if isJSONStream(fr.src[fr.pos:min(len(fr.src), fr.pos+jsonPeek)]) {
			fr.mode = modeJSON
		}
		return fr.next()
	case modeJSON:
		return fr.nextJSON()
	case modeYAML:
		return fr.nextYAML()
	}
	return frame{}, io.EOF
}

// isJSONStream is apimachinery's IsJSONBuffer: the first non-space character is "{".
func isJSONStream(peek []byte) bool {
	return bytes.HasPrefix(bytes.TrimLeftFunc(peek, unicode.IsSpace), []byte("{"))
}

func (fr *framer) lineAt(from, fromLine, to int) int {
	return fromLine + bytes.Count(fr.src[from:to], nl)
}

// nextJSON frames the next JSON value, switching to YAML where the decoder does.
func (fr *framer) nextJSON() (frame, error) {
	start := fr.pos
	end, err := fr.jsonScan.skip(fr.src, start, fr.eof)
	switch {
	case err == errNeedMore:
		return frame{}, err
	case err == io.EOF:
		// Only blanks are left: they were given to the previous document.
		fr.mode = modeDone
		return frame{}, io.EOF
	case err != nil:
		return fr.jsonFailed(start, err)
	}
	f := frame{start: start, body: start, line: fr.line, bodyLine: fr.line, json: true}
	// The document runs to the next value; after the last one, to the end of the file. After
	// the first value, the second decides: if it does not decode, the decoder skips blanks
	// and reads YAML from there, and the first document runs to that point.
	var nerr error
	if fr.count == 0 {
		_, nerr = fr.jsonScan.skip(fr.src, end, fr.eof)
	} else {
		nerr = fr.jsonScan.blanksLeft(fr.src, end, fr.eof)
	}
	switch {
	case nerr == errNeedMore:
		return frame{}, nerr
	case nerr == io.EOF:
		f.bodyEnd, f.end = len(fr.src), len(fr.src)
		if !fr.eof {
			// Blanks up to the end of what was read so far; more may follow.
			return frame{}, errNeedMore
		}
		fr.mode = modeDone
	case nerr != nil && fr.count+1 <= 1:
		p, ok, err := consumeWhitespace(fr.src, end, fr.eof)
		if err != nil {
			return frame{}, err
		}
		if !ok {
			return frame{}, fr.jsonError(end, nerr)
		}
		f.bodyEnd, f.end = p, p
		fr.mode, fr.yamlBody, fr.dropped = modeYAML, p, false
	default:
		// Another value follows (if it does not decode, the next call reports it).
		f.bodyEnd, f.end = end, end
	}
	fr.count++
	fr.pos = f.end
	fr.line = fr.lineAt(start, fr.line, f.end)
	return f, nil
}

// jsonFailed handles a JSON value that does not decode at start: after at most one value the
// decoder reads the rest as YAML, from where the last value ended.
func (fr *framer) jsonFailed(start int, err error) (frame, error) {
	if fr.count > 1 {
		return frame{}, fr.jsonError(start, err)
	}
	p, ok, werr := consumeWhitespace(fr.src, start, fr.eof)
	if werr != nil {
		return frame{}, werr
	}
	if !ok {
		return frame{}, fr.jsonError(start, err)
	}
	fr.mode, fr.yamlBody, fr.dropped = modeYAML, p, false
	return fr.nextYAML()
}

func (fr *framer) jsonError(at int, err error) error {
	line := fr.line
	if je, ok := err.(*jsonError); ok {
		at = je.off
	}
	if at > fr.pos {
		line = fr.lineAt(fr.pos, fr.line, min(at, len(fr.src)))
	}
	msg := "not a JSON value"
	if je, ok := err.(*jsonError); ok {
		msg = je.msg
	}
	return &SyntaxError{Line: line, Msg: msg}
}

// consumeWhitespace is the decoder's consumeWhitespace from at: Unicode spaces up to and
// including the first line break. ok is false where the decoder gives up (fewer than four
// bytes left, or an invalid or replacement character).
func consumeWhitespace(src []byte, at int, eof bool) (p int, ok bool, err error) {
	for h := at; ; {
		if len(src)-h < 4 {
			if !eof {
				return 0, false, errNeedMore
			}
			return 0, false, nil
		}
		r, sz := utf8.DecodeRune(src[h : h+4])
		if r == utf8.RuneError || sz == 0 {
			return 0, false, nil
		}
		if !unicode.IsSpace(r) {
			return h, true, nil
		}
		h += sz
		if r == '\n' {
			return h, true, nil
		}
	}
}

// nextYAML frames the next YAML chunk as apimachinery's YAMLReader cuts it.
func (fr *framer) nextYAML() (frame, error) {
	src := fr.src
	start, line := fr.pos, fr.line
	body, bodyLine := start, line
	if fr.yamlBody >= start {
		body = fr.yamlBody
		bodyLine = fr.lineAt(start, line, body)
	} else if fr.dropped {
		e, err := fr.lineEnd(start)
		if err != nil {
			return frame{}, err
		}
		body, bodyLine = e, line+1
	}
	empty := true
	i, l := body, bodyLine
	for {
		// Jump to the next line that starts with "---": the lines before it are content.
		if j := fr.nextDashes(i); j > i {
			empty = false
			l += bytes.Count(src[i:j], nl)
			i = j
		} else if j < 0 {
			if !fr.eof {
				return frame{}, errNeedMore
			}
			if i < len(src) {
				empty = false
				l += bytes.Count(src[i:], nl)
				i = len(src)
			}
			break
		}
		e, err := fr.lineEnd(i)
		if err != nil {
			return frame{}, err
		}
		if err := separatorError(src[i:e]); err != "" {
			return frame{}, &SyntaxError{Line: l, Msg: err}
		}
		if !empty {
			// The chunk ends before this line. If nothing follows the line, it is the last
			// document's.
			if e == len(src) && !fr.eof {
				return frame{}, errNeedMore
			}
			f := frame{start: start, body: body, bodyEnd: i, end: i, line: line, bodyLine: bodyLine}
			if e == len(src) {
				f.end = e
				fr.mode = modeDone
			}
			fr.pos, fr.line, fr.dropped, fr.yamlBody = f.end, l, true, -1
			fr.count++
			return f, nil
		}
		// A "---" line at the start of a chunk stays in it.
		empty = false
		i = e
		if e > 0 && src[e-1] == '\n' {
			l++
		}
	}
	fr.mode = modeDone
	if empty && start == body && !(start == 0 && fr.count == 0 && len(src) == 0) {
		return frame{}, io.EOF
	}
	fr.count++
	fr.pos, fr.line = i, l
	return frame{start: start, body: body, bodyEnd: i, end: i, line: line, bodyLine: bodyLine}, nil
}

// nextDashes returns the start of the first line at or after i (a line start) that begins
// with "---", len(src) at the end when the stream is complete... or -1 when there is none in
// src.
func (fr *framer) nextDashes(i int) int {
	src := fr.src
	if i >= len(src) {
		return -1
	}
	if bytes.HasPrefix(src[i:], dashes) {
		return i
	}
	if len(src)-i < len(dashes) && !fr.eof && bytes.HasPrefix(dashes, src[i:]) {
		return -1 // "-" or "--" at the end of what was read: maybe a "---" line
	}
	j := bytes.Index(src[i:], nlDashes)
	if j < 0 {
		// A line start near the end of src may still become a "---" line.
		return -1
	}
	return i + j + 1
}

var (
	nl       = []byte("\n")
	dashes   = []byte("---")
	nlDashes = []byte("\n---")
)

// lineEnd is the end of the line at i, past its line feed; errNeedMore if the line is not
// complete in src yet.
func (fr *framer) lineEnd(i int) (int, error) {
	if j := bytes.IndexByte(fr.src[i:], '\n'); j >= 0 {
		return i + j + 1, nil
	}
	if !fr.eof {
		return 0, errNeedMore
	}
	return len(fr.src), nil
}

// separatorError checks a line starting with "---" as YAMLReader does: only blanks (Unicode
// spaces) or a comment may follow the marker. It returns the problem, or "".
func separatorError(l []byte) string {
	rest := strings.TrimSpace(string(l[3:]))
	if len(rest) > 0 && rest[0] != '#' {
		return "a line starting with \"---\" must be a document separator, followed only by blanks or a comment"
	}
	return ""
}

// lineChunk is a YAML chunk as the decoder's line reader rebuilds it: every line ends with a
// line feed, and a carriage return before a line feed is dropped.
func lineChunk(src []byte) []byte {
	if len(src) == 0 {
		return nil
	}
	if !bytes.Contains(src, []byte("\r\n")) && src[len(src)-1] == '\n' {
		return src
	}
	out := make([]byte, 0, len(src)+1)
	for len(src) > 0 {
		j := bytes.IndexByte(src, '\n')
		if j < 0 {
			out = append(out, src...)
			out = append(out, '\n')
			break
		}
		l := src[:j]
		if len(l) > 0 && l[len(l)-1] == '\r' {
			l = l[:len(l)-1]
		}
		out = append(out, l...)
		out = append(out, '\n')
		src = src[j+1:]
	}
	return out
}
