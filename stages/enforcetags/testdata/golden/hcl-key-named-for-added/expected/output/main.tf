module "m" {
  source = "./modules/vm"

  tags = {
    "for"        = "enforced"
    "managed-by" = "kratix"
  }
}
