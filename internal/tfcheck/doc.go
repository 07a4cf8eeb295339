// Package tfcheck asks Terraform itself whether generated Terraform is valid: it is the oracle the
// tests of terraform-generate and enforce-tags use (imported by _test.go files only, so no stage
// binary links it).
//
// Check takes many configurations at once, each a tree of .tf and .tf.json files, and runs
// Terraform offline over all of them in one root module, because a Terraform start costs more
// than a hundred milliseconds:
//
//   - every module call of a configuration gets a local module beside it, holding the
//     variables.tf the caller chooses (a real module's, or one declaring each argument of the
//     call), and its source and version are rewritten to point there, so `terraform init`
//     installs nothing from the network and needs no provider;
//   - each directory of a configuration becomes one child module of the root, its input
//     variables fed from unknown root variables, the way `terraform validate` treats a root;
//   - `terraform init` then `terraform validate -json` run once over the lot, and every
//     diagnostic is mapped back to its configuration and file by its path. Errors that stop
//     Terraform before evaluation (a syntax error, a bad source address) hide the evaluation
//     errors of the other configurations, so the configurations found broken are set aside and
//     Terraform runs again on the rest until a run finds nothing new;
//   - `terraform fmt -check` runs once over every HCL file as written (before any rewrite).
//
// Terraform runs with CHECKPOINT_DISABLE=1, TF_IN_AUTOMATION=1, an empty CLI configuration, and
// HOME, TMPDIR and TF_DATA_DIR inside the test's temporary directory, so nothing is written
// outside it. Without a terraform binary the tests that need it are skipped, unless
// STAGEKIT_TERRAFORM_TEST=require (CI sets it), which makes a missing binary a failure.
package tfcheck
