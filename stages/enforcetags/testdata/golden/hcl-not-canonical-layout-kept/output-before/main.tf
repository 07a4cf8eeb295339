module "vm_team-a_web-1" {
    source="./modules/vm"
    instance_type  =  "t3.micro"
    tags={
        Team="payments"
    }
}
