module "vm_default_example-vm" {
  source = "git::https://github.com/terraform-aws-modules/terraform-aws-ec2-instance?ref=v6.0.2"

  instance_type = "t3.micro"
  ports         = []
  subnet_id     = "subnet-123"
  tags = {
    Name = "example"
    team = "platform"
  }
  volume_tags = {}
}
