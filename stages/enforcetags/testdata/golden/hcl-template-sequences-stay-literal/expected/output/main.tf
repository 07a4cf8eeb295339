module "m" {
  source = "./modules/vm"

  tags = {
    lit       = "$${lit}"
    owner     = "$${var.x}"
    if        = "%%{ if true }x%%{ endif }"
    "$${key}" = "v"
  }
}
