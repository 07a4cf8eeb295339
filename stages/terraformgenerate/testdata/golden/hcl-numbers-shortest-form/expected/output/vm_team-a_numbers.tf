module "vm_team-a_numbers" {
  source = "git::https://example.com/mod.git?ref=v1"

  numbers = {
    big              = 1.2345678901234568e+29
    big_power_of_two = 1.1805916207174113e+21
    float_1e21       = 1e+21
    float_below_1e21 = 100000000000000000000
    half             = 0.5
    huge             = 1e+300
    int              = 42
    int64_max        = 9223372036854775807
    negative         = -2.5e-10
    small            = 0.000001
    smallest         = 5e-324
    tiny             = 1e-7
    zero             = 0
  }
}
