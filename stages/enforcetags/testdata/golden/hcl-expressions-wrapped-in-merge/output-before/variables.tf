variable "tags" {
  type = map(string)
}

variable "instance_tags" {
  type = map(string)
}

locals {
  a = { Team = "payments" }
  b = { Backup = "daily" }
}
