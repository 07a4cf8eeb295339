module "vm_team-a_web-1" {
  source = "./modules/vm"
  tags = {
}
