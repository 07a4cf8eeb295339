# not a manifest: never parsed, even if it says
# kind: Secret
resource "kubernetes_secret" "x" {}
