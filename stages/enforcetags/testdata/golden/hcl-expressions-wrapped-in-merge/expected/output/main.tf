module "vm_team-a_web-1" {
  source = "./modules/vm"

  eip_tags = merge(local.a, local.b, {
    "managed-by"                  = "kratix"
    "kratix.io/promise"           = "vm"
    "kratix.io/request-namespace" = "team-a"
    "kratix.io/request-name"      = "web-1"
  })
  instance_tags = merge(var.instance_tags, {
    Backup                        = "daily"
    "managed-by"                  = "kratix"
    "kratix.io/promise"           = "vm"
    "kratix.io/request-namespace" = "team-a"
    "kratix.io/request-name"      = "web-1"
  })
  tags = merge(var.tags, {
    "managed-by"                  = "kratix"
    "kratix.io/promise"           = "vm"
    "kratix.io/request-namespace" = "team-a"
    "kratix.io/request-name"      = "web-1"
  })
  volume_tags = null
}
