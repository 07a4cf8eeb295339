module "vm_team-a_merged" {
  source = "git::https://example.com/mod.git?ref=v1"

  base = {
    instance_type = "t3.micro"
    monitoring    = true
  }
  settings = {
    instance_type = "t3.micro"
    monitoring    = false
  }
  tags = {
    Owner = "alice"
    team  = "payments"
  }
}
