module "m" {
  source = "./modules/vm"

  tags = {}
}
