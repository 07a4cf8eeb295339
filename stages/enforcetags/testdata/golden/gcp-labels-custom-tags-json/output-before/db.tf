module "db" {
  source = "GoogleCloudPlatform/sql-db/google//modules/postgresql"

  labels = {
    owner = "alice"
    team  = "other"
  }
  instance_tags = {}
}
