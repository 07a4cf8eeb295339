module "vm_team-a_web-1" {
    source="./modules/vm"
    instance_type  =  "t3.micro"
    tags={
        Team="payments"
        "managed-by" = "kratix"
        "kratix.io/promise" = "vm"
        "kratix.io/request-namespace" = "team-a"
        "kratix.io/request-name" = "web-1"
    }
}
