package sdk

import (
	"bytes"
	"fmt"

	"github.com/stagekit/stagekit/sdk/yamldoc"
)

// Marshal writes values as a YAML stream (documents separated by "---") or, for JSON, one
// indented JSON value. Struct fields keep their declared order (json tags apply); map keys are
// sorted, so the output is deterministic.
func Marshal(format yamldoc.Format, values ...any) ([]byte, error) {
	if format == yamldoc.JSON && len(values) != 1 {
		return nil, fmt.Errorf("a JSON file holds one value, got %d", len(values))
	}
	var out bytes.Buffer
	for i, v := range values {
		name := "value.yaml"
		if format == yamldoc.JSON {
			name = "value.json"
		}
		f, err := yamldoc.Parse(name, nil)
		if err != nil {
			return nil, err
		}
		if err := f.Docs()[0].Root().Set("", v); err != nil {
			return nil, err
		}
		b, err := f.Bytes()
		if err != nil {
			return nil, err
		}
		if i > 0 {
			out.WriteString("---\n")
		}
		out.Write(b)
		if len(b) > 0 && b[len(b)-1] != '\n' {
			out.WriteByte('\n')
		}
	}
	return out.Bytes(), nil
}
