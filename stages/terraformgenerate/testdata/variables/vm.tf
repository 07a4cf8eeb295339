# A small module interface for the golden tests (shapes taken from the EC2 module's variables.tf).
variable "subnet_id" {
  description = "The VPC Subnet ID to launch in"
  type        = string
}

variable "instance_type" {
  type    = string
  default = "t3.micro"
}

variable "cpu_core_count" {
  type    = number
  default = null
}

variable "monitoring" {
  type    = bool
  default = null
}

variable "tags" {
  type    = map(string)
  default = {}
}

variable "root_block_device" {
  type = object({
    encrypted = optional(bool)
    size      = optional(number)
    type      = optional(string)
  })
  default = null
}

variable "ports" {
  type    = list(number)
  default = []
}

variable "user_data" {
  default = null
}
