module "vm_team-a_control-characters" {
  source = "git::https://example.com/mod.git?ref=v1"

  tags = {
    c1                = "\u0080\u0085\u009f"
    café              = "a key not in NFC, alone: written as given"
    del               = "a\u007fb"
    "key\u007f\u009f" = "control characters in a key"
    nel               = "line\u0085break"
    noncharacters     = "\ufffe\uffff"
    separators        = "\u2028\u2029"
    nonchar           = "\ufffe\uffff"
  }
  user_data = "a\u0000b\u001b[0m\tc"
}
