module "testobject_non-default_test-object" {
  source = "terraform-aws-modules/ec2-instance/aws"
}
