//go:build tools

// Package tools pins dependencies that are not imported yet, so go mod tidy keeps them.
package tools

import (
	_ "github.com/google/go-cmp/cmp"
	_ "github.com/hashicorp/hcl/v2/hclwrite"
	_ "github.com/santhosh-tekuri/jsonschema/v5"
	_ "github.com/stretchr/testify/require"
	_ "github.com/zclconf/go-cty/cty"
	_ "sigs.k8s.io/yaml"
	_ "sigs.k8s.io/yaml/goyaml.v3"
)
