module "db" {
  source = "GoogleCloudPlatform/sql-db/google//modules/postgresql"

  labels = {
    owner        = "alice"
    team         = "team-a"
    "managed-by" = "kratix"
    request      = "web-1"
  }
  instance_tags = {}
}
