// Package labels parses and matches Kubernetes label selectors, the syntax of
// `kubectl get -l` and of a stage's ROLLOUT_SELECTOR, without apimachinery:
//
//	env=staging                      the label is present with this value (also env==staging)
//	env!=prod                        absent, or present with another value
//	env in (dev,staging)             present with one of the values
//	tier notin (frontend)            absent, or present with none of the values
//	canary                           present, with any value
//	!legacy                          absent
//	replicas>2, replicas<10          present with an integer value greater (smaller) than this
//	env=staging,!legacy              every requirement, comma-separated, must hold
//
// The grammar, the lexer's corner cases ("env in ()" means the set {""}; a NUL byte where a
// token starts ends the input) and the key and value rules are those of k8s.io/apimachinery/pkg/labels.Parse: a test
// parses the same inputs with both and compares the results. The empty selector matches
// everything.
//
// The key and value rules are exported on their own for stages that write labels:
// [KeyError] and [ValueError] say why a label key or value would be refused by Kubernetes.
package labels
