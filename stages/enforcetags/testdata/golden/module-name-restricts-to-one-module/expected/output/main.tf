module "vm_team-a_web-1" {
  source = "./modules/vm"
  tags = {
    "managed-by"                  = "kratix"
    "kratix.io/promise"           = "vm"
    "kratix.io/request-namespace" = "team-a"
    "kratix.io/request-name"      = "web-1"
  }
}

module "network" {
  source = "./modules/network"
  tags   = {}
}
