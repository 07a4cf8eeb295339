module "vm_team-a_web-1" {
  source = "./modules/vm"

  eip_tags = merge(local.a, local.b)
  instance_tags = merge(var.instance_tags, {
    Backup = "daily"
  })
  tags        = var.tags
  volume_tags = null
}
