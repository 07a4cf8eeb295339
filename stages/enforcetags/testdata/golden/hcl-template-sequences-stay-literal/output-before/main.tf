module "m" {
  source = "./modules/vm"

  tags = {
    lit   = "$${lit}"
    owner = "someone"
  }
}
