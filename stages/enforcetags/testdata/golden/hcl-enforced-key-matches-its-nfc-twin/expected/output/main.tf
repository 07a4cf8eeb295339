module "m" {
  source = "./modules/vm"

  tags = {
    "équipe" = "payments"
  }
}
