module "vm_default_example-vm" {
  source = "./modules/vm"

  instance_type = "t3.micro"
  ports         = []
  subnet_id     = "subnet-123"
  tags = {
    Name = "example"
    team = "platform"
  }
  volume_tags = {}
}
