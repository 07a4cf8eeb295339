module "vm_default_typed" {
  source = "terraform-aws-modules/ec2-instance/aws"

  cpu_core_count = 4
  monitoring     = true
  ports          = [80, 443]
  root_block_device = {
    encrypted = false
    size      = 20
  }
  subnet_id = "subnet-1"
  tags = {
    Name        = "web"
    cost-center = "1234"
  }
  user_data = {
    anything = [1, "x"]
  }
}
