module "vm_default_example-vm" {
  source  = "terraform-aws-modules/ec2-instance/aws"
  version = "6.0.2"

  instance_type = "t3.micro"
  ports         = []
  subnet_id     = "subnet-123"
  tags = {
    Name = "example"
    team = "platform"
  }
  volume_tags = {}
}

output "vm_default_example-vm_id" {
  value = module.vm_default_example-vm.id
}

output "vm_default_example-vm_arn" {
  value = module.vm_default_example-vm.arn
}

output "vm_default_example-vm_public_ip" {
  value = module.vm_default_example-vm.public_ip
}
