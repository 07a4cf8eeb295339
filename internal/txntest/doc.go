// Package txntest checks that a run of every prebuilt stage is a transaction: its tests drive each
// stage's golden cases through a failure at every operation that writes (every errno a disk
// gives, and a disk that fills up part way), and kill a real stage process with SIGKILL at twenty
// moments of a 60 MB run. Either way output/ and metadata/ end up as before the run or as after
// it, never in between, and nothing of the run's staging is left for the work-writer to ship.
//
// The package has tests only.
package txntest
