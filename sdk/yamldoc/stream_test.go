package yamldoc

import (
	"bytes"
	"errors"
	"io"
	"testing"
)

// editDoc is the edit the stream tests make to document i: remove it, label it, or leave it.
func editDoc(d *Doc, i int, mode uint8) {
	switch {
	case mode&1 != 0 && i%3 == 1:
		d.Remove()
	case mode&2 != 0 && !d.Empty() && d.Root().Kind() == MapKind:
		_ = d.Root().Set(`metadata.labels["stagekit.dev/x"]`, "yes")
	}
}

// viaParse is what Parse, the edits and Bytes give.
func viaParse(src []byte, mode uint8) ([]byte, error) {
	f, err := Parse("s.yaml", src)
	if err != nil {
		return nil, err
	}
	for i, d := range f.Docs() {
		editDoc(d, i, mode)
	}
	return f.Bytes()
}

// viaStream is what a Stream gives, reading chunk bytes at a time (0: the whole input in place,
// from a bytes.Buffer).
func viaStream(src []byte, mode uint8, chunk int) ([]byte, error) {
	var out bytes.Buffer
	var s *Stream
	if chunk == 0 {
		s = NewStream("s.yaml", bytes.NewBuffer(src), &out)
	} else {
		s = NewStream("s.yaml", bytes.NewReader(src), &out)
		s.readBuf = chunk
	}
	for i := 0; ; i++ {
		d, err := s.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		editDoc(d, i, mode)
	}
	if err := s.Close(); err != nil {
		return nil, err
	}
	return out.Bytes(), nil
}

func streamMatchesParse(t *testing.T, src []byte, mode uint8, chunk int) {
	t.Helper()
	want, werr := viaParse(src, mode)
	got, gerr := viaStream(src, mode, chunk)
	if (werr != nil) != (gerr != nil) {
		t.Fatalf("%q mode %d chunk %d: Parse error %v, Stream error %v", src, mode, chunk, werr, gerr)
	}
	if werr == nil && !bytes.Equal(got, want) {
		t.Fatalf("%q mode %d chunk %d: Stream wrote\n%q\nParse+Bytes gives\n%q", src, mode, chunk, got, want)
	}
	if werr == nil && mode == 0 && !bytes.Equal(got, src) {
		t.Fatalf("%q: an unchanged stream is not copied byte for byte: %q", src, got)
	}
}

func TestStreamMatchesParse(t *testing.T) {
	inputs := append([]string(nil), kubeSeeds...)
	inputs = append(inputs, fuzzSeeds...)
	files, err := readFixtures()
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range sortedKeys(files) {
		inputs = append(inputs, string(files[name]))
	}
	for _, src := range inputs {
		for mode := uint8(0); mode < 4; mode++ {
			for _, chunk := range []int{0, 1, 3, 7, 4096, 1 << 20} {
				streamMatchesParse(t, []byte(src), mode, chunk)
			}
		}
	}
}

func FuzzStreamMatchesParse(f *testing.F) {
	for _, s := range kubeSeeds {
		f.Add([]byte(s), uint8(3), uint16(5))
	}
	f.Fuzz(func(t *testing.T, src []byte, mode uint8, chunk uint16) {
		streamMatchesParse(t, src, mode&3, int(chunk%4097))
	})
}

func TestStreamErrorIsFinal(t *testing.T) {
	s := NewStream("s.yaml", bytes.NewReader([]byte("a: 1\n---\nb: [\n---\nc: 3\n")), io.Discard)
	if _, err := s.Next(); err != nil {
		t.Fatal(err)
	}
	_, err := s.Next()
	var se *SyntaxError
	if !errors.As(err, &se) || se.File != "s.yaml" || se.Line != 3 {
		t.Fatalf("Next = %v, want a SyntaxError at s.yaml:3", err)
	}
	if _, err2 := s.Next(); err2 != err {
		t.Errorf("Next after an error = %v, want the same error", err2)
	}
	if err2 := s.Close(); err2 != err {
		t.Errorf("Close after an error = %v, want the same error", err2)
	}
}
