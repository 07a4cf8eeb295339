module "vm_team-a_for-keys" {
  source = "git::https://example.com/mod.git?ref=v1"

  nested = {
    "for" = {
      "for" = 1
      in    = 2
    }
    if = {
      "for" = [1, {
        "for" = 2
      }]
    }
  }
  tags = {
    "for" = "x"
  }
}
