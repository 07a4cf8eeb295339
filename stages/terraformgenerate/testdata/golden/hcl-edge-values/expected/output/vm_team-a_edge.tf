module "vm_team-a_edge" {
  source = "git::https://example.com/mod.git?ref=v1"

  big       = 1.2345678901234568e+29
  emptyList = []
  emptyMap  = {}
  float     = 1.5
  list = [1, "two", {
    three = 3
  }, [4], null]
  multiline = "line one\n\"quoted\" line two\n"
  negative  = -42
  nested = {
    "1st"               = true
    escaped             = "$$${already}"
    gone                = null
    "kratix.io/promise" = "vm"
    "needs quoting"     = 1
    template            = "$${not.a.reference} and %%{ if x }"
  }
  tiny    = 0.000001
  unicode = "café ✓"
}
